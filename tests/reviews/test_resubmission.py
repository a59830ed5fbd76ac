"""Issue 9.9: the answer to a Nachforderung (Nachreichung) gets its own Eingangsbestätigung
beside the first one, the case officer is told by e-mail, and the RP pages show the
applicant's message with the changed sections (old and new text side by side)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications import services as application_services
from applications.models import Section
from documents.models import DocumentKind, GeneratedDocument
from documents.tasks import render_receipt
from reviews import services
from reviews.models import CheckOutcome
from tests.factories import CaseOfficerFactory

from .conftest import ALL_CHECKED

pytestmark = pytest.mark.django_db

OLD_TITLE = "Heppenheim lebt Vielfalt"
NEW_TITLE = "Heppenheim lebt Vielfalt – gemeinsam im Quartier"
MESSAGE = "Wir haben den Titel an den Ratsbeschluss angepasst."


def pdf_text(document: GeneratedDocument) -> str:
    with document.file.open("rb") as handle:
        content = handle.read()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def eager_tasks(monkeypatch):
    """What the outbox hands to the broker runs right away, as a worker would."""
    from wir_portal.celery import app

    app.loader.import_default_modules()
    monkeypatch.setattr(
        "core.outbox.publish",
        lambda name, args, task_id: app.tasks[name].apply(args=args, task_id=task_id, throw=True),
    )


def request_items(application, officer, capture):
    services.formal_check_start(application=application, user=officer)
    with capture(execute=True):
        services.formal_check_record(
            application=application,
            user=officer,
            checklist={**ALL_CHECKED, "documents_complete": False},
            outcome=CheckOutcome.ITEMS_REQUESTED,
            sections=[Section.PROJECT],
            message="Bitte passen Sie den Titel an den Ratsbeschluss an.",
        )
    application.refresh_from_db()


def answer(application, applicant, capture, *, message=MESSAGE):
    application_services.application_update_section(
        application=application,
        user=applicant,
        section=Section.PROJECT,
        data={"title": NEW_TITLE},
        expected_version=application.version,
    )
    with capture(execute=True):
        application_services.application_resubmit(
            application=application, user=applicant, message=message
        )
    application.refresh_from_db()


def test_resubmission_gets_a_second_receipt_with_the_new_content(
    submitted, case_officer, applicant, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    render_receipt.apply(args=[submitted.pk])  # the receipt of the submission
    request_items(submitted, case_officer, django_capture_on_commit_callbacks)
    answer(submitted, applicant, django_capture_on_commit_callbacks)

    first, second = GeneratedDocument.objects.filter(
        application=submitted, kind=DocumentKind.RECEIPT
    ).order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert OLD_TITLE in pdf_text(first) and NEW_TITLE not in pdf_text(first)
    text = pdf_text(second)
    assert "Eingangsbestätigung (Nachreichung)" in text
    assert NEW_TITLE.split(" – ")[1] in text.replace("\n", " ")
    assert second.label.startswith("Eingangsbestätigung (Nachreichung vom ")
    # The municipality gets the new receipt by e-mail, too.
    receipt_mails = [m for m in mailoutbox if "Nachreichung" in m.subject]
    assert receipt_mails and receipt_mails[0].attachments[0][0] == second.filename

    # Rendering again (a task run twice) neither adds a third receipt nor mails again.
    sent = len(mailoutbox)
    render_receipt.apply(args=[submitted.pk])
    assert GeneratedDocument.objects.filter(application=submitted).count() == 2
    assert len(mailoutbox) == sent


def test_both_receipts_are_listed_and_downloadable(
    client,
    login,
    submitted,
    case_officer,
    applicant,
    eager_tasks,
    django_capture_on_commit_callbacks,
):
    render_receipt.apply(args=[submitted.pk])
    request_items(submitted, case_officer, django_capture_on_commit_callbacks)
    answer(submitted, applicant, django_capture_on_commit_callbacks)
    login(client, applicant)
    html = client.get(reverse("documents:documents", args=[submitted.pk])).content.decode()
    assert "Eingangsbestätigung (PDF" in html
    assert "Eingangsbestätigung (Nachreichung vom " in html
    url = reverse("documents:document", args=[submitted.pk, DocumentKind.RECEIPT])
    old = b"".join(client.get(url + "?fassung=1").streaming_content)
    new = b"".join(client.get(url + "?fassung=2").streaming_content)
    newest = b"".join(client.get(url).streaming_content)
    assert old != new and newest == new
    for odd in ("²", "99999999999999999999", "x"):  # ignored: the newest
        assert client.get(url + "?fassung=" + odd).status_code == 200


def test_documents_box_waits_for_the_receipt_of_the_resubmission(
    client,
    login,
    submitted,
    case_officer,
    applicant,
    django_capture_on_commit_callbacks,
    published,
):
    render_receipt.apply(args=[submitted.pk])
    request_items(submitted, case_officer, django_capture_on_commit_callbacks)
    answer(submitted, applicant, django_capture_on_commit_callbacks)
    # handed to the queue after the commit, not yet rendered
    assert published.of("documents.render_receipt") == [[submitted.pk]]
    login(client, applicant)
    url = reverse("documents:documents", args=[submitted.pk])
    html = client.get(url).content.decode()
    assert "hx-get" in html and "Die Eingangsbestätigung wird erstellt" in html
    render_receipt.apply(args=[submitted.pk])
    html = client.get(url).content.decode()
    assert "hx-get" not in html and "Nachreichung vom" in html


def test_case_officer_who_asked_is_mailed_with_a_link(
    submitted, case_officer, applicant, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    other_officer = CaseOfficerFactory(email="andere@rpda.example")
    request_items(submitted, case_officer, django_capture_on_commit_callbacks)
    answer(submitted, applicant, django_capture_on_commit_callbacks)
    officer_mails = [m for m in mailoutbox if "Antwort auf eine Nachforderung" in m.subject]
    assert len(officer_mails) == 1
    mail = officer_mails[0]
    assert mail.to == [case_officer.email] and other_officer.email not in mail.to
    assert submitted.reference in mail.subject
    assert MESSAGE not in mail.body  # the e-mail names the application, the portal shows the text
    assert reverse("reviews:detail", args=[submitted.pk]) + "#nachreichungen" in mail.body


def test_every_case_officer_is_mailed_when_the_asker_is_gone(
    submitted, case_officer, applicant, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    other_officer = CaseOfficerFactory(email="andere@rpda.example")
    request_items(submitted, case_officer, django_capture_on_commit_callbacks)
    case_officer.is_active = False
    case_officer.save(update_fields=["is_active"])
    answer(submitted, applicant, django_capture_on_commit_callbacks)
    officer_mails = [m for m in mailoutbox if "Antwort auf eine Nachforderung" in m.subject]
    assert [m.to for m in officer_mails] == [[other_officer.email]]


@pytest.mark.parametrize("page", ["reviews:detail", "reviews:formal_check"])
def test_rp_pages_show_message_and_diff_of_the_changed_section(
    client,
    login,
    submitted,
    case_officer,
    applicant,
    eager_tasks,
    django_capture_on_commit_callbacks,
    page,
):
    request_items(submitted, case_officer, django_capture_on_commit_callbacks)
    answer(submitted, applicant, django_capture_on_commit_callbacks)
    login(client, case_officer)
    response = client.get(reverse(page, args=[submitted.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('id="nachreichungen"') :]
    assert MESSAGE in section
    assert "Geänderte Abschnitte" in section and "Vorhaben" in section
    row = section[section.index('data-change="changed"') :]
    row = row[: row.index("</tr>")]
    assert f"<del>{OLD_TITLE}</del>" in row and f"<ins>{NEW_TITLE}</ins>" in row
    # Unchanged sections are not listed.
    assert "Antragstellende Kommune</caption>" not in section
