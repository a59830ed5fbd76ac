"""Notifications in the browser (issue 15): the header counter is visible and its link's
accessible name carries the number; opening a notification and marking all read update it;
the notifications page, the preferences page (also with an error) and the start page of each
role (municipal staff, case officer, jury) are axe-core clean; the case officer extends the due
date of an overdue Nachforderung and the municipality is notified (real Celery worker)."""

from __future__ import annotations

import datetime as dt
import re
from base64 import b32encode

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import ItemRequest
from applications.workflow import Status
from notifications.models import Notification
from reviews.models import Assignment
from tests.accounts.factories import totp_device
from tests.factories import (
    ApplicationFactory,
    CaseOfficerFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)

from .conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "geheimes-passwort-123"  # tests.factories.UserFactory


def secret_of(user) -> str:
    return b32encode(totp_device(user).bin_key).decode()


@pytest.fixture
def scene():
    lead = MunicipalityFactory(name="Heppenheim (Bergstraße)")
    staff = staff_for(lead, full_name="Anna Antrag")
    officer = CaseOfficerFactory(full_name="Sven Sachbearbeitung")
    reviewer = ReviewerFactory(full_name="Julia Jury")
    overdue = ApplicationFactory(
        lead_municipality=lead,
        complete=True,
        status=Status.MISSING_ITEMS,
        title="Heppenheim lebt Vielfalt",
        contact_email="kontakt@heppenheim.example",
    )
    ItemRequest.objects.create(
        application=overdue,
        sections=["cost_plan"],
        message="Bitte ergänzen Sie den Kostenplan.",
        due_date=timezone.localdate() - dt.timedelta(days=3),
        created_by=officer,
    )
    in_review = ApplicationFactory(complete=True, status=Status.IN_REVIEW, title="Lorsch verbindet")
    Assignment.objects.create(application=in_review, reviewer=reviewer, assigned_by=officer)
    for i, kind in enumerate(("partner_confirmed", "partner_declined", "item_request")):
        Notification.objects.create(
            user=staff,
            kind=kind,
            key=f"{kind}:e2e-{i}",
            application=overdue,
            url=reverse("applications:detail", args=[overdue.pk]),
        )
    return {
        "staff": staff,
        "officer": officer,
        "reviewer": reviewer,
        "overdue": overdue,
        "in_review": in_review,
    }


def counter(page):
    """The header's link to the notifications (its accessible name includes the count)."""
    return page.locator("header").get_by_role("link", name=re.compile(r"^Benachrichtigungen"))


def test_counter_notifications_and_preferences_of_municipal_staff(page, scene):
    login(page, scene["staff"].email, PASSWORD)
    page.goto("/")
    expect(page.get_by_role("heading", name="Was ansteht")).to_be_visible()
    expect(page.get_by_test_id("due-item-requests")).to_contain_text("Heppenheim lebt Vielfalt")
    assert_no_axe_violations(page, "start page, municipal staff")
    link = counter(page)
    expect(link).to_be_visible()
    expect(link).to_have_accessible_name(re.compile(r"^Benachrichtigungen\s+3 ungelesen$"))

    link.click()
    expect(page.get_by_role("heading", name="Benachrichtigungen", level=1)).to_be_visible()
    expect(page.get_by_text("Sie haben 3 ungelesene Benachrichtigungen.")).to_be_visible()
    assert_no_axe_violations(page, "notifications page")
    # opening one marks it read: the counter says 2 on the page it leads to
    page.get_by_role("link", name="Nachforderung von Unterlagen").click()
    expect(page).to_have_url(re.compile(rf"/antraege/{scene['overdue'].pk}/"))
    expect(counter(page)).to_have_accessible_name(re.compile(r"^Benachrichtigungen\s+2 ungelesen$"))
    counter(page).click()
    page.get_by_role("button", name="Alle als gelesen markieren").click()
    expect(page.get_by_text("Alle Benachrichtigungen sind als gelesen markiert.")).to_be_visible()
    expect(counter(page)).to_have_accessible_name("Benachrichtigungen")
    expect(page.get_by_role("button", name="Alle als gelesen markieren")).to_have_count(0)
    assert_no_axe_violations(page, "notifications page, all read")

    page.get_by_role("link", name="Wie Sie benachrichtigt werden, stellen Sie hier ein.").click()
    expect(page.get_by_role("heading", name="Einstellungen zu Benachrichtigungen")).to_be_visible()
    assert_no_axe_violations(page, "preferences page")
    group = page.get_by_role("group", name=re.compile(r"Partnerschaft bestätigt"))
    group.get_by_label("Einmal täglich als Zusammenfassung per E-Mail").check()
    page.get_by_role("button", name="Einstellungen speichern").click()
    expect(page.get_by_text("Ihre Einstellungen sind gespeichert.")).to_be_visible()
    expect(
        page.get_by_role("group", name=re.compile(r"Partnerschaft bestätigt")).get_by_label(
            "Einmal täglich als Zusammenfassung per E-Mail"
        )
    ).to_be_checked()
    # the error state: a value no radio offers (as a tampered or outdated form would send)
    radio = page.get_by_role("group", name=re.compile(r"Partnerschaft abgelehnt")).get_by_role(
        "radio"
    )
    radio.first.evaluate("el => { el.value = 'fax'; el.checked = true; }")
    page.get_by_role("button", name="Einstellungen speichern").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    assert_no_axe_violations(page, "preferences page with an error")


def test_case_officer_extends_an_overdue_item_request(page, scene, worker_media):
    officer, app = scene["officer"], scene["overdue"]
    login(page, officer.email, PASSWORD, secret_of(officer))
    page.goto("/")
    overdue = page.get_by_test_id("due-overdue")
    expect(overdue).to_contain_text(app.reference)
    expect(overdue).to_contain_text("seit 3 Tagen überfällig")
    assert_no_axe_violations(page, "start page, case officer")
    expect(counter(page)).to_have_accessible_name("Benachrichtigungen")

    overdue.get_by_role("link", name=app.reference).click()
    box = page.locator("#nachforderung")
    expect(box).to_contain_text("Überfällige Nachforderung")
    expect(box).to_contain_text("Die Frist ist seit 3 Tagen abgelaufen.")
    expect(box.get_by_role("link", name="Antrag ablehnen")).to_be_visible()
    assert_no_axe_violations(page, "RP detail page, overdue Nachforderung")
    box.get_by_role("link", name="Frist verlängern").click()
    expect(page.get_by_role("heading", name="Frist der Nachforderung verlängern")).to_be_visible()
    assert_no_axe_violations(page, "extend page")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Neue Frist").fill(yesterday.isoformat())
    page.get_by_role("button", name="Frist verlängern").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Die neue Frist muss nach dem heutigen Tag liegen."
    )
    assert_no_axe_violations(page, "extend page with an error")
    new_due = timezone.localdate() + dt.timedelta(days=14)
    page.get_by_label("Neue Frist").fill(new_due.isoformat())
    page.get_by_role("button", name="Frist verlängern").click()
    expect(page.get_by_text("Die Frist der Nachforderung ist bis zum")).to_be_visible()
    box = page.locator("#nachforderung")
    expect(box).to_contain_text("Offene Nachforderung")
    expect(box).to_contain_text(new_due.strftime("%d.%m.%Y"))
    expect(page.get_by_text("Frist der Nachforderung verlängert").first).to_be_visible()
    assert ItemRequest.objects.get(application=app).due_date == new_due

    # the municipality is told (the real worker delivers it) and sees it in its counter
    page.get_by_role("button", name="Abmelden").click()
    delivered = Notification.objects.filter(user=scene["staff"], kind="item_request_extended")
    for _ in range(600):  # at most a minute: the worker picks the task up
        if delivered.exists():
            break
        page.wait_for_timeout(100)
    assert delivered.exists(), "the worker did not deliver the notification"
    login(page, scene["staff"].email, PASSWORD)
    page.goto("/")
    expect(counter(page)).to_have_accessible_name(re.compile(r"^Benachrichtigungen\s+4 ungelesen$"))
    counter(page).click()
    expect(page.get_by_role("link", name="Frist einer Nachforderung verlängert")).to_be_visible()


def test_start_page_of_the_jury(page, scene):
    reviewer = scene["reviewer"]
    login(page, reviewer.email, PASSWORD, secret_of(reviewer))
    page.goto("/")
    expect(page.get_by_test_id("due-reviews")).to_contain_text(scene["in_review"].reference)
    assert_no_axe_violations(page, "start page, jury")
