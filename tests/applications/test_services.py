"""The write services: create, sections, cost plan, partners, attachments, submit."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import (
    ApplicationEvent,
    ApplicationPartner,
    Attachment,
    CostLine,
    FinancingType,
    ReferenceCounter,
    RoundParticipation,
    Section,
)
from applications.services import (
    STALE_MESSAGE,
    ApplicationFrozenError,
    StaleEditError,
    application_create,
    application_submit,
    application_update_section,
    application_validate_for_submission,
    attachment_add,
    attachment_remove,
    cost_plan_save,
    duration_months,
    partner_add,
    partner_remove,
    partner_respond,
    section_of,
)
from applications.workflow import Status, TransitionNotAllowed
from documents.models import DocumentKind, GeneratedDocument
from documents.services import document_store
from tests.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    ApplicationPartnerFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    ItemRequestFactory,
    MunicipalityFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


def pdf(name="Konzept.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


# application_create -----------------------------------------------------------------------------
def test_create_starts_a_draft(funding_round, lead, applicant):
    app = application_create(round=funding_round, municipality=lead, user=applicant)
    assert app.status == Status.DRAFT and app.reference is None and app.version == 1
    assert app.created_by == applicant
    assert app.contact_email == applicant.email and app.contact_name == "Erika Mustermann"
    assert app.postcode == lead.postcode
    participation = RoundParticipation.objects.get(round=funding_round, municipality=lead)
    assert participation.application == app and participation.role == "lead"
    event = app.events.get()
    assert (event.action, event.to_status, event.actor) == ("created", "draft", applicant)


def test_create_for_small_municipality_allowed_as_joint_lead(funding_round):
    small = MunicipalityFactory(population=9_999)
    app = application_create(round=funding_round, municipality=small, user=staff_for(small))
    assert app.events.get().data == {"mode": "joint_required"}


def test_create_needs_membership(funding_round, lead):
    with pytest.raises(PermissionDenied):
        application_create(
            round=funding_round, municipality=lead, user=staff_for(MunicipalityFactory())
        )
    with pytest.raises(PermissionDenied):
        application_create(round=funding_round, municipality=lead, user=CaseOfficerFactory())


def test_create_needs_open_round(lead, applicant):
    now = timezone.now()
    closed = FundingRoundFactory(opens_at=now - dt.timedelta(days=9), deadline=now)
    with pytest.raises(ValidationError) as exc:
        application_create(
            round=closed, municipality=lead, user=applicant, now=now + dt.timedelta(seconds=1)
        )
    assert "abgelaufen" in exc.value.messages[0]
    future = FundingRoundFactory(opens_at=now + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        application_create(round=future, municipality=lead, user=applicant)


def test_create_refuses_ineligible_and_second_application(funding_round, lead, applicant):
    big = MunicipalityFactory(population=50_001)
    with pytest.raises(ValidationError) as exc:
        application_create(round=funding_round, municipality=big, user=staff_for(big))
    assert "50.001" in " ".join(exc.value.messages)
    application_create(round=funding_round, municipality=lead, user=applicant)
    with pytest.raises(ValidationError) as exc:
        application_create(round=funding_round, municipality=lead, user=applicant)
    assert "bereits" in exc.value.messages[0]
    assert RoundParticipation.objects.filter(municipality=lead).count() == 1


# application_update_section ---------------------------------------------------------------------
@pytest.fixture
def draft(funding_round, lead, applicant):
    return application_create(round=funding_round, municipality=lead, user=applicant)


def test_section_save_accepts_incomplete_draft_and_bumps_version(draft, applicant):
    version = draft.version
    app = application_update_section(
        application=draft,
        user=applicant,
        section="project",
        data={"title": "  Vielfalt in Bensheim  ", "start_date": "", "aims": None},
        expected_version=version,
    )
    assert app.title == "Vielfalt in Bensheim" and app.start_date is None
    assert app.answers.get("aims", "") == ""
    assert app.version == version + 1
    assert draft.version == version + 1  # the caller's instance is updated too
    assert not app.events.filter(action="section_updated").exists()  # drafts: no noise


def test_stale_version_refused(draft, applicant):
    application_update_section(
        application=draft,
        user=applicant,
        section="applicant",
        data={"street": "Marktplatz 1"},
        expected_version=draft.version,
    )
    with pytest.raises(StaleEditError) as exc:
        application_update_section(
            application=draft,
            user=applicant,
            section="applicant",
            data={"street": "Rathausplatz 2"},
            expected_version=draft.version - 1,
        )
    assert exc.value.messages == [STALE_MESSAGE]
    assert STALE_MESSAGE.startswith("Dieser Antrag wurde inzwischen an anderer Stelle geändert")
    draft.refresh_from_db()
    assert draft.street == "Marktplatz 1"


def test_section_values_must_be_well_formed(draft, applicant):
    with pytest.raises(ValidationError) as exc:
        application_update_section(
            application=draft,
            user=applicant,
            section="applicant",
            data={
                "contact_email": "keine-mail",
                "iban": "DE88 3704 0044 0532 0130 00",
                "contact_phone": "123",
                "postcode": "6428",
                "city": "Bensheim",
            },
            expected_version=draft.version,
        )
    assert set(exc.value.message_dict) == {"contact_email", "iban", "contact_phone", "postcode"}
    assert "Prüfziffer" in exc.value.message_dict["iban"][0]
    draft.refresh_from_db()
    assert draft.version == 1  # nothing saved


def test_iban_stored_compact(draft, applicant):
    app = application_update_section(
        application=draft,
        user=applicant,
        section="applicant",
        data={"iban": "de89 3704 0044 0532 0130 00"},
        expected_version=draft.version,
    )
    assert app.iban == "DE89370400440532013000"


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        ("2030-01-01", "2030-01-31", True),
        ("2030-01-01", "2031-06-30", True),  # 18 months
        ("2030-01-01", "2031-07-01", False),  # 18 months and a day
        ("2030-02-01", "2030-01-31", False),  # ends before it starts
    ],
)
def test_project_dates(draft, applicant, start, end, ok):
    def save():
        return application_update_section(
            application=draft,
            user=applicant,
            section="project",
            data={"start_date": start, "end_date": end},
            expected_version=draft.version,
        )

    if ok:
        save()
    else:
        with pytest.raises(ValidationError) as exc:
            save()
        assert "end_date" in exc.value.message_dict


def test_duration_months():
    d = dt.date
    assert duration_months(d(2020, 1, 1), d(2020, 12, 31)) == 12
    assert duration_months(d(2020, 1, 1), d(2021, 1, 1)) == 13
    assert duration_months(d(2020, 1, 15), d(2020, 2, 14)) == 1
    assert duration_months(d(2020, 1, 15), d(2020, 2, 20)) == 2
    assert duration_months(d(2020, 2, 1), d(2020, 2, 29)) == 1
    assert duration_months(d(2020, 3, 1), d(2020, 3, 1)) == 1


# Duration and start at submission (issue 9.5) ------------------------------------------------
SUBMISSION_MOMENT = timezone.make_aware(dt.datetime(2030, 3, 10, 10, 0))  # Europe/Berlin


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (dt.date(2030, 4, 1), dt.date(2030, 4, 1), False),  # one day
        (dt.date(2030, 4, 1), dt.date(2030, 4, 14), False),  # two weeks
        (dt.date(2030, 4, 1), dt.date(2030, 4, 29), False),  # a month less two days
        (dt.date(2030, 4, 1), dt.date(2030, 4, 30), True),  # exactly one month: the minimum
        (dt.date(2030, 4, 15), dt.date(2030, 5, 13), False),  # a day short of a month
        (dt.date(2030, 4, 15), dt.date(2030, 5, 14), True),  # 15.04.–14.05. is one month
        (dt.date(2030, 4, 1), dt.date(2031, 9, 29), True),  # 18 months less a day
        (dt.date(2030, 4, 1), dt.date(2031, 9, 30), True),  # exactly 18 months: the maximum
        (dt.date(2030, 4, 1), dt.date(2031, 10, 1), False),  # 18 months and a day
        (dt.date(2030, 4, 1), dt.date(2031, 10, 31), False),  # 19 months
    ],
)
def test_submission_check_enforces_minimum_and_maximum_duration(complete_app, start, end, ok):
    complete_app.start_date, complete_app.end_date = start, end
    errors = application_validate_for_submission(complete_app, now=SUBMISSION_MOMENT)
    if ok:
        assert "end_date" not in errors
    else:
        assert len(errors["end_date"]) == 1
        text = errors["end_date"][0]
        assert text.startswith(f"Die geplante Laufzeit ({start:%d.%m.%Y} bis {end:%d.%m.%Y}) ist ")
        assert ("Mindestlaufzeit von 1 Monat" in text) == (end < start.replace(month=5))
        assert ("Höchstlaufzeit von 18 Monaten" in text) == (end > start.replace(month=5))


def test_too_short_duration_message_names_the_earliest_end(complete_app):
    complete_app.start_date, complete_app.end_date = dt.date(2030, 4, 1), dt.date(2030, 4, 14)
    errors = application_validate_for_submission(complete_app, now=SUBMISSION_MOMENT)
    assert errors["end_date"] == [
        "Die geplante Laufzeit (01.04.2030 bis 14.04.2030) ist kürzer als die Mindestlaufzeit "
        "von 1 Monat in dieser Förderrunde. Das Vorhaben muss frühestens am 30.04.2030 enden."
    ]
    assert section_of("end_date") == Section.PROJECT


def test_round_minimum_of_three_months(complete_app):
    round_ = complete_app.round
    round_.duration_min_months = 3
    round_.save()
    complete_app.start_date = dt.date(2030, 4, 1)
    complete_app.end_date = dt.date(2030, 6, 29)
    errors = application_validate_for_submission(complete_app, now=SUBMISSION_MOMENT)
    assert "Mindestlaufzeit von 3 Monaten" in errors["end_date"][0]
    assert "frühestens am 30.06.2030" in errors["end_date"][0]
    complete_app.end_date = dt.date(2030, 6, 30)
    assert "end_date" not in application_validate_for_submission(
        complete_app, now=SUBMISSION_MOMENT
    )


def test_saving_a_two_week_project_is_refused(draft, applicant):
    with pytest.raises(ValidationError) as exc:
        application_update_section(
            application=draft,
            user=applicant,
            section="project",
            data={"start_date": "2030-04-01", "end_date": "2030-04-14"},
            expected_version=draft.version,
        )
    assert "Mindestlaufzeit von 1 Monat" in exc.value.message_dict["end_date"][0]


@pytest.mark.parametrize(("days", "ok"), [(-30, False), (-1, False), (0, True), (1, True)])
def test_planned_start_not_before_the_submission_day(complete_app, days, ok):
    # 00:30 in Berlin is still the previous day in UTC: the day is the Berlin day.
    moment = timezone.make_aware(dt.datetime(2030, 3, 10, 0, 30))
    complete_app.start_date = dt.date(2030, 3, 10) + dt.timedelta(days=days)
    complete_app.end_date = complete_app.start_date + dt.timedelta(days=364)
    errors = application_validate_for_submission(complete_app, now=moment)
    if ok:
        assert "start_date" not in errors
    else:
        assert errors["start_date"] == [
            f"Der geplante Beginn ({complete_app.start_date:%d.%m.%Y}) liegt vor dem Tag der "
            "Einreichung (10.03.2030). Ein Vorhaben, mit dem noch nicht begonnen wurde, kann "
            "frühestens am Tag der Einreichung beginnen. Bitte geben Sie einen Beginn ab dem "
            "10.03.2030 an."
        ]


def test_submit_refuses_a_start_yesterday_and_keeps_the_draft(complete_app, applicant):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    complete_app.start_date = yesterday
    complete_app.end_date = yesterday + dt.timedelta(days=200)
    complete_app.save()
    with pytest.raises(ValidationError) as exc:
        application_submit(application=complete_app, user=applicant)
    assert "liegt vor dem Tag der Einreichung" in exc.value.message_dict["start_date"][0]
    complete_app.refresh_from_db()
    assert complete_app.status == Status.DRAFT and complete_app.reference is None


def test_submit_refuses_a_two_week_project(complete_app, applicant):
    start = timezone.localdate() + dt.timedelta(days=10)
    complete_app.start_date, complete_app.end_date = start, start + dt.timedelta(days=13)
    complete_app.save()
    with pytest.raises(ValidationError) as exc:
        application_submit(application=complete_app, user=applicant)
    assert "Mindestlaufzeit von 1 Monat" in exc.value.message_dict["end_date"][0]
    complete_app.refresh_from_db()
    assert complete_app.status == Status.DRAFT


def test_unknown_section_or_field_is_a_programming_error(draft, applicant):
    for section, data in [("bogus", {}), ("cost_plan", {}), ("project", {"iban": "x"})]:
        with pytest.raises(ValueError):
            application_update_section(
                application=draft,
                user=applicant,
                section=section,
                data=data,
                expected_version=draft.version,
            )


def test_only_lead_staff_may_edit(draft):
    for user in (staff_for(MunicipalityFactory()), CaseOfficerFactory()):
        with pytest.raises(PermissionDenied):
            application_update_section(
                application=draft,
                user=user,
                section="project",
                data={"title": "x"},
                expected_version=draft.version,
            )


@pytest.mark.parametrize("status", [s for s in Status.values if s not in ("draft",)])
def test_content_frozen_after_submission(status, funding_round, lead, applicant):
    app = ApplicationFactory(round=funding_round, lead_municipality=lead, status=status)
    with pytest.raises(ApplicationFrozenError) as exc:
        application_update_section(
            application=app,
            user=applicant,
            section="project",
            data={"title": "Geändert"},
            expected_version=app.version,
        )
    assert exc.value.code == "frozen"


def test_item_request_reopens_only_named_sections(funding_round, lead, applicant):
    app = ApplicationFactory(
        round=funding_round, lead_municipality=lead, status=Status.MISSING_ITEMS, complete=True
    )
    ItemRequestFactory(application=app, sections=["project", "attachments"])
    app = application_update_section(
        application=app,
        user=applicant,
        section="project",
        data={"aims": "Genauer"},
        expected_version=app.version,
    )
    event = app.events.get(action="section_updated")
    assert event.data == {"section": "project", "fields": ["aims"]}
    attachment_add(application=app, user=applicant, kind="other", uploaded_file=pdf())
    with pytest.raises(ApplicationFrozenError) as exc:
        cost_plan_save(
            application=app,
            user=applicant,
            lines=[],
            own_funds=0,
            third_party_funds=0,
            requested_grant=0,
            expected_version=app.version,
        )
    assert "Vorhaben, Anlagen" in exc.value.messages[0]


# Cost plan --------------------------------------------------------------------------------------
def _line(category, amount, year=2030, description="Moderation"):
    return {"category": category, "description": description, "amount": amount, "budget_year": year}


def test_cost_plan_replaces_lines_atomically(draft, applicant, funding_round):
    cat = funding_round.cost_categories.first()
    app = cost_plan_save(
        application=draft,
        user=applicant,
        lines=[
            _line(cat, "1.500,50"),
            _line(cat.pk, Decimal("100")),
            {"category": "", "description": "", "amount": "", "budget_year": ""},
        ],
        own_funds="100",
        third_party_funds="",
        requested_grant="1500.50",
        expected_version=draft.version,
    )
    assert app.total_cost == Decimal("1600.50")
    assert (app.own_funds, app.third_party_funds, app.requested_grant) == (
        Decimal("100.00"),
        Decimal("0.00"),
        Decimal("1500.50"),
    )
    app = cost_plan_save(
        application=app,
        user=applicant,
        lines=[_line(cat, "42")],
        own_funds="0",
        third_party_funds="0",
        requested_grant="42",
        expected_version=app.version,
    )
    assert list(CostLine.objects.filter(application=app).values_list("amount", flat=True)) == [
        Decimal("42.00")
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "nicht negativ"),
        # German: "10,005" has three decimal places ("10.005" is 10005, as in every form).
        ("10,005", "zwei Nachkommastellen"),
        ("zehn", "Betrag in Euro"),
    ],
)
def test_cost_line_amount_rules(draft, applicant, funding_round, amount, message):
    cat = funding_round.cost_categories.first()
    with pytest.raises(ValidationError) as exc:
        cost_plan_save(
            application=draft,
            user=applicant,
            lines=[_line(cat, "10"), _line(cat, amount)],
            own_funds=0,
            third_party_funds=0,
            requested_grant=0,
            expected_version=draft.version,
        )
    assert message in exc.value.message_dict["lines.1.amount"][0]
    assert not CostLine.objects.filter(application=draft).exists()


def test_a_missing_amount_is_fine_in_a_draft_but_not_on_submission(draft, applicant, funding_round):
    cat = funding_round.cost_categories.first()
    cost_plan_save(
        application=draft,
        user=applicant,
        lines=[_line(cat, "10"), _line(cat, "")],
        own_funds=0,
        third_party_funds=0,
        requested_grant=0,
        expected_version=draft.version,
    )
    assert list(CostLine.objects.filter(application=draft).values_list("amount", flat=True)) == [
        Decimal("10.00"),
        None,
    ]
    errors = application_validate_for_submission(draft)
    assert errors["lines.1.amount"] == ["Bitte geben Sie den Betrag der Kostenposition an."]


def test_cost_line_category_must_belong_to_round(draft, applicant):
    foreign = FundingRoundFactory().cost_categories.first()
    with pytest.raises(ValidationError) as exc:
        cost_plan_save(
            application=draft,
            user=applicant,
            lines=[_line(foreign, "10")],
            own_funds=0,
            third_party_funds=0,
            requested_grant="-3",
            expected_version=draft.version,
        )
    assert set(exc.value.message_dict) == {"lines.0.category", "requested_grant"}


def test_cost_plan_stale_version(draft, applicant):
    with pytest.raises(StaleEditError):
        cost_plan_save(
            application=draft,
            user=applicant,
            lines=[],
            own_funds=0,
            third_party_funds=0,
            requested_grant=0,
            expected_version=draft.version + 1,
        )


def _plan(app, *amounts, own="0", third="0", grant="0"):
    CostLine.objects.filter(application=app).delete()
    cat = app.round.cost_categories.first()
    for i, amount in enumerate(amounts):
        CostLine.objects.create(
            application=app,
            category=cat,
            description="Posten",
            amount=Decimal(amount),
            budget_year=app.start_date.year,
            position=i,
        )
    app.own_funds, app.third_party_funds, app.requested_grant = (
        Decimal(own),
        Decimal(third),
        Decimal(grant),
    )
    app.save()
    errors = application_validate_for_submission(app)
    return {k: v for k, v in errors.items() if section_of(k) == Section.COST_PLAN}


@pytest.mark.parametrize(
    ("amounts", "own", "third", "grant", "error_keys"),
    [
        (("15000", "5000"), "2000", "0", "18000", set()),  # balanced, gap 18,000
        (("20000",), "0", "0", "20000", set()),  # exactly the maximum
        (("25000",), "5000", "0", "20000", set()),
        (("25000",), "4000", "0", "21000", {"requested_grant"}),  # above max_grant
        (("20000",), "2000", "1000", "18000", {"requested_grant"}),  # above the gap
        (("20000",), "2000", "0", "17000", {"cost_plan"}),  # not balanced
        ((), "0", "0", "1000", {"cost_plan", "requested_grant"}),  # no lines
        (("10000",), "10000", "0", "0", {"requested_grant"}),  # nothing requested
    ],
)
def test_cost_plan_rules_fehlbedarf(complete_app, amounts, own, third, grant, error_keys):
    errors = _plan(complete_app, *amounts, own=own, third=third, grant=grant)
    assert set(errors) == error_keys, errors


def test_cost_plan_messages_name_the_figures(complete_app):
    errors = _plan(complete_app, "20000", own="2000", third="1000", grant="18000")
    assert errors["requested_grant"] == [
        "Bei Fehlbedarfsfinanzierung deckt die Zuwendung höchstens den Fehlbedarf: "
        "Gesamtkosten 20.000,00 € abzüglich Eigenmittel 2.000,00 € und Drittmittel "
        "1.000,00 € ergeben 17.000,00 €; beantragt sind 18.000,00 €."
    ]
    errors = _plan(complete_app, "30000", own="5000", grant="21000")
    assert "Höchstbetrag der Förderrunde (20.000,00 €)" in errors["requested_grant"][0]


def test_cost_plan_rules_follow_the_round(complete_app):
    round_ = complete_app.round
    round_.max_grant = Decimal("30000.00")
    round_.financing_type = FinancingType.FESTBETRAG
    round_.save()
    assert _plan(complete_app, "30000", grant="30000") == {}
    assert set(_plan(complete_app, "20000", grant="25000")) == {"requested_grant"}


def test_budget_year_within_project(complete_app):
    complete_app.cost_lines.update(budget_year=complete_app.start_date.year - 1)
    errors = application_validate_for_submission(complete_app)
    assert any(k.endswith(".budget_year") for k in errors)


# Partners ---------------------------------------------------------------------------------------
@pytest.fixture
def small_draft(funding_round):
    small = MunicipalityFactory(population=8_000, name="Lautertal")
    user = staff_for(small)
    return application_create(round=funding_round, municipality=small, user=user), user


def test_partner_add_and_confirm(small_draft):
    app, lead_user = small_draft
    partner_town = MunicipalityFactory(population=4_000, name="Lindenfels")
    partner = partner_add(application=app, user=lead_user, municipality=partner_town)
    assert partner.status == "pending"
    assert RoundParticipation.objects.get(municipality=partner_town).role == "partner"
    # The lead cannot answer for the partner.
    with pytest.raises(PermissionDenied):
        partner_respond(partner=partner, user=lead_user, confirm=True)
    partner_user = staff_for(partner_town)
    partner = partner_respond(partner=partner, user=partner_user, confirm=True)
    assert partner.status == "confirmed" and partner.decided_by == partner_user
    assert list(app.events.values_list("action", flat=True)) == [
        "created",
        "partner_added",
        "partner_confirmed",
    ]
    # Answering again changes nothing.
    partner_respond(partner=partner, user=partner_user, confirm=True)
    assert app.events.count() == 3


def test_partner_decline_frees_the_municipality(small_draft, funding_round):
    app, lead_user = small_draft
    partner_town = MunicipalityFactory(population=4_000)
    partner = partner_add(application=app, user=lead_user, municipality=partner_town)
    partner_respond(partner=partner, user=staff_for(partner_town), confirm=False, message="Nein")
    assert not RoundParticipation.objects.filter(municipality=partner_town).exists()
    assert ApplicationPartner.objects.get(pk=partner.pk).status == "declined"
    # It may be asked again.
    partner = partner_add(application=app, user=lead_user, municipality=partner_town)
    assert partner.status == "pending"


def test_partner_remove_frees_the_municipality(small_draft):
    app, lead_user = small_draft
    partner_town = MunicipalityFactory(population=4_000)
    partner = partner_add(application=app, user=lead_user, municipality=partner_town)
    partner_remove(partner=partner, user=lead_user)
    assert not ApplicationPartner.objects.filter(application=app).exists()
    assert not RoundParticipation.objects.filter(municipality=partner_town).exists()
    assert app.events.latest("id").action == "partner_removed"


def test_partner_limits(small_draft, funding_round):
    app, lead_user = small_draft
    partner_add(application=app, user=lead_user, municipality=MunicipalityFactory(population=1))
    partner_add(application=app, user=lead_user, municipality=MunicipalityFactory(population=2))
    with pytest.raises(ValidationError) as exc:
        partner_add(application=app, user=lead_user, municipality=MunicipalityFactory())
    assert "höchstens 2 Partnerkommunen" in exc.value.messages[0]
    # A municipality already taking part in the round cannot be a partner.
    taken = ApplicationFactory(round=funding_round).lead_municipality
    app2 = application_create(
        round=funding_round,
        municipality=(m := MunicipalityFactory(population=5_000)),
        user=(u := staff_for(m)),
    )
    with pytest.raises(ValidationError) as exc:
        partner_add(application=app2, user=u, municipality=taken)
    assert "bereits" in exc.value.messages[0]


def test_lead_between_bounds_cannot_have_partners(draft, applicant):
    with pytest.raises(ValidationError) as exc:
        partner_add(
            application=draft, user=applicant, municipality=MunicipalityFactory(population=3_000)
        )
    assert "allein einen Antrag" in exc.value.messages[0]


def test_partner_cannot_answer_after_submission(funding_round):
    partner = ApplicationPartnerFactory(
        application=ApplicationFactory(round=funding_round, status=Status.SUBMITTED),
        status="confirmed",
    )
    with pytest.raises(ApplicationFrozenError):
        partner_respond(partner=partner, user=staff_for(partner.municipality), confirm=False)


# Attachments ------------------------------------------------------------------------------------
def test_attachment_add_stores_privately(draft, applicant, settings):
    att = attachment_add(
        application=draft, user=applicant, kind="konzept", uploaded_file=pdf("../Mein Konzept.pdf")
    )
    assert att.original_name == "Mein_Konzept.pdf"
    assert att.content_type == "application/pdf" and att.size == len(MINIMAL_PDF)
    assert att.file.name.startswith(f"applications/{draft.pk}/")
    assert att.file.name.endswith("_Mein_Konzept.pdf")
    path = att.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and os.path.exists(path)
    event = draft.events.latest("id")
    assert event.action == "attachment_added" and event.data["sha256"] == att.sha256


def test_attachment_fake_pdf_refused(draft, applicant):
    fake = SimpleUploadedFile("Konzept.pdf", b"<html>kein PDF</html>")
    with pytest.raises(ValidationError) as exc:
        attachment_add(application=draft, user=applicant, kind="konzept", uploaded_file=fake)
    assert (
        "keine" in exc.value.message_dict["file"][0] or "kein" in exc.value.message_dict["file"][0]
    )
    assert not Attachment.objects.exists()


def test_attachment_kind_checked(draft, applicant):
    with pytest.raises(ValidationError) as exc:
        attachment_add(application=draft, user=applicant, kind="bogus", uploaded_file=pdf())
    assert "kind" in exc.value.message_dict


def test_attachment_remove_deletes_file_after_commit(
    draft, applicant, django_capture_on_commit_callbacks
):
    att = attachment_add(application=draft, user=applicant, kind="other", uploaded_file=pdf())
    path = att.file.path
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(attachment=att, user=applicant)
    assert not Attachment.objects.exists()
    assert not os.path.exists(path)
    assert draft.events.latest("id").action == "attachment_removed"


def test_attachments_frozen_after_submission(complete_app, applicant):
    submitted = application_submit(application=complete_app, user=applicant)
    with pytest.raises(ApplicationFrozenError):
        attachment_add(application=submitted, user=applicant, kind="other", uploaded_file=pdf())
    with pytest.raises(ApplicationFrozenError):
        attachment_remove(attachment=submitted.attachments.first(), user=applicant)


# Validation for submission ----------------------------------------------------------------------
def test_empty_draft_lists_everything_missing(draft):
    errors = application_validate_for_submission(draft)
    for key in ("title", "iban", "signatory_name", "start_date", "outreach", "decl:decl_anbest_gk"):
        assert key in errors, key
    assert errors["title"] == ["Bitte füllen Sie „Titel des Vorhabens“ aus."]
    assert errors["attachments"] == ["Bitte laden Sie die Anlage „Konzept“ hoch."]
    assert "cost_plan" in errors
    assert section_of("iban") == Section.APPLICANT
    assert section_of("lines.3.amount") == Section.COST_PLAN
    assert section_of("decl:decl_anbest_gk") == Section.DECLARATIONS
    assert section_of("own_funds") == Section.COST_PLAN


def test_bad_formats_reported(complete_app):
    complete_app.iban = "DE88370400440532013000"
    complete_app.contact_phone = "12"
    complete_app.contact_email = "keine-mail"
    complete_app.save()
    errors = application_validate_for_submission(complete_app)
    assert set(errors) == {"iban", "contact_phone", "contact_email"}


def test_joint_application_needs_confirmed_partners_and_letters(funding_round):
    small = MunicipalityFactory(population=9_000)
    app = ApplicationFactory(round=funding_round, lead_municipality=small, complete=True)
    errors = application_validate_for_submission(app)
    assert "Bisher ist keine Partnerkommune angegeben." in errors["partners"]
    partner = ApplicationPartnerFactory(application=app, status="pending")
    errors = application_validate_for_submission(app)
    assert any("noch nicht bestätigt" in m for m in errors["partners"])
    assert any("Absichtserklärung" in m for m in errors["attachments"])
    partner.status = "confirmed"
    partner.save()
    ApplicationPartnerFactory(application=app, with_letter=True)
    errors = application_validate_for_submission(app)
    assert "partners" not in errors
    assert "(2 erforderlich, 1 vorhanden)" in errors["attachments"][0]


def test_ineligible_lead_reported(complete_app):
    lead = complete_app.lead_municipality
    lead.population = 60_000
    lead.save()
    errors = application_validate_for_submission(complete_app)
    assert "60.000" in " ".join(errors["eligibility"])


# Submit -----------------------------------------------------------------------------------------
def test_submit_allocates_reference_and_enqueues_receipt(
    complete_app, applicant, receipts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        app = application_submit(application=complete_app, user=applicant)
    assert app.status == Status.SUBMITTED
    assert app.reference == f"{app.round.reference_prefix}-0001"
    assert app.submitted_at is not None
    assert complete_app.reference == app.reference  # caller's instance updated
    assert receipts.calls == [app.pk]
    event = app.events.get(action="submit")
    assert event.data["reference"] == app.reference
    assert event.data["content"]  # the content as submitted, for the diff of a Nachreichung
    assert (event.from_status, event.to_status, event.actor) == ("draft", "submitted", applicant)


def test_double_submit_gives_one_number_and_one_event(
    complete_app, applicant, receipts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = application_submit(application=complete_app, user=applicant)
        second = application_submit(application=complete_app, user=applicant)
    assert first.reference == second.reference
    assert ApplicationEvent.objects.filter(application=complete_app, action="submit").count() == 1
    assert ReferenceCounter.objects.get(round=complete_app.round).last_number == 1
    assert receipts.calls == [complete_app.pk]


@pytest.mark.parametrize(("offset", "ok"), [(-1, True), (0, True), (1, False)])
def test_deadline_checked_on_server(complete_app, applicant, offset, ok):
    deadline = timezone.make_aware(dt.datetime(2019, 11, 30, 23, 59, 59))
    round_ = complete_app.round
    round_.opens_at = deadline - dt.timedelta(days=90)
    round_.deadline = deadline
    round_.save()
    complete_app.start_date = dt.date(2020, 3, 1)
    complete_app.end_date = dt.date(2021, 2, 28)
    complete_app.save()
    complete_app.cost_lines.update(budget_year=2020)
    now = deadline + dt.timedelta(seconds=offset)
    if ok:
        app = application_submit(application=complete_app, user=applicant, now=now)
        assert app.status == Status.SUBMITTED and app.submitted_at == now
    else:
        with pytest.raises(ValidationError) as exc:
            application_submit(application=complete_app, user=applicant, now=now)
        assert exc.value.code == "deadline"
        assert exc.value.messages == [
            f"Die Antragsfrist der Förderrunde „{round_.title}“ ist am 30.11.2019 um 23:59 Uhr "
            "abgelaufen. Der Antrag wurde nicht eingereicht; Ihr Entwurf bleibt gespeichert."
        ]
        complete_app.refresh_from_db()
        assert complete_app.status == Status.DRAFT and complete_app.reference is None
        assert not ReferenceCounter.objects.filter(round=round_, last_number__gt=0).exists()


def test_incomplete_submission_refused_without_consuming_a_number(
    complete_app, applicant, funding_round
):
    complete_app.declarations.pop("decl_anbest_gk")
    complete_app.save()
    with pytest.raises(ValidationError) as exc:
        application_submit(application=complete_app, user=applicant)
    assert "decl:decl_anbest_gk" in exc.value.message_dict
    complete_app.refresh_from_db()
    assert complete_app.status == Status.DRAFT
    other = ApplicationFactory(round=funding_round, complete=True)
    other = application_submit(application=other, user=staff_for(other.lead_municipality))
    assert other.reference.endswith("-0001")


def test_numbers_follow_each_other_per_round(funding_round):
    refs = []
    for _ in range(3):
        app = ApplicationFactory(round=funding_round, complete=True)
        refs.append(
            application_submit(application=app, user=staff_for(app.lead_municipality)).reference
        )
    assert refs == [f"{funding_round.reference_prefix}-{n:04d}" for n in (1, 2, 3)]
    other_round = ApplicationFactory(complete=True)
    other = application_submit(
        application=other_round, user=staff_for(other_round.lead_municipality)
    )
    assert other.reference.endswith("-0001")


def test_only_lead_staff_submit(complete_app):
    partner = ApplicationPartnerFactory(application=complete_app)
    for user in (staff_for(partner.municipality), CaseOfficerFactory()):
        with pytest.raises(TransitionNotAllowed):
            application_submit(application=complete_app, user=user)


# Generated documents ----------------------------------------------------------------------------
def test_document_store_is_idempotent(complete_app, django_capture_on_commit_callbacks):
    doc = document_store(
        application_id=complete_app.pk,
        kind=DocumentKind.RECEIPT,
        content=MINIMAL_PDF,
        filename="Eingangsbestaetigung.pdf",
    )
    again = document_store(
        application_id=complete_app.pk,
        kind=DocumentKind.RECEIPT,
        content=MINIMAL_PDF,
        filename="Eingangsbestaetigung.pdf",
    )
    assert again.pk == doc.pk and again.file.name == doc.file.name
    old_path = doc.file.path
    with django_capture_on_commit_callbacks(execute=True):
        new = document_store(
            application_id=complete_app.pk,
            kind=DocumentKind.RECEIPT,
            content=MINIMAL_PDF + b"\n",
            filename="Eingangsbestaetigung.pdf",
        )
    assert new.pk == doc.pk and GeneratedDocument.objects.count() == 1
    assert not os.path.exists(old_path) and os.path.exists(new.file.path)
    assert list(complete_app.documents.all()) == [new]


def test_partner_answers_and_uploads_do_not_make_open_forms_stale(small_draft):
    app, lead_user = small_draft
    version = app.version
    partner_town = MunicipalityFactory(population=4_000)
    partner = partner_add(application=app, user=lead_user, municipality=partner_town)
    partner_respond(partner=partner, user=staff_for(partner_town), confirm=True)
    attachment_add(application=app, user=lead_user, kind="other", uploaded_file=pdf())
    app.refresh_from_db()
    assert app.version == version
    application_update_section(
        application=app,
        user=lead_user,
        section="project",
        data={"title": "Gemeinsam"},
        expected_version=version,
    )


# Rules frozen at submission (issue 9.6) ---------------------------------------------------------
def test_answer_to_nachforderung_checked_by_the_rules_it_was_submitted_under(
    complete_app, applicant, case_officer
):
    from applications.models import FundingRound
    from applications.services import (
        application_request_items,
        application_resubmit,
        application_transition,
    )

    app = application_submit(application=complete_app, user=applicant)
    frozen = app.submission_rules
    assert frozen["round"]["population_upper"] == 50_000
    lead = app.lead_municipality
    assert frozen["municipalities"] == {
        str(lead.pk): {
            "population": 20_000,
            "population_date": lead.population_date.isoformat(),
            "is_active": True,
        }
    }
    # the round is lowered behind the admin's back; a newer register raises the population
    FundingRound.objects.filter(pk=app.round_id).update(population_upper=15_000)
    type(lead).objects.filter(pk=lead.pk).update(population=60_000)
    app = application_transition(application=app, action="start_check", actor=case_officer)
    app = application_request_items(
        application=app, user=case_officer, sections=["project"], message="Bitte ergänzen."
    )
    app = application_resubmit(application=app, user=applicant)
    assert app.status == Status.IN_CHECK
    app.refresh_from_db()
    assert app.submission_rules == frozen
