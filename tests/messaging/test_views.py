"""The Postfach, the thread page and the thread on the application's pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from applications.models import EventAction
from applications.services.base import record_event
from messaging import services
from messaging.models import Audience, Message
from tests.accounts.factories import login_verified
from tests.factories import ApplicationFactory

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def thread_url(case) -> str:
    return reverse("messaging:thread", args=[case.application.pk])


def send(case, user, text, **kwargs):
    return services.message_send(application=case.application, user=user, text=text, **kwargs)


def as_user(client, user):
    login_verified(client, user)
    return client


def test_the_applicant_sees_the_thread_on_the_status_page_and_not_the_internal_notes(client, case):
    send(case, case.officer, "Bitte senden Sie den Zeitplan.", subject="Rückfrage")
    record_event(
        case.application, case.officer, EventAction.NOTE, message="Vermerk XY", internal=True
    )
    html = (
        as_user(client, case.lead)
        .get(reverse("applications:detail", args=[case.application.pk]))
        .content.decode()
    )
    assert "Bitte senden Sie den Zeitplan." in html
    assert "Rückfrage" in html
    assert "Nachricht senden" in html
    assert "Vermerk XY" not in html
    # The timeline names the message, not its text.
    assert "Nachricht gesendet" in html
    assert html.count("Bitte senden Sie den Zeitplan.") == 1


def test_the_case_officer_sees_the_thread_on_the_rp_page_beside_the_internal_notes(client, case):
    send(case, case.lead, "Unser Zeitplan folgt.", audience=Audience.LEAD)
    html = (
        as_user(client, case.officer)
        .get(reverse("reviews:detail", args=[case.application.pk]))
        .content.decode()
    )
    assert "Unser Zeitplan folgt." in html
    assert "Interne Vermerke" in html
    assert "nur für die antragstellende Kommune" in html


def test_the_partner_does_not_see_messages_meant_for_the_lead_only(client, case):
    send(case, case.officer, "An alle Kommunen")
    secret = send(case, case.officer, "Nur für die Antragstellerin", audience=Audience.LEAD,
                  files=[pdf_upload("Geheim.pdf")])  # fmt: skip
    as_user(client, case.partner)
    for url in (thread_url(case), reverse("applications:detail", args=[case.application.pk])):
        html = client.get(url).content.decode()
        assert "An alle Kommunen" in html
        assert "Nur für die Antragstellerin" not in html
        assert "Geheim.pdf" not in html
    download = reverse(
        "messaging:attachment", args=[case.application.pk, secret.attachments.get().pk]
    )
    assert client.get(download).status_code == 404
    # The partner writes to everyone: no choice of audience.
    assert 'name="audience"' not in client.get(thread_url(case)).content.decode()


def test_staff_of_another_municipality_and_the_jury_get_nothing(client, case):
    message = send(case, case.officer, "Vertraulich", files=[pdf_upload()])
    download = reverse(
        "messaging:attachment", args=[case.application.pk, message.attachments.get().pk]
    )
    for user in (case.other, case.reviewer):
        client.logout()
        as_user(client, user)
        assert client.get(thread_url(case)).status_code == 404
        assert client.post(thread_url(case), {"text": "Hallo"}).status_code == 404
        assert client.get(download).status_code == 404
    assert client.get(reverse("messaging:mailbox")).status_code == 403  # the jury
    assert Message.objects.count() == 1


def test_reading_the_thread_marks_its_messages_read_for_that_person_only(client, case):
    send(case, case.officer, "Frage")
    html = as_user(client, case.lead).get(thread_url(case)).content.decode()
    assert "neu" in html  # shown as new the first time
    html = client.get(thread_url(case)).content.decode()
    assert "kern-badge--info" not in html
    client.logout()
    html = as_user(client, case.partner).get(reverse("messaging:mailbox")).content.decode()
    assert "1 neu" in html


def test_sending_without_javascript_goes_back_to_the_page_of_the_form(client, case):
    page = reverse("applications:detail", args=[case.application.pk])
    response = as_user(client, case.lead).post(
        thread_url(case),
        {"text": "Anbei der Zeitplan", "subject": "Zeitplan", "audience": "lead", "next": page,
         "file": pdf_upload()},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == page + "#nachrichten"
    message = Message.objects.get()
    assert (message.text, message.subject, message.audience) == (
        "Anbei der Zeitplan",
        "Zeitplan",
        "lead",
    )
    assert message.attachments.get().original_name == "Zeitplan.pdf"
    html = client.get(page).content.decode()
    assert "Ihre Nachricht wurde gesendet." in html
    # A foreign address is not followed.
    response = client.post(
        thread_url(case), {"text": "Noch eine", "audience": "all", "next": "https://evil.example/"}
    )
    assert response.url == thread_url(case) + "#nachrichten"


def test_sending_with_htmx_answers_with_the_refreshed_thread(client, case):
    response = as_user(client, case.officer).post(
        thread_url(case),
        {"text": "Bitte ergänzen Sie den Zeitplan.", "audience": "all"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section") or '<section id="nachrichten"' in html
    assert "<h1" not in html
    assert "Bitte ergänzen Sie den Zeitplan." in html
    assert "Ihre Nachricht wurde gesendet." in html


def test_a_bad_attachment_comes_back_with_a_german_error_and_nothing_saved(client, case):
    response = as_user(client, case.lead).post(
        thread_url(case),
        {"text": "Anbei", "audience": "all", "file": pdf_upload("Zeitplan.pdf", b"kein PDF")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte korrigieren Sie die folgenden Angaben" in html
    assert "ist aber kein PDF" in html
    assert "Anbei" in html  # what was typed stays
    assert Message.objects.count() == 0


def test_an_empty_message_is_refused(client, case):
    response = as_user(client, case.lead).post(thread_url(case), {"text": "   ", "audience": "all"})
    assert response.status_code == 200
    assert "Bitte geben Sie den Text Ihrer Nachricht ein." in response.content.decode()
    assert Message.objects.count() == 0


def test_there_is_no_way_to_edit_or_delete_a_message(client, case):
    message = send(case, case.lead, "Endgültig")
    html = as_user(client, case.lead).get(thread_url(case)).content.decode()
    assert "bearbeiten" not in html.lower() and "löschen" not in html.lower()
    assert {p.name for p in __import__("messaging.urls").urls.urlpatterns} == {
        "mailbox",
        "thread",
        "attachment",
    }
    assert Message.objects.get(pk=message.pk).text == "Endgültig"


def test_the_mailbox_lists_unread_threads_first(client, case):
    older = ApplicationFactory(
        lead_municipality=case.application.lead_municipality, status="submitted", title="Älter"
    )
    services.message_send(application=older, user=case.officer, text="ungelesen")
    send(case, case.officer, "gelesen")
    as_user(client, case.lead).get(thread_url(case))  # reads the newer thread
    html = client.get(reverse("messaging:mailbox")).content.decode()
    rows = re.findall(r'href="/postfach/antraege/(\d+)/"', html)
    assert rows == [str(older.pk), str(case.application.pk)]
    assert "Postfach" in html


def test_the_mailbox_costs_the_same_queries_for_2_and_20_threads(
    client, case, assert_constant_queries
):
    as_user(client, case.lead)

    def make_rows(n):
        for _ in range(n):
            application = ApplicationFactory(
                lead_municipality=case.application.lead_municipality, status="submitted"
            )
            services.message_send(
                application=application, user=case.officer, text="Frage", subject="Betreff",
                files=[pdf_upload()],
            )  # fmt: skip

    response = assert_constant_queries(
        reverse("messaging:mailbox"), make_rows=make_rows, client=client
    )
    assert response.content.decode().count("1 neu") == 20


def test_the_thread_costs_the_same_queries_for_2_and_20_messages(
    client, case, assert_constant_queries
):
    as_user(client, case.lead)

    def make_rows(n):
        for _ in range(n):
            send(case, case.officer, "Frage", files=[pdf_upload()])

    assert_constant_queries(thread_url(case), make_rows=make_rows, client=client)


def test_the_header_links_to_the_mailbox(client, case):
    html = as_user(client, case.partner).get(reverse("messaging:mailbox")).content.decode()
    assert 'href="/postfach/" aria-current="page"' in html
