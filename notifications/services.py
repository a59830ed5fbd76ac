"""Writes of the notifications app: deliver a notification (in the portal, and by e-mail as
each person chose), the daily digest, read state, preferences.

Every delivery is safe to run twice: the in-portal row is unique per person and key, each
e-mail is sent under its ``core.mail.mail_once`` mark."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from applications.models import Application, ApplicationEvent
from applications.services.base import record_event
from core.mail import Attachment, mail_once, mail_send
from core.outbox import outbox_enqueue
from reviews.models import ReviewEvent

from .catalogue import NotificationType, Occasion, catalogue
from .models import Delivery, Notification, NotificationPreference

logger = logging.getLogger(__name__)

DIGEST_TEMPLATE = "notifications/email/digest"


# The listener of the event rows (registered in NotificationsConfig.ready) -------------------------
def event_wanted(event: ApplicationEvent) -> bool:
    """Whether an event row causes any notification (asked before the commit)."""
    return bool(catalogue.for_event(event))


def on_event_recorded(event: ApplicationEvent) -> None:
    """Called after the commit of every wanted event row: owes a delivery for its types."""
    if catalogue.for_event(event):
        with transaction.atomic():
            outbox_enqueue("notifications.deliver_event", event.pk)


def deliver_event(event_id: int) -> int:
    """Deliver every type an event row causes; returns how many e-mails left."""
    event = (
        ApplicationEvent.objects.select_related(
            "application__lead_municipality", "application__round", "actor"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    return sum(
        notify(t.kind, event.application, key=f"event-{event.pk}", event=event)
        for t in catalogue.for_event(event)
    )


# Delivery -----------------------------------------------------------------------------------------
def delivery_choice(ntype: NotificationType, chosen: str | None) -> str:
    """Legally relevant types always go by e-mail; otherwise the person's choice, by default
    immediately."""
    if ntype.legally_relevant:
        return Delivery.IMMEDIATE
    return chosen or Delivery.IMMEDIATE


def _address_key(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]


def _send(
    ntype: NotificationType,
    occasion: Occasion,
    address: str,
    path: str,
    attachments: Iterable[Attachment],
) -> None:
    context: dict[str, Any] = {
        **occasion.data,
        "application": occasion.application,
        "event": occasion.event,
        "label": ntype.label,
        "details": ntype.details(occasion) if ntype.details else {},
        "site_url": settings.WIR_SITE_URL,
        "url": settings.WIR_SITE_URL + path,
    }
    mail_send(template=ntype.template, context=context, to=[address], attachments=attachments)


@transaction.atomic
def notify(
    kind: str,
    application: Application,
    *,
    key: str,
    event: ApplicationEvent | None = None,
    data: Mapping[str, Any] | None = None,
    attachments: Iterable[Attachment] = (),
    now: dt.datetime | None = None,
) -> int:
    """Tell the recipients of ``kind`` about ``application`` (``key`` names what exactly,
    e.g. ``"event-42"``): an in-portal notification for each person, and an e-mail now (the
    person's choice or a legally relevant type), later in the digest, or not at all. Plain
    addresses (the contact person) get the e-mail. Returns how many e-mails left now."""
    ntype = catalogue[kind]
    now = now or timezone.now()
    attachments = tuple(attachments)
    occasion = Occasion(application=application, event=event, data=dict(data or {}))
    found = ntype.recipients(occasion)
    users = [
        u
        for u in dict.fromkeys(found.users)
        if u.is_active and not (ntype.skip_actor and u.pk == occasion.actor_id)
    ]
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    full_key = f"{kind}:{key}"
    mailed: list[str] = []
    for user in users:
        delivery = delivery_choice(ntype, chosen.get(user.pk))
        path = ntype.link(occasion, user)
        notification, _created = Notification.objects.get_or_create(
            user=user,
            key=full_key,
            defaults={
                "kind": kind,
                "application": application,
                "url": path,
                "delivery": delivery,
                "created_at": now,
            },
        )
        if notification.delivery != Delivery.IMMEDIATE or notification.emailed_at is not None:
            continue
        if user.email:
            with mail_once(f"notifications.{full_key}:u{user.pk}") as owed:
                if owed:
                    _send(ntype, occasion, user.email, path, attachments)
                    mailed.append(user.email)
        notification.emailed_at = now
        notification.save(update_fields=["emailed_at"])
    for address in dict.fromkeys(found.addresses):
        with mail_once(f"notifications.{full_key}:a{_address_key(address)}") as owed:
            if owed:
                _send(ntype, occasion, address, ntype.link(occasion, None), attachments)
                mailed.append(address)
    if ntype.record_mail and mailed:
        record_event(
            application,
            None,
            ReviewEvent.MAIL_SENT,
            message=", ".join(mailed),
            data={"kind": kind, "recipients": mailed},
            internal=True,
        )
    return len(mailed)


# The daily digest ---------------------------------------------------------------------------------
def send_digests(now: dt.datetime | None = None) -> int:
    """One e-mail per person with every notification they chose to receive as a digest and
    that was not yet mailed; returns how many e-mails left. Safe to run twice: a digest is
    named by its person and its newest notification."""
    now = now or timezone.now()
    owed = (
        Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True)
        .values("user_id")
        .annotate(last=Max("id"))
        .order_by("user_id")
    )
    sent = 0
    for row in owed:
        sent += _send_digest(row["user_id"], row["last"], now)
    return sent


@transaction.atomic
def _send_digest(user_id: int, last_id: int, now: dt.datetime) -> int:
    user = get_user_model().objects.filter(pk=user_id).first()
    sent = 0
    with mail_once(f"notifications.digest:u{user_id}:{last_id}") as owed:
        items = list(
            Notification.objects.select_related("application")
            .filter(
                user_id=user_id,
                delivery=Delivery.DIGEST,
                emailed_at__isnull=True,
                id__lte=last_id,
            )
            .order_by("created_at", "id")
        )
        if owed and items and user is not None and user.is_active and user.email:
            entries = [
                {
                    "label": catalogue.label(n.kind),
                    "application": n.application,
                    "url": settings.WIR_SITE_URL + n.url,
                    "created_at": n.created_at,
                }
                for n in items
            ]
            mail_send(
                template=DIGEST_TEMPLATE,
                context={"entries": entries, "site_url": settings.WIR_SITE_URL},
                to=[user.email],
            )
            sent = 1
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
    return sent


# Read state and preferences -----------------------------------------------------------------------
def notification_open(*, user, notification_id: int) -> Notification | None:
    """Mark the person's notification read and return it (None: not theirs)."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user, choices: Mapping[str, str]) -> None:
    """Store the person's choice per type; legally relevant types are not choosable."""
    for kind, delivery in choices.items():
        if kind not in catalogue or catalogue[kind].legally_relevant:
            continue
        if delivery not in Delivery.values:
            raise ValueError(f"Unknown delivery {delivery!r}")
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
