"""Who receives what: the recipients and links of the catalogue's types (reads only)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Role
from applications.models import ApplicationPartner, ItemRequest, PartnerStatus
from reviews.models import Assignment

from .catalogue import Occasion, Recipients, recipient_resolvers


def _active_users():
    return get_user_model().objects.filter(is_active=True)


def staff_of(municipality_ids: Iterable[int]) -> list:
    """The active members of the municipalities (as the e-mails have always counted staff)."""
    ids = set(municipality_ids)
    if not ids:
        return []
    members = _active_users().filter(memberships__municipality_id__in=ids)
    return list(members.distinct().order_by("pk"))


def case_officers() -> list:
    return list(_active_users().filter(role=Role.CASE_OFFICER).order_by("pk"))


def _with_contact(application, users: list) -> Recipients:
    """``users`` and the application's contact address, if no account of them has it."""
    emails = {u.email.lower() for u in users if u.email}
    contact = (application.contact_email or "").strip()
    addresses = [contact] if contact and contact.lower() not in emails else []
    return Recipients(users=users, addresses=addresses)


def applicant(occasion: Occasion) -> Recipients:
    """The lead municipality's staff and the contact person."""
    app = occasion.application
    return _with_contact(app, staff_of([app.lead_municipality_id]))


def lead_staff(occasion: Occasion) -> Recipients:
    return Recipients(users=staff_of([occasion.application.lead_municipality_id]))


def partner_ids(application) -> list[int]:
    return list(
        ApplicationPartner.objects.filter(application=application)
        .exclude(status=PartnerStatus.DECLINED)
        .values_list("municipality_id", flat=True)
    )


def applicant_and_partners(occasion: Occasion) -> Recipients:
    """The lead's staff, the contact person and the staff of every partner that has not
    declined (the receipt)."""
    app = occasion.application
    return _with_contact(app, staff_of([app.lead_municipality_id, *partner_ids(app)]))


def invited_partner(occasion: Occasion) -> Recipients:
    municipality = occasion.values.get("municipality")
    return Recipients(users=staff_of([municipality] if municipality else []))


def item_request_askers(occasion: Occasion) -> Recipients:
    """The case officer(s) who asked for the items, if still active case officers; else every
    active case officer."""
    ids = occasion.values.get("item_request_ids") or []
    if not ids and occasion.values.get("item_request_id"):
        ids = [occasion.values["item_request_id"]]
    askers = {
        r.created_by
        for r in ItemRequest.objects.filter(pk__in=ids).select_related("created_by")
        if r.created_by is not None
    }
    users = sorted((u for u in askers if u.is_active and u.is_case_officer), key=lambda u: u.pk)
    return Recipients(users=users or case_officers())


def reviewer(occasion: Occasion) -> Recipients:
    reviewer_id = occasion.values.get("reviewer_id")
    return Recipients(users=list(_active_users().filter(pk=reviewer_id)) if reviewer_id else [])


def assigning_case_officer(occasion: Occasion) -> Recipients:
    """Who assigned the reviewer, if still an active case officer; else every case officer."""
    from_event = occasion.values.get("assignment_id")
    assigner = None
    if from_event:
        assignment = Assignment.objects.select_related("assigned_by").filter(pk=from_event).first()
        assigner = assignment.assigned_by if assignment else None
    if assigner is not None and assigner.is_active and assigner.is_case_officer:
        return Recipients(users=[assigner])
    return Recipients(users=case_officers())


def message_readers(occasion: Occasion) -> Recipients:
    """Who may read the message, minus its sender (``messaging`` provides the resolver)."""
    return Recipients(users=recipient_resolvers.resolve("message_sent", occasion.event))


# Links ------------------------------------------------------------------------------------------
def application_link(occasion: Occasion, user) -> str:
    """The application's page as the recipient sees it."""
    pk = occasion.application.pk
    if user is not None and user.is_rp:
        return reverse("reviews:detail", args=[pk])
    if user is not None and user.is_reviewer:
        return reverse("reviews:jury_review", args=[pk])
    return reverse("applications:detail", args=[pk])


def answers_link(occasion: Occasion, user) -> str:
    return application_link(occasion, user) + (
        "#nachreichungen" if user is not None and user.is_rp else ""
    )


def partner_link(occasion: Occasion, user) -> str:
    partner = (
        ApplicationPartner.objects.filter(
            application=occasion.application, municipality_id=occasion.values.get("municipality")
        )
        .values_list("pk", flat=True)
        .first()
    )
    if partner is None:
        return reverse("applications:detail", args=[occasion.application.pk])
    return reverse("applications:partner_respond", args=[partner])


def jury_list_link(occasion: Occasion, user) -> str:
    return reverse("reviews:jury_list")


def assignments_link(occasion: Occasion, user) -> str:
    return reverse("reviews:assignments", args=[occasion.application.pk])
