"""A call set up by configuration (issue 14): eligibility rule types, the round's declarations
and attachment kinds, read by the form, the submission check and the summaries."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import JoinRequest
from applications.calls import round_declarations
from applications.eligibility import Mode, check_eligibility
from applications.models import EligibilityRule, RoundAttachmentKind, RoundDeclaration, Section
from applications.progress import section_answers
from applications.selectors import partner_candidates
from applications.services import (
    application_submit,
    application_update_declarations,
    application_validate_for_submission,
    attachment_add,
    partner_add,
)
from applications.workflow import Status
from municipalities.models import MunicipalityKind
from questionnaires.definitions import question_set_from_definition
from questionnaires.models import QuestionType
from tests.accounts.factories import login_verified
from tests.factories import (
    MINIMAL_PDF,
    AdminFactory,
    ApplicationFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    MunicipalStaffFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


def landkreis(name="Bergstraße", ags="06431000", population=270_000, **kw):
    return MunicipalityFactory(
        ags=ags, name=name, kind=MunicipalityKind.LANDKREIS, kreis=name,
        population=population, **kw,
    )  # fmt: skip


def town(population=20_000, kind=MunicipalityKind.GEMEINDE, **kw):
    return MunicipalityFactory(population=population, kind=kind, **kw)


def pdf(name="datei.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


# Eligibility rule types --------------------------------------------------------------------
class TestPopulationBand:
    """Today's rule stays the default; a Landkreis is no Stadt or Gemeinde."""

    def test_default_rule_of_a_round(self):
        assert FundingRoundFactory().eligibility_rule == EligibilityRule.POPULATION_BAND

    def test_within_the_band_alone_and_below_only_jointly(self):
        round_ = FundingRoundFactory(joint_allowed=True)
        assert check_eligibility(round=round_, municipality=town(20_000)).mode == Mode.ALONE
        small = town(8_000)
        result = check_eligibility(round=round_, municipality=small)
        assert not result.eligible and result.mode == Mode.JOINT_REQUIRED
        result = check_eligibility(round=round_, municipality=small, partners=[town(5_000)])
        assert result.eligible and result.mode == Mode.JOINT_LEAD

    def test_a_landkreis_is_not_eligible(self):
        round_ = FundingRoundFactory(title="KIV 2027")
        result = check_eligibility(round=round_, municipality=landkreis(population=30_000))
        assert result.mode == Mode.NOT_ELIGIBLE
        assert (
            "Landkreis Bergstraße ist keine Stadt oder Gemeinde. In der Förderrunde „KIV 2027“ "
            "sind nur Städte und Gemeinden antragsberechtigt." in result.problems
        )


class TestAnyMunicipality:
    def test_any_town_whatever_its_size(self):
        round_ = FundingRoundFactory(eligibility_rule=EligibilityRule.ANY_MUNICIPALITY)
        for population in (800, 20_000, 760_000):
            result = check_eligibility(round=round_, municipality=town(population))
            assert result.eligible and result.mode == Mode.ALONE, population
            assert "antragsberechtigt: jede Stadt und Gemeinde in Hessen" in result.messages[1]

    def test_not_a_landkreis(self):
        round_ = FundingRoundFactory(eligibility_rule=EligibilityRule.ANY_MUNICIPALITY)
        result = check_eligibility(round=round_, municipality=landkreis())
        assert result.mode == Mode.NOT_ELIGIBLE

    def test_joint_application_with_any_town_if_the_round_allows_it(self):
        round_ = FundingRoundFactory(
            eligibility_rule=EligibilityRule.ANY_MUNICIPALITY, joint_allowed=True
        )
        lead = town(90_000)
        result = check_eligibility(round=round_, municipality=lead, partners=[town(70_000)])
        assert result.eligible and result.mode == Mode.JOINT_LEAD
        closed = FundingRoundFactory(
            eligibility_rule=EligibilityRule.ANY_MUNICIPALITY, joint_allowed=False
        )
        result = check_eligibility(round=closed, municipality=lead, partners=[town(70_000)])
        assert not result.eligible
        assert "In dieser Förderrunde sind gemeinsame Anträge nicht vorgesehen." in result.problems


class TestAllowedList:
    def test_only_the_selected_municipalities(self):
        chosen, other = town(name="Lautertal"), town(name="Lindenfels")
        round_ = FundingRoundFactory(
            title="Modellkommunen", eligibility_rule=EligibilityRule.ALLOWED_LIST
        )
        round_.allowed_municipalities.set([chosen])
        assert check_eligibility(round=round_, municipality=chosen).eligible
        result = check_eligibility(round=round_, municipality=other)
        assert result.mode == Mode.NOT_ELIGIBLE
        assert (
            "Gemeinde Lindenfels gehört nicht zu den Kommunen, die in der Förderrunde "
            "„Modellkommunen“ antragsberechtigt sind." in result.problems
        )

    def test_a_selected_landkreis_may_apply(self):
        kreis = landkreis()
        round_ = FundingRoundFactory(eligibility_rule=EligibilityRule.ALLOWED_LIST)
        round_.allowed_municipalities.set([kreis])
        assert check_eligibility(round=round_, municipality=kreis).eligible

    def test_partners_must_be_on_the_list_too(self):
        lead, listed, unlisted = town(), town(), town(name="Fürth")
        round_ = FundingRoundFactory(
            eligibility_rule=EligibilityRule.ALLOWED_LIST, joint_allowed=True
        )
        round_.allowed_municipalities.set([lead, listed])
        assert check_eligibility(round=round_, municipality=lead, partners=[listed]).eligible
        result = check_eligibility(round=round_, municipality=lead, partners=[unlisted])
        assert not result.eligible
        assert unlisted.pk in result.partner_errors


class TestKreise:
    @pytest.fixture
    def round_(self):
        return FundingRoundFactory(
            title="WIR-Integrationslotsen 2027",
            eligibility_rule=EligibilityRule.KREISE,
            joint_allowed=False,
        )

    def test_landkreis_and_kreisfreie_stadt_may_apply(self, round_):
        for municipality in (
            landkreis(),
            town(760_000, kind=MunicipalityKind.KREISFREIE_STADT, name="Frankfurt am Main"),
        ):
            result = check_eligibility(round=round_, municipality=municipality)
            assert result.eligible and result.mode == Mode.ALONE, municipality
            assert "antragsberechtigt: Landkreise und kreisfreie Städte" in result.messages[1]
        assert (
            "Landkreis Bergstraße hat 270.000 Einwohnerinnen"
            in check_eligibility(round=round_, municipality=landkreis()).messages[0]
        )

    @pytest.mark.parametrize("kind", [MunicipalityKind.STADT, MunicipalityKind.GEMEINDE])
    def test_a_town_of_a_landkreis_may_not(self, round_, kind):
        result = check_eligibility(round=round_, municipality=town(40_000, kind=kind))
        assert result.mode == Mode.NOT_ELIGIBLE
        assert any(
            "ist weder ein Landkreis noch eine kreisfreie Stadt. In der Förderrunde "
            "„WIR-Integrationslotsen 2027“ sind nur Landkreise und kreisfreie Städte "
            "antragsberechtigt." in text
            for text in result.problems
        )

    def test_an_inactive_landkreis_or_one_taking_part_already_may_not(self, round_):
        kreis = landkreis()
        ApplicationFactory(round=round_, lead_municipality=kreis)
        assert check_eligibility(round=round_, municipality=kreis).mode == Mode.NOT_ELIGIBLE
        gone = landkreis(name="Altkreis", ags="06499000", is_active=False)
        assert check_eligibility(round=round_, municipality=gone).mode == Mode.NOT_ELIGIBLE

    def test_partner_choice_offers_only_kreise_if_joint(self, round_):
        round_.joint_allowed = True
        round_.save()
        lead = landkreis()
        other_kreis = landkreis(name="Odenwaldkreis", ags="06437000")
        kreisfrei = town(160_000, kind=MunicipalityKind.KREISFREIE_STADT, name="Darmstadt")
        town(20_000, name="Bensheim")
        app = ApplicationFactory(round=round_, lead_municipality=lead)
        assert set(partner_candidates(application=app)) == {other_kreis, kreisfrei}
        partner_add(application=app, user=staff_for(lead), municipality=other_kreis)
        result = check_eligibility(
            round=round_, municipality=lead, partners=[other_kreis], application=app
        )
        assert result.eligible and result.mode == Mode.JOINT_LEAD


def test_band_partner_choice_leaves_out_landkreise():
    round_ = FundingRoundFactory(joint_allowed=True)
    lead = town(8_000)
    partner = town(5_000)
    landkreis(population=40_000)  # within the bounds by its figure, yet no Gemeinde
    app = ApplicationFactory(round=round_, lead_municipality=lead)
    assert list(partner_candidates(application=app)) == [partner]


def test_landkreis_staff_start_an_application_in_a_round_for_kreise(client):
    round_ = FundingRoundFactory(
        title="WIR-Integrationslotsen 2027", eligibility_rule=EligibilityRule.KREISE
    )
    kreis = landkreis()
    user = staff_for(kreis)
    login_verified(client, user)
    page = client.get(reverse("applications:round", args=[round_.pk])).content.decode()
    assert "Landkreise und kreisfreie Städte" in page
    url = reverse("applications:eligibility", args=[round_.pk, kreis.ags])
    assert "Landkreis Bergstraße" in client.get(url).content.decode()
    response = client.post(url)
    app = round_.applications.get()
    assert response.status_code == 302 and app.lead_municipality == kreis
    # a town's staff are told why not, and cannot start one
    bensheim = town(name="Bensheim", kind=MunicipalityKind.STADT)
    login_verified(client, staff_for(bensheim))
    url = reverse("applications:eligibility", args=[round_.pk, bensheim.ags])
    assert "weder ein Landkreis noch eine kreisfreie Stadt" in client.get(url).content.decode()
    client.post(url)
    assert round_.applications.count() == 1


# Declarations per round --------------------------------------------------------------------
@pytest.fixture
def guides_round():
    """A round with its own declarations and attachment kinds instead of the standard set."""
    round_ = FundingRoundFactory(required_attachment_kinds=[])
    round_.declarations.all().delete()
    round_.attachment_kinds.all().delete()
    RoundDeclaration.objects.create(
        round=round_, position=1, text="Die Lotsinnen und Lotsen werden geschult."
    )
    RoundDeclaration.objects.create(
        round=round_, position=2, text="Wir möchten über weitere Aufrufe informiert werden.",
        required=False,
    )  # fmt: skip
    RoundAttachmentKind.objects.create(
        round=round_, position=1, label="Schulungskonzept", required=True
    )
    RoundAttachmentKind.objects.create(round=round_, position=2, label="Sonstiges")
    return round_


def _complete(round_):
    """Complete but for the round's declarations and attachments."""
    app = ApplicationFactory(round=round_, complete=True, declarations={}, with_attachments=False)
    return app, staff_for(app.lead_municipality)


def test_missing_declaration_blocks_submission_with_a_german_message(guides_round):
    app, user = _complete(guides_round)
    attachment_add(application=app, user=user, kind="schulungskonzept", uploaded_file=pdf())
    keys = [d.key for d in round_declarations(guides_round)]
    app = application_update_declarations(
        application=app, user=user, confirmed=[keys[1]], expected_version=app.version
    )
    with pytest.raises(ValidationError) as exc:
        application_submit(application=app, user=user)
    assert exc.value.message_dict[f"decl:{keys[0]}"] == [
        "Bitte bestätigen Sie: Die Lotsinnen und Lotsen werden geschult."
    ]
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    # the optional one may stay unconfirmed
    app = application_update_declarations(
        application=app, user=user, confirmed=[keys[0]], expected_version=app.version
    )
    assert application_submit(application=app, user=user).status == Status.SUBMITTED


def test_the_standard_declarations_do_not_apply_to_a_round_with_its_own(guides_round):
    app, user = _complete(guides_round)
    errors = application_validate_for_submission(app)
    assert not any(key.startswith("decl:decl_") for key in errors)
    assert "decl:" + round_declarations(guides_round)[0].key in errors


def test_extra_required_attachment_kind_is_demanded(guides_round):
    app, user = _complete(guides_round)
    errors = application_validate_for_submission(app)
    assert errors[Section.ATTACHMENTS] == ["Bitte laden Sie die Anlage „Schulungskonzept“ hoch."]
    attachment_add(application=app, user=user, kind="sonstiges", uploaded_file=pdf())
    assert Section.ATTACHMENTS in application_validate_for_submission(app)
    attachment = attachment_add(
        application=app, user=user, kind="schulungskonzept", uploaded_file=pdf()
    )
    assert attachment.get_kind_display() == "Schulungskonzept"
    assert Section.ATTACHMENTS not in application_validate_for_submission(app)


def test_a_kind_of_another_round_is_refused(guides_round):
    app, user = _complete(guides_round)
    with pytest.raises(ValidationError) as exc:
        attachment_add(application=app, user=user, kind="konzept", uploaded_file=pdf())
    assert exc.value.message_dict == {"kind": ["Bitte wählen Sie die Art der Anlage."]}


def test_per_partner_kind_demanded_once_per_partner():
    round_ = FundingRoundFactory(required_attachment_kinds=["konzept", "letter_of_intent"])
    lead = town(8_000)
    app = ApplicationFactory(round=round_, lead_municipality=lead, complete=True)
    assert Section.ATTACHMENTS not in application_validate_for_submission(app)  # none yet
    partner_add(application=app, user=staff_for(lead), municipality=town(5_000))
    assert application_validate_for_submission(app)[Section.ATTACHMENTS] == [
        "Bitte laden Sie für jede Partnerkommune die Anlage „Absichtserklärung "
        "(Partnerkommune)“ hoch (1 erforderlich, 0 vorhanden)."
    ]


def test_declarations_page_check_page_and_rp_detail_show_the_rounds_declarations(
    client, guides_round
):
    app, user = _complete(guides_round)
    login_verified(client, user)
    url = reverse("applications:declarations", args=[app.pk])
    html = client.get(url).content.decode()
    assert "Die Lotsinnen und Lotsen werden geschult." in html
    assert "ANBest-GK" not in html
    first, second = round_declarations(guides_round)
    response = client.post(url, {"version": app.version, f"decl:{first.key}": "on"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.declarations == {first.key: True}
    answers = section_answers(app)[Section.DECLARATIONS]
    assert answers == [(first.text, True), (second.text, False)]
    check = client.get(reverse("applications:check", args=[app.pk])).content.decode()
    assert "Die Lotsinnen und Lotsen werden geschult." in check
    assert "Schulungskonzept" in check  # the missing required attachment


def test_stale_declarations_form_is_refused(client, guides_round):
    app, user = _complete(guides_round)
    login_verified(client, user)
    url = reverse("applications:declarations", args=[app.pk])
    key = round_declarations(guides_round)[0].key
    response = client.post(url, {"version": app.version - 1, f"decl:{key}": "on"})
    assert response.status_code == 200
    app.refresh_from_db()
    assert key not in app.declarations


def test_staff_ask_to_join_a_landkreis_as_a_municipality(client):
    kreis = landkreis()
    user = MunicipalStaffFactory()
    login_verified(client, user)
    url = reverse("accounts:join_request_create")
    assert "Landkreis Bergstraße (06431000)" in client.get(url).content.decode()
    response = client.post(url, {"municipality": kreis.pk})
    assert response.status_code == 302
    assert JoinRequest.objects.get(user=user).municipality == kreis


def test_an_attachment_question_asks_for_a_kind_of_the_round(client, guides_round):
    """The question set admin offers the round's own kinds; a file of that kind answers it."""
    question_set = question_set_from_definition(
        "Lotsen",
        (
            (
                "schulung", "Schulung", "Training",
                (
                    {"key": "konzept_datei", "label_de": "Ihr Schulungskonzept",
                     "type": QuestionType.ATTACHMENT, "attachment_kind": "schulungskonzept"},
                ),
            ),
        ),
    )  # fmt: skip
    guides_round.question_set = question_set
    guides_round.save(update_fields=["question_set"])

    login_verified(client, AdminFactory(is_superuser=True, is_staff=True))
    html = client.get(
        reverse("admin:questionnaires_questionset_change", args=[question_set.pk])
    ).content.decode()
    assert '<option value="schulungskonzept" selected>Schulungskonzept</option>' in html

    app, user = _complete(guides_round)
    assert application_validate_for_submission(app)["konzept_datei"] == [
        "Bitte laden Sie die Anlage zu „Ihr Schulungskonzept“ hoch."
    ]
    attachment_add(application=app, user=user, kind="schulungskonzept", uploaded_file=pdf())
    assert "konzept_datei" not in application_validate_for_submission(app)
