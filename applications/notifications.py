"""E-mails to municipal staff about an application. Called after the transaction commits, so
nobody is told about something that was rolled back; each is sent once (``core.mail``), so
the tasks that call them may run twice."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Role
from core.mail import mail_once, mail_send

from .models import Application, ApplicationEvent, ApplicationPartner, ItemRequest


def staff_emails(municipality) -> list[str]:
    return sorted(
        municipality.memberships.filter(user__is_active=True).values_list("user__email", flat=True)
    )


def receipt_recipients(application: Application) -> list[str]:
    """Who hears about an application as its applicant (the receipt, a Nachforderung, the
    decision): the contact person and the lead municipality's staff."""
    emails = {application.contact_email} if application.contact_email else set()
    emails.update(
        application.lead_municipality.memberships.filter(user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    return sorted(e for e in emails if e)


def notify_partner_added(partner_id: int) -> None:
    """Tell the partner municipality's staff that they are asked to confirm."""
    partner = (
        ApplicationPartner.objects.select_related(
            "municipality", "application__lead_municipality", "application__round"
        )
        .filter(pk=partner_id)
        .first()
    )
    if partner is None:
        return
    recipients = staff_emails(partner.municipality)
    if not recipients:
        return
    context = {
        "partner": partner,
        "application": partner.application,
        "url": settings.WIR_SITE_URL + reverse("applications:partner_respond", args=[partner.pk]),
    }
    with mail_once(f"applications.partner_request:{partner.pk}") as owed:
        if owed:
            mail_send(
                template="applications/email/partner_request",
                context=context,
                to=recipients,
                separately=True,
            )


def resubmission_recipients(event: ApplicationEvent) -> list[str]:
    """The case officer(s) who asked for the items, if still active case officers; else
    every active case officer."""
    request_ids = (event.data or {}).get("item_request_ids") or []
    askers = {
        r.created_by
        for r in ItemRequest.objects.filter(pk__in=request_ids).select_related("created_by")
        if r.created_by is not None
    }
    emails = sorted(u.email for u in askers if u.is_active and u.is_case_officer and u.email)
    if emails:
        return emails
    return list(
        get_user_model()
        .objects.filter(role=Role.CASE_OFFICER, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )


def notify_resubmission(event_id: int) -> None:
    """Tell the case officer that the municipality answered a Nachforderung, with a link to
    the application's page (the message and what changed are shown there)."""
    event = (
        ApplicationEvent.objects.select_related(
            "application__lead_municipality", "application__round", "actor"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return
    recipients = resubmission_recipients(event)
    if not recipients:
        return
    application = event.application
    context = {
        "event": event,
        "application": application,
        "url": settings.WIR_SITE_URL
        + reverse("reviews:detail", args=[application.pk])
        + "#nachreichungen",
    }
    with mail_once(f"applications.resubmission:{event.pk}") as owed:
        if owed:
            mail_send(
                template="applications/email/resubmission",
                context=context,
                to=recipients,
                separately=True,
            )
