"""Demo data of the grants app: a decided demo round with approved applications at the stages
after the decision, so that a person opening the portal sees them at once:

- Heppenheim (Bergstraße), the demo account antrag@: accepted with a waiver of appeal, one
  payment request paid (approved lower than requested) and one requested;
- Bensheim: accepted, the appeal period still running;
- Oberursel (Taunus): binding, a change request (longer term) and a notice open.

Each application goes through the real services: submitted within the round's period, formally
checked, scored by the two demo jurors, approved by the demo case officer (the letter follows
from the worker). Idempotent: a municipality that already takes part in the round is skipped.
``approved_demo_application`` is for other apps' demo data too (``reports``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from applications import services as application_services
from applications.calls import round_add_standard_set, round_declarations
from applications.models import Application, AttachmentKind, FundingRound, RoundParticipation
from demo.applications import COST_CATEGORIES, PROJECT_TEXT, _concept_pdf, _round_values
from demo.reviews import seed_criteria
from grants import services as grant_services
from municipalities.models import Membership, Municipality
from questionnaires.definitions import strategy_question_set
from reviews import services as review_services
from reviews.models import CHECKLIST, CheckOutcome

DECIDED_ROUND_PREFIX = "KIV-D"
DECIDED_ROUND_TITLE = "Förderrunde (Demo, entschieden)"
OFFICER = "sachbearbeitung@wir-portal.example"
JURORS = ("jury1@wir-portal.example", "jury2@wir-portal.example")
APPLICANT = "antrag@wir-portal.example"
IBAN = "DE89370400440532013000"


@transaction.atomic
def decided_round(now: dt.datetime) -> FundingRound:
    """A round whose period ended two months ago (its applications are decided)."""
    round_, _ = FundingRound.objects.update_or_create(
        reference_prefix=DECIDED_ROUND_PREFIX,
        defaults={
            "title": DECIDED_ROUND_TITLE,
            **_round_values(now - dt.timedelta(days=60), now - dt.timedelta(days=150)),
        },
    )
    for position, name in enumerate(COST_CATEGORIES):
        round_.cost_categories.update_or_create(name=name, defaults={"position": position})
    if round_.question_set_id is None:  # the strategy call's questions (issue 14)
        round_.question_set = strategy_question_set(DECIDED_ROUND_TITLE)
        round_.save(update_fields=["question_set"])
    if not round_.declarations.exists():  # the standard declarations and attachment kinds
        round_add_standard_set(round_, required_kinds=[AttachmentKind.KONZEPT])
    seed_criteria([round_])
    return round_


def _staff(municipality: Municipality, email: str | None = None) -> User:
    email = email or f"demo-{municipality.ags}@wir-portal.example"
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={"full_name": f"Demo {municipality.name}", "role": Role.MUNICIPAL_STAFF},
    )
    Membership.objects.get_or_create(user=user, municipality=municipality)
    return user


def approved_demo_application(
    round_: FundingRound,
    municipality: Municipality,
    title: str,
    *,
    grant: Decimal,
    start: dt.date,
    end: dt.date,
    submitted_at: dt.datetime,
    user: User | None = None,
) -> Application | None:
    """An application of ``municipality`` in ``round_``, submitted at ``submitted_at``, checked,
    scored and approved with ``grant`` (the demo officer and jurors must exist)."""
    if RoundParticipation.objects.filter(round=round_, municipality=municipality).exists():
        return None
    officer = User.objects.get(email=OFFICER)
    user = user or _staff(municipality)
    s = application_services
    with transaction.atomic():
        app = s.application_create(
            round=round_, municipality=municipality, user=user, now=submitted_at
        )
        s.application_update_section(
            application=app, user=user, section="applicant", expected_version=app.version,
            data={
                "street": "Rathausplatz 1", "postcode": municipality.postcode or "64646",
                "city": municipality.name.split(" (")[0], "contact_name": user.full_name,
                "contact_function": "Integrationsbüro", "contact_email": user.email,
                "contact_phone": "06252 13-0", "signatory_name": "Bürgermeisterin",
                "signatory_function": "Bürgermeisterin", "iban": IBAN,
                "account_holder": f"Stadtkasse {municipality.name}",
            },
        )  # fmt: skip
        s.application_update_section(
            application=app, user=user, section="project", expected_version=app.version,
            data={"title": title, "start_date": start, "end_date": end, **PROJECT_TEXT},
        )  # fmt: skip
        category = round_.cost_categories.order_by("position").first()
        s.cost_plan_save(
            application=app, user=user, expected_version=app.version,
            lines=[
                {"category": category, "description": "Externe Prozessmoderation",
                 "amount": grant + Decimal("1000.00"), "budget_year": start.year},
                {"category": category, "description": "Werkstätten und Dokumentation",
                 "amount": Decimal("3000.00"), "budget_year": start.year},
            ],
            own_funds=Decimal("4000.00"), third_party_funds=Decimal("0"), requested_grant=grant,
        )  # fmt: skip
        s.attachment_add(
            application=app, user=user, kind="konzept",
            uploaded_file=ContentFile(_concept_pdf(title), name="Konzept.pdf"),
        )  # fmt: skip
        s.application_update_declarations(
            application=app, user=user, expected_version=app.version,
            confirmed=[d.key for d in round_declarations(app.round)],
        )  # fmt: skip
        s.application_submit(application=app, user=user, now=submitted_at)
        r = review_services
        r.formal_check_start(application=app, user=officer)
        r.formal_check_record(
            application=app, user=officer, checklist=dict.fromkeys(CHECKLIST, True),
            outcome=CheckOutcome.PASSED,
        )  # fmt: skip
        criteria = list(round_.criteria.all())
        for email in JURORS:
            juror = User.objects.get(email=email)
            assignment = r.assignment_create(application=app, reviewer=juror, user=officer)
            r.assignment_declare(assignment=assignment, user=juror, conflict=False)
            r.review_save(
                assignment=assignment, user=juror, points={c.pk: 8 for c in criteria},
                overall_comment="Überzeugendes Beteiligungskonzept.", recommendation="fund",
                finalize=True,
            )  # fmt: skip
        r.application_mark_ready(application=app, user=officer)
        r.decision_approve(application=app, user=officer, granted_amount=grant)
    return app


def seed_grants(now: dt.datetime | None = None) -> list[str]:
    """The demo grants (see the module's docstring); returns a line for each one made."""
    now = now or timezone.now()
    if User.objects.filter(email__in=[OFFICER, *JURORS, APPLICANT]).count() != 4:
        return []
    round_ = decided_round(now)
    officer = User.objects.get(email=OFFICER)
    today = timezone.localdate(now)
    start = today - dt.timedelta(days=30)
    end = (start.replace(day=1) + dt.timedelta(days=400)).replace(day=1) - dt.timedelta(days=1)
    submitted_at = now - dt.timedelta(days=90)
    made = []
    stages = (
        ("06431011", "Heppenheim: Vielfalt gestalten", Decimal("18000.00"), APPLICANT),
        ("06431002", "Bensheim gemeinsam: Vielfalt im Quartier", Decimal("15000.00"), None),
        ("06434008", "Oberursel – Heimat für alle", Decimal("20000.00"), None),
    )
    for ags, title, amount, email in stages:
        municipality = Municipality.objects.filter(ags=ags).first()
        if municipality is None:
            continue
        user = _staff(municipality, email)
        app = approved_demo_application(
            round_, municipality, title, grant=amount, start=start, end=end,
            submitted_at=submitted_at, user=user,
        )  # fmt: skip
        if app is None:
            continue
        with transaction.atomic():
            grant = grant_services.grant_ensure(app, now=now)
            stage = _stage(ags, grant, user, officer, today)
        made.append(f"{app.reference} {municipality.name}: {stage}")
    return made


def _stage(ags: str, grant, user, officer, today: dt.date) -> str:
    s = grant_services
    if ags == "06431002":
        s.grant_accept(grant=grant, user=user)
        return "angenommen, Rechtsbehelfsfrist läuft"
    grant = s.grant_accept(grant=grant, user=user, waive_appeal=True)
    if ags == "06431011":
        first = s.payment_request_create(
            grant=grant, user=user, amount="6.000,00", iban=IBAN,
            account_holder="Stadtkasse Heppenheim",
            items=[
                {"description": "Externe Moderation, Auftaktveranstaltung", "due_on": today,
                 "amount": "4.500,00"},
                {"description": "Saalmiete und Verpflegung Auftakt", "due_on": today,
                 "amount": "1.500,00"},
            ],
        )  # fmt: skip
        s.payment_approve(
            request=first, user=officer, approved_amount="5.500,00",
            message="Die Verpflegung ist nur anteilig zuwendungsfähig.",
        )  # fmt: skip
        s.payment_mark_paid(request=first, user=officer, paid_on=today)
        s.payment_request_create(
            grant=grant, user=user, amount="4.000,00", iban=IBAN,
            account_holder="Stadtkasse Heppenheim",
            items=[{"description": "Quartierswerkstatt Nord und Süd",
                    "due_on": today + dt.timedelta(days=30), "amount": "4.000,00"}],
        )  # fmt: skip
        return "ein Mittelabruf ausgezahlt, einer beantragt"
    s.change_request_create(
        grant=grant, user=user, kind="term",
        text="Die Quartierswerkstätten verschieben sich wegen der Kommunalwahl um drei Monate.",
        new_end_date=(grant.application.end_date + dt.timedelta(days=92)),
    )  # fmt: skip
    s.notice_file(
        grant=grant, user=user, kind="third_party_funds", amount="2.000,00",
        text="Die Sparkassen-Stiftung fördert die Dolmetschkosten mit 2.000 €.",
    )  # fmt: skip
    return "Änderungsantrag (Verlängerung) und Mitteilung offen"
