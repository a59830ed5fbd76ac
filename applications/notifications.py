"""E-mails to municipal staff about an application. Called after the transaction commits, so
nobody is told about something that was rolled back."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import ApplicationPartner


def staff_emails(municipality) -> list[str]:
    return sorted(
        municipality.memberships.filter(user__is_active=True).values_list("user__email", flat=True)
    )


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
    subject = render_to_string("applications/email/partner_request_subject.txt", context).strip()
    body = render_to_string("applications/email/partner_request.txt", context)
    send_mass_mail([(subject, body, None, [email]) for email in recipients])
