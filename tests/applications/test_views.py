"""The application pages as municipal staff use them: drafts, the cost plan, two tabs, the
check page, submission, the deadline, attachments, the receipt and who may see what."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Application, ApplicationEvent, CostLine, PartnerStatus
from applications.workflow import Status
from documents.models import DocumentKind, GeneratedDocument
from tests.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return FundingRoundFactory()


@pytest.fixture
def town():
    return MunicipalityFactory(name="Heppenheim", population=26_218)


@pytest.fixture
def staff(town):
    return staff_for(town, full_name="Anna Antrag")


@pytest.fixture
def draft(round_, town, staff):
    return ApplicationFactory(round=round_, lead_municipality=town, created_by=staff)


@pytest.fixture
def complete_draft(round_, town, staff):
    return ApplicationFactory(round=round_, lead_municipality=town, created_by=staff, complete=True)


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def errors_in(response) -> list[str]:
    return re.findall(r'class="kern-error[^"]*"[^>]*>.*?<span class="kern-body">(.*?)</span>',
                      response.content.decode(), re.S)  # fmt: skip


# Starting -----------------------------------------------------------------------------------


def test_eligibility_is_shown_with_figures_and_starting_creates_a_draft(
    client, round_, town, staff
):
    login(client, staff)
    url = reverse("applications:eligibility", args=[round_.pk, town.ags])
    page = client.get(url).content.decode()
    assert "26.218 Einwohnerinnen und Einwohner (Stand 31.12.2020)" in page
    response = client.post(url)
    application = Application.objects.get(lead_municipality=town)
    assert response.url == reverse("applications:detail", args=[application.pk])
    page = client.get(response.url).content.decode()
    assert "kern-task-list" in page and "Nicht begonnen" in page


def test_small_municipality_is_told_it_needs_partners(client, round_):
    small = MunicipalityFactory(name="Birkenau", population=9_852)
    user = staff_for(small)
    login(client, user)
    page = client.get(reverse("applications:eligibility", args=[round_.pk, small.ags]))
    text = page.content.decode()
    assert "9.852 Einwohnerinnen und Einwohner (Stand 31.12.2020)" in text
    assert "Partnerkommune" in text


def test_staff_cannot_start_for_a_municipality_they_do_not_belong_to(client, round_, town):
    other = staff_for(MunicipalityFactory())
    login(client, other)
    url = reverse("applications:eligibility", args=[round_.pk, town.ags])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Application.objects.exists()


# Drafts ---------------------------------------------------------------------------------------


def test_a_draft_saves_with_incomplete_data(client, draft, staff):
    login(client, staff)
    url = reverse("applications:project", args=[draft.pk])
    response = client.post(url, {"version": draft.version, "title": "Vielfalt in Heppenheim"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Vielfalt in Heppenheim"
    assert draft.status == Status.DRAFT


def test_a_malformed_value_blocks_the_draft_and_keeps_every_input(client, draft, staff):
    login(client, staff)
    url = reverse("applications:applicant", args=[draft.pk])
    response = client.post(
        url,
        {
            "version": draft.version,
            "street": "Großer Markt 1",
            "contact_email": "keine-adresse",
            "iban": "DE00 1234",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Großer Markt 1" in html  # typed input is still there
    assert 'aria-invalid="true"' in html
    assert "data-error-summary" in html and 'href="#id_contact_email"' in html
    assert len(errors_in(response)) == 2
    draft.refresh_from_db()
    assert draft.street == ""  # nothing half saved


def test_second_tab_with_an_old_version_is_refused_not_overwritten(client, draft, staff):
    login(client, staff)
    url = reverse("applications:project", args=[draft.pk])
    loaded_version = draft.version
    client.post(url, {"version": loaded_version, "title": "Erster Tab"})
    response = client.post(url, {"version": loaded_version, "title": "Zweiter Tab"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Der Antrag wurde inzwischen geändert" in html
    assert "Seite mit dem aktuellen Stand neu laden" in html
    assert 'value="Zweiter Tab"' in html  # the second tab keeps what it typed
    draft.refresh_from_db()
    assert draft.title == "Erster Tab"


# Cost plan -------------------------------------------------------------------------------------


def cost_post(application, lines, **extra):
    data = {
        "version": application.version,
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "own_funds": "",
        "third_party_funds": "",
        "requested_grant": "",
    }
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{i}-{key}"] = value
    data.update(extra)
    return data


def test_cost_plan_accepts_german_numbers_and_computes_totals(client, draft, staff):
    login(client, staff)
    category = draft.round.cost_categories.first()
    url = reverse("applications:cost_plan", args=[draft.pk])
    data = cost_post(
        draft,
        [
            {"category": category.pk, "description": "Moderation", "amount": "12.345,67",
             "budget_year": "2027"},
            {"category": category.pk, "description": "Flyer", "amount": "654,33",
             "budget_year": "2027"},
        ],
        own_funds="1.000", third_party_funds="0", requested_grant="11.000,00", save="1",
    )  # fmt: skip
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert sorted(draft.cost_lines.values_list("amount", flat=True)) == [
        Decimal("654.33"),
        Decimal("12345.67"),
    ]
    assert draft.total_cost == Decimal("13000.00")
    page = client.get(url).content.decode()
    assert "13.000,00\u00a0€" in page  # total, computed on the server
    assert "12.000,00\u00a0€" in page  # financing gap


def test_adding_and_removing_lines_keeps_other_input(client, draft, staff):
    login(client, staff)
    category = draft.round.cost_categories.first()
    url = reverse("applications:cost_plan", args=[draft.pk])
    lines = [
        {"category": category.pk, "description": "Erste", "amount": "100", "budget_year": "2027"},
        {"category": category.pk, "description": "Zweite", "amount": "200", "budget_year": "2027"},
    ]
    # Removing the first line while the amount field of the second holds letters: nothing is
    # saved, the page comes back with the second line and the letters still there.
    bad = [lines[0], {**lines[1], "amount": "zweihundert"}]
    response = client.post(url, cost_post(draft, bad, remove_line="0"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="zweihundert"' in html and 'value="Erste"' not in html
    assert "Bitte geben Sie eine Zahl ein" in html
    assert not CostLine.objects.exists()
    # With valid input "add" saves and offers one more empty line.
    response = client.post(url, cost_post(draft, lines, add_line="1", requested_grant="300"))
    assert response.status_code == 302
    assert CostLine.objects.count() == 2
    page = client.get(response.url).content.decode()
    assert page.count("Kostenposition 3") >= 1
    draft.refresh_from_db()
    response = client.post(url, cost_post(draft, lines, remove_line="1"))
    assert list(CostLine.objects.values_list("description", flat=True)) == ["Erste"]


def test_cost_plan_rules_come_back_as_field_errors(client, draft, staff):
    login(client, staff)
    category = draft.round.cost_categories.first()
    url = reverse("applications:cost_plan", args=[draft.pk])
    data = cost_post(
        draft,
        [{"category": category.pk, "description": "X", "amount": "1,234", "budget_year": "2027"}],
        save="1",
    )
    response = client.post(url, data)
    assert "Bitte geben Sie höchstens 2 Nachkommastellen an." in response.content.decode()
    assert not CostLine.objects.exists()


# Check and submit ------------------------------------------------------------------------------


def test_check_page_lists_what_is_missing_with_links(client, draft, staff):
    login(client, staff)
    response = client.get(reverse("applications:check", args=[draft.pk]))
    html = response.content.decode()
    assert "Bevor Sie absenden können, fehlt noch etwas" in html
    assert reverse("applications:project", args=[draft.pk]) in html
    response = client.post(reverse("applications:check", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.reference is None


def test_submit_gives_reference_and_status_once_even_on_double_click(
    client, complete_draft, staff, django_capture_on_commit_callbacks
):
    login(client, staff)
    url = reverse("applications:check", args=[complete_draft.pk])
    assert "Antrag verbindlich einreichen" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.SUBMITTED
    assert re.fullmatch(r"KIV-T\d+-0001", complete_draft.reference)
    assert ApplicationEvent.objects.filter(application=complete_draft, action="submit").count() == 1
    assert len(callbacks) == 1  # the receipt is rendered after the commit, once
    page = client.get(first.url).content.decode()
    assert "Eingereicht" in page and complete_draft.reference in page
    # Frozen: the section pages send the applicant back.
    response = client.post(
        reverse("applications:project", args=[complete_draft.pk]),
        {"version": complete_draft.version, "title": "Geändert"},
    )
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.title != "Geändert"


def test_deadline_passed_between_opening_and_sending_keeps_the_draft(client, complete_draft, staff):
    login(client, staff)
    url = reverse("applications:check", args=[complete_draft.pk])
    client.get(url)  # opened before the deadline
    complete_draft.round.deadline = timezone.now() - dt.timedelta(seconds=1)
    complete_draft.round.save()
    response = client.post(url, follow=True)
    html = response.content.decode()
    assert "Antragsfrist" in html and "abgelaufen" in html
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.DRAFT and complete_draft.reference is None
    assert complete_draft.title  # nothing lost


# Attachments ---------------------------------------------------------------------------------


def test_upload_recognises_content_and_download_checks_permission(client, draft, staff):
    login(client, staff)
    url = reverse("applications:attachments", args=[draft.pk])
    fake = SimpleUploadedFile("konzept.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = client.post(url, {"kind": "konzept", "file": fake, "upload": "1"})
    assert response.status_code == 200
    assert "kein PDF" in response.content.decode() or "nicht" in " ".join(errors_in(response))
    assert not draft.attachments.exists()
    real = SimpleUploadedFile("../../etc/Konzept <final>.pdf", MINIMAL_PDF, "application/pdf")
    assert client.post(url, {"kind": "konzept", "file": real, "upload": "1"}).status_code == 302
    attachment = draft.attachments.get()
    assert "/" not in attachment.original_name and "<" not in attachment.original_name
    download = reverse("applications:attachment_download", args=[draft.pk, attachment.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    client.logout()
    login(client, staff_for(MunicipalityFactory()))
    assert client.get(download).status_code == 404


def test_upload_of_a_pdf_with_javascript_is_refused_and_the_choice_kept(client, draft, staff):
    from tests.pdf_samples import javascript_pdf

    login(client, staff)
    url = reverse("applications:attachments", args=[draft.pk])
    upload = SimpleUploadedFile("formular.pdf", javascript_pdf(), "application/pdf")
    response = client.post(url, {"kind": "cost_plan", "file": upload, "upload": "1"})
    assert response.status_code == 200
    assert any("„formular.pdf“ enthält JavaScript" in e for e in errors_in(response))
    assert re.search(r'<option value="cost_plan"[^>]*selected', response.content.decode())
    assert not draft.attachments.exists()


def test_removing_an_attachment_asks_for_confirmation_first(client, complete_draft, staff):
    """Issue 9.15: the table links to a confirmation page; only its POST with ``confirm``
    removes the file."""
    attachment = complete_draft.attachments.first()
    count = complete_draft.attachments.count()
    confirm = reverse("applications:attachment_remove", args=[complete_draft.pk, attachment.pk])
    # staff of another municipality never see it
    login(client, staff_for(MunicipalityFactory()))
    assert client.post(confirm, {"confirm": "1"}).status_code == 404
    assert client.get(confirm).status_code == 404
    assert complete_draft.attachments.count() == count
    client.logout()
    login(client, staff)
    page = reverse("applications:attachments", args=[complete_draft.pk])
    assert f'href="{confirm}"' in client.get(page).content.decode()
    # the old one-click POST of the table only leads to the confirmation page
    response = client.post(page, {"remove_attachment": str(attachment.pk)})
    assert response.status_code == 302 and response.url == confirm
    html = client.get(confirm).content.decode()
    assert "wirklich entfernen" in html and attachment.original_name in html
    assert "Ja, Anlage entfernen" in html
    assert client.post(confirm, {}).status_code == 200  # no confirm: nothing happens
    assert complete_draft.attachments.count() == count
    response = client.post(confirm, {"confirm": "1"}, follow=True)
    assert "Die Anlage wurde entfernt." in response.content.decode()
    assert complete_draft.attachments.count() == count - 1
    assert not complete_draft.attachments.filter(pk=attachment.pk).exists()
    assert client.get(confirm).status_code == 404  # gone


# Receipt --------------------------------------------------------------------------------------


def test_receipt_pdf_holds_reference_answers_cost_plan_and_hashes(complete_draft, staff):
    from applications import services
    from documents import receipts

    complete_draft.title = "<script>alert('x')</script> Vielfalt leben"
    complete_draft.save()
    services.application_submit(application=complete_draft, user=staff)
    receipts.render_receipt(complete_draft.pk)
    document = GeneratedDocument.objects.get(application=complete_draft, kind=DocumentKind.RECEIPT)
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(document.file.read())).pages
    )
    assert "Eingangsbestätigung" in text
    assert complete_draft.reference in text
    assert "<script>alert('x')</script> Vielfalt leben" in text  # shown as text
    attachment = complete_draft.attachments.first()
    assert attachment.sha256[:20] in text.replace("\n", "")
    assert "Gesamtkosten" in text
    # Rendering again is idempotent: same file, no second mail.
    from django.core import mail

    sent = len(mail.outbox)
    receipts.render_receipt(complete_draft.pk)
    assert GeneratedDocument.objects.filter(application=complete_draft).count() == 1
    assert len(mail.outbox) == sent


def test_receipt_is_mailed_to_contact_and_staff(complete_draft, staff, mailoutbox):
    from applications import services
    from documents import receipts

    services.application_submit(application=complete_draft, user=staff)
    receipts.render_receipt(complete_draft.pk)
    # One message each (the staff of different municipalities do not see each other).
    recipients = [address for m in mailoutbox for address in m.to]
    assert len(recipients) == len(set(recipients)) == len(mailoutbox)
    assert set(recipients) >= {staff.email, complete_draft.contact_email}
    for message in mailoutbox:
        assert complete_draft.reference in message.subject
        assert message.attachments[0][2] == "application/pdf"


# Permissions ----------------------------------------------------------------------------------

SECTION_URLS = ["applicant", "partners", "project", "cost_plan", "attachments", "declarations"]


def test_other_municipalities_get_404_everywhere(client, draft):
    login(client, staff_for(MunicipalityFactory()))
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    for name in ["check", "withdraw", *SECTION_URLS]:
        url = reverse(f"applications:{name}", args=[draft.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"version": draft.version}).status_code == 404, name


def test_partner_staff_read_but_do_not_edit(client, complete_draft):
    from applications.models import ApplicationPartner

    partner_town = MunicipalityFactory()
    ApplicationPartner.objects.create(
        application=complete_draft, municipality=partner_town, status=PartnerStatus.CONFIRMED
    )
    partner = staff_for(partner_town)
    login(client, partner)
    assert client.get(reverse("applications:detail", args=[complete_draft.pk])).status_code == 200
    assert client.get(reverse("applications:check", args=[complete_draft.pk])).status_code == 200
    for name in SECTION_URLS:
        url = reverse(f"applications:{name}", args=[complete_draft.pk])
        assert client.post(url, {"version": complete_draft.version}).status_code == 403, name
    assert client.post(reverse("applications:check", args=[complete_draft.pk])).status_code == 403
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.DRAFT


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get(reverse("applications:detail", args=[draft.pk]))
    assert response.status_code == 302 and "/konto/anmelden/" in response.url


# Joint applications -----------------------------------------------------------------------------


def test_joint_application_partner_is_mailed_and_confirms_in_the_portal(
    client, round_, mailoutbox, django_capture_on_commit_callbacks, published
):
    small = MunicipalityFactory(name="Birkenau", population=9_852)
    lead = staff_for(small)
    partner_town = MunicipalityFactory(name="Mörlenbach", population=10_126)
    partner = staff_for(partner_town)
    application = ApplicationFactory(round=round_, lead_municipality=small, created_by=lead)
    login(client, lead)
    url = reverse("applications:partners", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"municipality": partner_town.pk, "add_partner": "1"})
    assert response.status_code == 302
    published.run()  # the worker's part: the outbox's task sends the mail
    page = client.get(url).content.decode()
    assert "Mörlenbach" in page and "Bestätigung ausstehend" in page
    assert "19.978" in page  # combined population is shown
    assert [m.to for m in mailoutbox] == [[partner.email]]
    link = re.search(r"http://\S+(/antraege/partnerschaft/\d+/)", mailoutbox[0].body).group(1)

    client.logout()
    login(client, partner)
    page = client.get(link).content.decode()
    assert "Gemeinsamer Antrag mit Birkenau" in page
    response = client.post(link, {"confirm": "1"})
    assert response.status_code == 302
    assert application.partners.get().status == PartnerStatus.CONFIRMED
    # Partner staff may read the application but not change it.
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 200
    response = client.post(
        reverse("applications:project", args=[application.pk]),
        {"version": application.version, "title": "Fremd"},
    )
    assert response.status_code == 403


def test_a_draft_line_may_lack_category_amount_and_year(client, draft, staff):
    login(client, staff)
    url = reverse("applications:cost_plan", args=[draft.pk])
    data = cost_post(draft, [{"description": "Noch offen"}], save="1")
    assert client.post(url, data).status_code == 302
    line = CostLine.objects.get()
    assert (line.description, line.category, line.amount, line.budget_year) == (
        "Noch offen", None, None, None,
    )  # fmt: skip
    page = client.get(reverse("applications:check", args=[draft.pk])).content.decode()
    assert "Bitte geben Sie den Betrag der Kostenposition an." in page


def test_rp_roles_see_applications_only_once_submitted(client, complete_draft, staff):
    from applications import services
    from tests.accounts.factories import login_verified
    from tests.factories import CaseOfficerFactory

    login_verified(client, CaseOfficerFactory())
    url = reverse("applications:detail", args=[complete_draft.pk])
    assert client.get(url).status_code == 404
    services.application_submit(application=complete_draft, user=staff)
    response = client.get(url)
    assert response.status_code == 200
    assert complete_draft.reference in response.content.decode()


def test_withdrawal_needs_confirmation_and_frees_nothing_twice(client, complete_draft, staff):
    from applications import services

    services.application_submit(application=complete_draft, user=staff)
    login(client, staff)
    url = reverse("applications:withdraw", args=[complete_draft.pk])
    page = client.get(url).content.decode()
    assert "wirklich zurückziehen" in page
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.SUBMITTED  # GET changes nothing
    response = client.post(url, {"reason": "Der Rat hat anders entschieden."}, follow=True)
    html = response.content.decode()
    assert "Zurückgezogen" in html and "Der Rat hat anders entschieden." in html
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.WITHDRAWN
    # After withdrawal there is nothing left to withdraw.
    response = client.post(url, {"reason": ""}, follow=True)
    assert "kann nicht zurückgezogen werden" in response.content.decode()


def test_removing_with_a_forged_id_is_a_404_not_an_error(client, draft, staff):
    login(client, staff)
    for name, field in (("partners", "remove_partner"), ("attachments", "remove_attachment")):
        url = reverse(f"applications:{name}", args=[draft.pk])
        for value in ("abc", "", "-1", "999999"):
            assert client.post(url, {field: value}).status_code == 404, (name, value)
