"""The review pages as case officers and the jury use them: overview, detail with internal
notes, formal check, assignments, declarations, scoring, ranking and its exports, decisions.
(That their queries do not grow with the rows: test_queries.py.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import ApplicationEvent, ItemRequest
from applications.workflow import Status
from reviews.models import (
    Assignment,
    AssignmentStatus,
    FormalCheck,
    Review,
    ReviewEvent,
    ReviewStatus,
)
from tests.factories import ApplicationFactory, MunicipalityFactory, ReviewerFactory

from .conftest import ALL_CHECKED, assign_and_declare, score_all, to_in_review

pytestmark = pytest.mark.django_db


# The overview ----------------------------------------------------------------------------------
def test_overview_shows_rows_counts_and_sort_links(client, login, round_, case_officer, in_review):
    ApplicationFactory(round=round_, status=Status.DRAFT, title="Geheimer Entwurf")
    login(client, case_officer)
    response = client.get(reverse("reviews:overview", args=[round_.pk]) + "?sort=-population")
    html = response.content.decode()
    assert in_review.reference in html and "Heppenheim (Bergstraße)" in html
    assert "Geheimer Entwurf" not in html
    assert 'data-status-count="in_review">In Bewertung: <strong>1</strong>' in html
    assert 'aria-sort="descending"' in html
    assert "?sort=population" in html  # the link reverses the order


# Detail and notes -------------------------------------------------------------------------------
def test_detail_shows_sections_attachments_timeline_and_notes(
    client, login, case_officer, in_review, applicant
):
    login(client, case_officer)
    url = reverse("reviews:detail", args=[in_review.pk])
    response = client.post(
        reverse("reviews:note_add", args=[in_review.pk]), {"text": "Telefonat mit Frau Antrag."}
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    for text in (
        "Heppenheim lebt Vielfalt",  # project
        "Marktplatz 1",  # applicant
        "Kostenposition 1",  # cost plan
        "konzept.pdf",  # attachments
        "Telefonat mit Frau Antrag.",  # internal note
        "Formale Prüfung dokumentiert",  # internal event of the check
        "intern",
    ):
        assert text in html, text
    # Every id once (the note form and the Postfach's form sit on the same page), so each
    # label names its own field.
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    # the applicant's status page shows none of the internal events
    client.logout()
    login(client, applicant)
    html = client.get(reverse("applications:detail", args=[in_review.pk])).content.decode()
    assert "Telefonat mit Frau Antrag." not in html
    assert "Formale Prüfung dokumentiert" not in html


# Formal check -----------------------------------------------------------------------------------
def test_formal_check_start_and_pass(client, login, case_officer, submitted):
    login(client, case_officer)
    url = reverse("reviews:formal_check", args=[submitted.pk])
    assert "Formale Prüfung beginnen" in client.get(url).content.decode()
    client.post(reverse("reviews:check_start", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_CHECK
    # an incomplete checklist cannot pass: the form shows why
    response = client.post(url, {**dict.fromkeys(ALL_CHECKED, "on"), "financing_plausible": "",
                                 "outcome": "passed"})  # fmt: skip
    assert response.status_code == 200
    assert "Finanzierungsplan plausibel" in response.content.decode()
    assert "data-error-summary" in response.content.decode()
    response = client.post(url, {**dict.fromkeys(ALL_CHECKED, "on"), "outcome": "passed"})
    assert response.status_code == 302
    assert response.url == reverse("reviews:assignments", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW


def test_formal_check_request_items_and_mail(
    client,
    login,
    case_officer,
    submitted,
    applicant,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from notifications.services import deliver_event

    login(client, case_officer)
    client.post(reverse("reviews:check_start", args=[submitted.pk]))
    due = timezone.localdate() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("reviews:formal_check", args=[submitted.pk]),
            {
                "eligible_population": "on",
                "outcome": "items_requested",
                "sections": ["cost_plan", "attachments"],
                "message": "Bitte reichen Sie den Finanzierungsplan neu ein.",
                "due_date": due.isoformat(),
            },
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.MISSING_ITEMS
    assert FormalCheck.objects.get().item_request is not None
    event = ApplicationEvent.objects.get(application=submitted, action="request_items")
    assert deliver_event(event.pk) >= 1
    assert deliver_event(event.pk) == 0  # once
    (mail,) = [m for m in mailoutbox if applicant.email in m.to]
    assert submitted.reference in mail.subject
    # The e-mail names the application, the sections and the due date, not the text.
    assert "Bitte reichen Sie den Finanzierungsplan neu ein." not in mail.body
    assert "Kosten- und Finanzierungsplan" in mail.body and due.strftime("%d.%m.%Y") in mail.body
    # the applicant sees the banner and only the requested sections
    client.logout()
    login(client, applicant)
    html = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "Das Regierungspräsidium fordert Angaben nach" in html
    assert "Bitte reichen Sie den Finanzierungsplan neu ein." in html
    assert ItemRequest.objects.get().sections == ["cost_plan", "attachments"]


# Assignments and the jury -----------------------------------------------------------------------
def test_assign_declare_score_finalize_and_reopen(
    client, login, case_officer, reviewer, in_review, criteria
):
    login(client, case_officer)
    url = reverse("reviews:assignments", args=[in_review.pk])
    response = client.post(url, {"reviewer": reviewer.pk, "assign": "1"})
    assert response.status_code == 302
    assignment = Assignment.objects.get()

    jury = client.__class__()
    login(jury, reviewer)
    review_url = reverse("reviews:jury_review", args=[in_review.pk])
    declare_url = reverse("reviews:jury_declare", args=[in_review.pk])
    # the application stays hidden until the declaration
    response = jury.get(review_url)
    assert response.status_code == 302 and response.url == declare_url
    html = jury.get(declare_url).content.decode()
    assert "Erklärung zur Befangenheit" in html and "Marktplatz 1" not in html
    jury.post(declare_url, {"conflict": "no"})
    html = jury.get(review_url).content.decode()
    assert "Marktplatz 1" in html and "Beteiligung aller Bevölkerungsgruppen" in html

    data = {f"points_{c.pk}": "7" for c in criteria}
    data[f"points_{criteria[0].pk}"] = "11"
    response = jury.post(review_url, {**data, "save": "1"})
    assert response.status_code == 200 and "höchstens 10 Punkte" in response.content.decode()
    data[f"points_{criteria[0].pk}"] = "9"
    response = jury.post(review_url, {**data, "overall_comment": "Gut.", "save": "1"})
    assert response.status_code == 302
    assert Review.objects.get().status == ReviewStatus.DRAFT
    response = jury.post(review_url, {**data, "overall_comment": "Gut.", "finalize": "1"})
    assert response.status_code == 200  # recommendation missing
    assert "Bitte wählen Sie eine Empfehlung." in response.content.decode()
    response = jury.post(
        review_url,
        {**data, "overall_comment": "Gut.", "recommendation": "fund", "finalize": "1"},
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.status == ReviewStatus.FINAL and review.score == Decimal("7.333")
    # read-only now
    html = jury.get(review_url).content.decode()
    assert "Bewertung abschließen" not in html and "7,33" in html
    assert jury.post(review_url, {**data, "save": "1"}).status_code == 302
    assert Review.objects.get().overall_comment == "Gut."

    # the case officer sees the points and reopens with a reason
    html = client.get(url).content.decode()
    assert "Julia Jury" in html and "7,33" in html and "Förderung empfohlen" in html
    reopen = reverse("reviews:review_reopen", args=[in_review.pk, assignment.pk])
    assert client.post(reopen, {"reason": ""}).status_code == 200
    assert client.post(reopen, {"reason": "Bitte Kriterium 1 begründen."}).status_code == 302
    assert Review.objects.get().status == ReviewStatus.DRAFT
    html = jury.get(review_url).content.decode()
    assert "Bitte Kriterium 1 begründen." in html and "Bewertung abschließen" in html


def test_conflict_hides_the_application_and_mails_the_case_officer(
    client, login, case_officer, reviewer, in_review, mailoutbox
):
    from notifications.services import deliver_event

    Assignment.objects.create(application=in_review, reviewer=reviewer, assigned_by=case_officer)
    login(client, reviewer)
    response = client.post(
        reverse("reviews:jury_declare", args=[in_review.pk]),
        {"conflict": "yes", "note": "Mein Bruder ist Bürgermeister."},
    )
    assert response.status_code == 302 and response.url == reverse("reviews:jury_list")
    for name in ("reviews:jury_review", "reviews:jury_declare"):
        assert client.get(reverse(name, args=[in_review.pk])).status_code == 404
    assert in_review.reference not in client.get(reverse("reviews:jury_list")).content.decode()
    event = ApplicationEvent.objects.get(application=in_review, action=ReviewEvent.CONFLICT)
    assert deliver_event(event.pk) == 1
    assert deliver_event(event.pk) == 0
    (mail,) = mailoutbox
    assert mail.to == [case_officer.email]
    assert "Mein Bruder ist Bürgermeister." not in mail.body  # the note stays in the portal
    assert in_review.reference in mail.subject


def test_end_assignment_view(client, login, case_officer, reviewer, in_review):
    assignment = assign_and_declare(in_review, reviewer, case_officer)
    login(client, case_officer)
    url = reverse("reviews:assignment_end", args=[in_review.pk, assignment.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "Keine Zeit."}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ENDED_REMOVED


def test_bulk_assign_view(client, login, round_, case_officer, in_review):
    jury = [ReviewerFactory(), ReviewerFactory(), ReviewerFactory()]
    login(client, case_officer)
    url = reverse("reviews:bulk_assign", args=[round_.pk])
    html = client.get(url).content.decode()
    assert all(r.get_full_name() in html for r in jury)
    response = client.post(url, {"per_application": "2", "reviewers": [r.pk for r in jury]})
    assert response.status_code == 302
    assert in_review.assignments.count() == 2


# Ranking and exports ----------------------------------------------------------------------------
@pytest.fixture
def ranked(round_, case_officer, criteria):
    apps = []
    for name, points, requested in (("Bensheim", 9, "25000"), ("Lorsch", 6, "20000")):
        app = ApplicationFactory(
            round=round_,
            lead_municipality=MunicipalityFactory(name=name),
            complete=True,
            status=Status.SUBMITTED,
            requested_grant=Decimal(requested),
        )
        to_in_review(app, case_officer)
        for _ in range(2):
            reviewer = ReviewerFactory()
            score_all(assign_and_declare(app, reviewer, case_officer), reviewer, criteria, points)
        apps.append(app)
    return apps


def test_ranking_page_draws_the_budget_line(client, login, case_officer, round_, ranked):
    login(client, case_officer)
    html = client.get(reverse("reviews:ranking", args=[round_.pk])).content.decode()
    assert html.index("Bensheim") < html.index("data-budget-line") < html.index("Lorsch")
    assert "9,00" in html and "45.000,00\u00a0€" in html


def test_ranking_csv_has_german_headers_and_numbers(client, login, case_officer, round_, ranked):
    login(client, case_officer)
    response = client.get(reverse("reviews:ranking_csv", args=[round_.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Rang", "Aktenzeichen", "Antragstellende Kommune"]
    assert "Kumuliert beantragt (EUR)" in rows[0]
    assert rows[1][2] == "Bensheim" and rows[1][7] == "9,00" and rows[1][12] == "25.000,00"
    assert rows[2][13] == "45.000,00" and rows[2][14] == "nein"
    assert rows[-1] == ["Budget der Förderrunde (EUR)", "40.000,00"]


def test_ranking_xlsx_has_numbers_with_formats(client, login, case_officer, round_, ranked):
    login(client, case_officer)
    response = client.get(reverse("reviews:ranking_xlsx", args=[round_.pk]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[4]]
    assert header[0] == "Rang" and header[7] == "Mittelwert (gewichtet)"
    assert sheet["A4"].font.bold and sheet.auto_filter.ref == "A4:P6"
    first = sheet[5]
    assert first[2].value == "Bensheim" and first[7].value == 9.0
    assert first[7].number_format == "0.00"
    assert first[12].value == 25000.0 and "€" in first[12].number_format
    assert sheet["B2"].value == 40000.0
    assert sheet.freeze_panes == "A5"
    assert sheet[6][0].border.top.style == "medium"  # the budget line above Lorsch


# Decisions --------------------------------------------------------------------------------------
def test_decision_page_mark_ready_and_approve(
    client, login, case_officer, reviewer, in_review, criteria, django_capture_on_commit_callbacks
):
    score_all(assign_and_declare(in_review, reviewer, case_officer), reviewer, criteria, 8)
    login(client, case_officer)
    url = reverse("reviews:decision", args=[in_review.pk])
    assert "Als entscheidungsreif markieren" in client.get(url).content.decode()
    client.post(reverse("reviews:mark_ready", args=[in_review.pk]))
    html = client.get(url).content.decode()
    assert 'value="18.000,00"' in html  # the requested amount by default
    response = client.post(
        url, {"approve-granted_amount": "18.500,00", "approve": "1"}
    )  # more than requested
    assert response.status_code == 200 and "nicht übersteigen" in response.content.decode()
    # less than the gap: the officer must say how the financing plan balances (issue 9.4)
    response = client.post(url, {"approve-granted_amount": "16.000", "approve": "1"})
    assert response.status_code == 200
    assert "2.000,00 € unter dem Fehlbedarf" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Status.READY_FOR_DECISION
    data = {
        "approve-granted_amount": "16.000",
        "approve-financing_adjustment": "raise_own_funds",
        "approve-reason": "Überzeugend,\nmit Abstrichen bei den Kosten.",
        "approve": "1",
    }
    # issue 9.15: a valid form first shows what will happen; nothing is decided yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and callbacks == []
    assert "Bewilligung bestätigen" in html and "16.000,00" in html
    assert "Bewilligter Finanzierungsplan" in html and "4.000,00" in html  # own funds raised
    assert 'name="confirm"' in html and 'name="approve-financing_adjustment"' in html
    in_review.refresh_from_db()
    assert in_review.status == Status.READY_FOR_DECISION and in_review.granted_amount is None
    assert not in_review.events.filter(action="approve").exists()
    # the confirmation posts the same input back with "confirm"
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    assert hidden["approve-granted_amount"] == "16.000"
    assert hidden["approve-financing_adjustment"] == "raise_own_funds"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {**data, "confirm": "1"})
    # After the commit: the letter is owed (outbox) and the grant is created (grants' listener).
    assert response.status_code == 302 and len(callbacks) == 2
    in_review.refresh_from_db()
    assert in_review.status == Status.APPROVED and in_review.granted_amount == Decimal("16000")
    assert (in_review.approved_total_cost, in_review.approved_own_funds) == (
        Decimal("20000.00"), Decimal("4000.00"),
    )  # fmt: skip
    html = client.get(url).content.decode()
    assert "Bewilligter Finanzierungsplan" in html and "4.000,00" in html


def test_decision_page_reject_needs_reason(client, login, case_officer, in_review):
    login(client, case_officer)
    url = reverse("reviews:decision", args=[in_review.pk])
    response = client.post(url, {"reject-reason": "", "reject": "1"})
    assert response.status_code == 200
    assert "Bitte begründen Sie die Ablehnung." in response.content.decode()
    data = {"reject-reason": "Sozialraumbezug fehlt.", "reject": "1"}
    response = client.post(url, data)  # issue 9.15: the confirmation step first
    html = response.content.decode()
    assert response.status_code == 200 and "Ablehnung bestätigen" in html
    assert "Sozialraumbezug fehlt." in html and 'name="confirm"' in html
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW and in_review.decided_at is None
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.REJECTED


def test_decision_mail_once_with_letter(case_officer, in_review, applicant, mailoutbox):
    from documents.letters import send_decision_mail
    from reviews import services

    services.decision_reject(application=in_review, user=case_officer, reason="Zu spät.")
    assert send_decision_mail(in_review.pk, content=b"%PDF-1.7", filename="a.pdf")
    assert not send_decision_mail(in_review.pk, content=b"%PDF-1.7", filename="a.pdf")
    (mail,) = [m for m in mailoutbox if applicant.email in m.to]
    assert applicant.email in mail.to and "Zu spät." in mail.body
    assert mail.attachments[0][0] == "a.pdf"
    assert ApplicationEvent.objects.filter(action=ReviewEvent.MAIL_SENT).count() == 1


def test_admin_can_edit_criteria_until_scored(
    client, login, admin_user, case_officer, round_, in_review, criteria
):
    from django.contrib.admin.sites import site

    from applications.models import FundingRound
    from reviews.admin import CriterionInline

    login(client, admin_user)
    url = reverse("admin:applications_fundinground_change", args=[round_.pk])
    html = client.get(url).content.decode()
    assert "Bewertungskriterien (Jury)" in html and "Sozialraumbezug" in html
    inline = CriterionInline(FundingRound, site)
    request = type("Request", (), {"user": admin_user})()
    assert inline.has_change_permission(request, round_)
    reviewer = ReviewerFactory()
    score_all(assign_and_declare(in_review, reviewer, case_officer), reviewer, criteria, 5)
    assert not inline.has_change_permission(request, round_)
    assert not inline.has_add_permission(request, round_)


def test_score_filter_rounds_half_up():
    from reviews.templatetags.review_tags import score, weight

    assert score(Decimal("7.667")) == "7,67"
    assert score(Decimal("7.665")) == "7,67"
    assert score(None) == "–"
    assert weight(Decimal("1.00")) == "1" and weight(Decimal("1.50")) == "1,5"


def test_an_empty_required_form_shows_its_errors(client, in_review, case_officer, reviewer, login):
    """An empty POST is still a POST: the required reason is asked for, not silently ignored."""
    from django.urls import reverse

    from tests.reviews.conftest import assign_and_declare

    assignment = assign_and_declare(in_review, reviewer, case_officer)
    login(client, case_officer)
    url = reverse("reviews:assignment_end", args=[in_review.pk, assignment.pk])
    response = client.post(url, {})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_overview_filter_form_kept_per_process_renders_as_crispy_does():
    """The filter form's markup is kept per process (``OverviewFilterForm.rendered``): the
    same as ``{{ form|crispy }}`` for the same values, and another value renders anew."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
    from django.http import QueryDict

    from reviews.forms import OverviewFilterForm

    def form(query: str) -> OverviewFilterForm:
        return OverviewFilterForm(
            QueryDict(query) or None, regierungsbezirke=["Darmstadt"], kreise=["Kreis Bergstraße"]
        )

    for query in ("", "status=in_review", "kreis=Kreis+Bergstra%C3%9Fe&q=Lich", "kreis=nowhere"):
        assert form(query).rendered() == as_crispy_form(form(query))
    first, second = form("status=in_review").rendered(), form("status=submitted").rendered()
    assert first != second
    assert 'value="submitted" selected' in second
