"""The decision letter: its content for an approval and a rejection, stored once per kind,
mailed once; and the real Celery worker rendering it after the deciding transaction commits."""

from __future__ import annotations

import io
import time
from decimal import Decimal

import pytest
from pypdf import PdfReader

from applications.models import ApplicationEvent
from applications.workflow import Status
from documents import letters
from documents import tasks as document_tasks
from documents.models import DocumentKind, GeneratedDocument
from notifications import tasks as notification_tasks
from reviews import services
from reviews.models import ReviewEvent
from tests.factories import ApplicationFactory, CaseOfficerFactory, MunicipalityFactory, staff_for
from wir_portal.celery import ping

from .conftest import assign_and_declare, score_all, to_in_review

NOTES = "Die ANBest-GK sind Bestandteil dieses Bescheids."


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def decided(round_, criteria, *, approve: bool):
    round_.decision_notes = NOTES
    round_.save(update_fields=["decision_notes"])
    lead = MunicipalityFactory(name="Heppenheim (Bergstraße)")
    staff_for(lead, email="antrag@heppenheim.example")
    case_officer = CaseOfficerFactory(full_name="Sven Sachbearbeitung")
    app = ApplicationFactory(
        round=round_, lead_municipality=lead, complete=True, status=Status.SUBMITTED,
        title="Heppenheim lebt Vielfalt",
    )  # fmt: skip
    to_in_review(app, case_officer)
    if approve:
        from tests.factories import ReviewerFactory

        reviewer = ReviewerFactory()
        score_all(assign_and_declare(app, reviewer, case_officer), reviewer, criteria, 8)
        services.application_mark_ready(application=app, user=case_officer)
        services.decision_approve(
            application=app,
            user=case_officer,
            granted_amount=Decimal("15000.00"),
            financing_adjustment="reduce_cost",
            reason="Ein überzeugendes Beteiligungskonzept.",
        )
    else:
        services.decision_reject(
            application=app, user=case_officer, reason="Der Sozialraumbezug fehlt."
        )
    app.refresh_from_db()
    return app


@pytest.mark.django_db
def test_approval_letter(round_, criteria, mailoutbox):
    app = decided(round_, criteria, approve=True)
    document = letters.render_decision_letter(app.pk)
    assert document.kind == DocumentKind.DECISION
    assert document.filename == f"Zuwendungsbescheid_{app.reference}.pdf"
    content = document.file.read()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for expected in (
        "Zuwendungsbescheid", app.reference, "Heppenheim lebt Vielfalt", "15.000,00",
        "18.000,00", "Ein überzeugendes Beteiligungskonzept.", "ANBest-GK",
        "Sven Sachbearbeitung", "Fehlbedarfsfinanzierung",
    ):  # fmt: skip
        assert expected in text, expected
    (mail,) = [m for m in mailoutbox if "antrag@heppenheim.example" in m.to]
    assert "Zuwendungsbescheid" in mail.subject and "15.000,00" in mail.body
    assert mail.attachments[0][0] == document.filename
    sent = len(mailoutbox)
    # again: the same document, no second mail
    again = letters.render_decision_letter(app.pk)
    assert again.pk == document.pk and len(mailoutbox) == sent
    assert GeneratedDocument.objects.filter(application=app).count() == 1


@pytest.mark.django_db
def test_rejection_letter(round_, criteria, mailoutbox):
    app = decided(round_, criteria, approve=False)
    document = letters.render_decision_letter(app.pk)
    assert document.filename == f"Ablehnungsbescheid_{app.reference}.pdf"
    text = pdf_text(document.file.read())
    assert "Ablehnungsbescheid" in text and "Der Sozialraumbezug fehlt." in text
    assert "Zuwendungsbescheid" not in text
    assert "abgelehnt" in mailoutbox[0].body


@pytest.mark.django_db
def test_no_letter_before_a_decision(in_review):
    assert letters.render_decision_letter(in_review.pk) is None
    assert letters.render_decision_letter(999_999) is None


def test_tasks_are_thin_and_named(monkeypatch):
    calls = []
    monkeypatch.setattr("documents.letters.render_decision_letter", calls.append)
    document_tasks.render_decision_letter.run(7)
    document_tasks.render_decision_letter.run(7)
    assert calls == [7, 7]
    assert document_tasks.render_decision_letter.name == "documents.render_decision_letter"
    assert notification_tasks.deliver_event.name == "notifications.deliver_event"
    assert document_tasks.render_decision_letter.max_retries == 5


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_renders_the_letter_after_commit(celery_worker, worker_media, round_, criteria):
    app = decided(round_, criteria, approve=True)  # each service commits on its own
    assert wait_for(
        lambda: ApplicationEvent.objects.filter(
            application=app, action=ReviewEvent.MAIL_SENT, data__kind="decision"
        ).exists()
    ), celery_worker.log.read_text()[-3000:]
    document = GeneratedDocument.objects.get(application=app, kind=DocumentKind.DECISION)
    assert "Zuwendungsbescheid" in pdf_text(document.file.read())
    # enqueued a second time (a retry, a double click): still one letter, one mail
    document_tasks.render_decision_letter.delay(app.pk)
    # one worker process takes one task at a time, in order: when the ping that follows has
    # answered, the letter task has run
    assert ping.apply_async(queue=celery_worker.queue).get(timeout=60) == "pong"
    assert (
        GeneratedDocument.objects.filter(application=app, kind=DocumentKind.DECISION).count() == 1
    )
    assert (
        ApplicationEvent.objects.filter(application=app, action=ReviewEvent.MAIL_SENT).count() == 1
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_renders_the_rejection_letter(celery_worker, worker_media, round_, criteria):
    app = decided(round_, criteria, approve=False)
    assert wait_for(
        lambda: GeneratedDocument.objects.filter(application=app, kind="decision").exists()
    ), celery_worker.log.read_text()[-3000:]
    document = GeneratedDocument.objects.get(application=app, kind="decision")
    assert document.filename.startswith("Ablehnungsbescheid_")


GRANT_CLAUSES = ("Fehlbedarfsfinanzierung", "ANBest-GK", "Verwendungsnachweis")


@pytest.mark.django_db
def test_rejection_letter_carries_no_grant_clauses(round_, criteria, mailoutbox):
    """Issue 9.3: a rejection has the reason and the legal remedy, nothing of a grant, even
    when the round's notes for grant decisions name the grant's conditions."""
    app = decided(round_, criteria, approve=False)
    round_.decision_notes = (
        "Die Zuwendung wird als Fehlbedarfsfinanzierung gewährt. Die ANBest-GK sind "
        "Bestandteil dieses Bescheids. Ein Verwendungsnachweis ist vorzulegen."
    )
    round_.save(update_fields=["decision_notes"])
    text = pdf_text(letters.decision_pdf(app))
    assert "Der Sozialraumbezug fehlt." in text
    assert "Rechtsbehelf" in text
    for clause in GRANT_CLAUSES:
        assert clause not in text, clause
    assert "Nebenbestimmungen" not in text and "Finanzierungsplan" not in text


@pytest.mark.django_db
def test_approval_letter_carries_the_grant_clauses_without_round_notes(
    round_, criteria, mailoutbox
):
    """Issue 9.3: the grant's clauses are part of every approval letter, not only when the
    round's notes repeat them."""
    app = decided(round_, criteria, approve=True)
    round_.decision_notes = ""
    round_.save(update_fields=["decision_notes"])
    text = pdf_text(letters.decision_pdf(app))
    for expected in (*GRANT_CLAUSES, "Nebenbestimmungen", "Rechtsbehelf", "Finanzierungsplan"):
        assert expected in text, expected


@pytest.mark.django_db
def test_decision_letter_is_tagged_pdfa_and_pdfua(round_, criteria, mailoutbox):
    """Issue 16.1: the letter is tagged (headings, the approved plan's table), identified as
    PDF/A-3a and PDF/UA-1, with its title shown in the window and all content marked."""
    from tests.documents.test_pdf_accessibility import assert_accessible

    app = decided(round_, criteria, approve=True)
    report = assert_accessible(letters.decision_pdf(app), title=letters.letter_title(app))
    for tag in ("H1", "H2", "P", "Table", "TR", "TD", "L", "LI"):
        assert tag in report.tags, tag
