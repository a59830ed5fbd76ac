"""Reads of the Postfach: a thread for one person, the thread list, who receives a message."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Role
from applications.models import Application, PartnerStatus
from municipalities.models import Membership

from . import permissions
from .models import Audience, Message, MessageAttachment, MessageRead, Side


def record_messages_prefetch() -> Prefetch:
    """Every message of an application with sender and attachments, oldest first: the
    thread as part of the record (the bundle's appendix, seen by RP)."""
    return Prefetch(
        "messages",
        queryset=Message.objects.select_related("sender", "sender_municipality")
        .prefetch_related(
            Prefetch("attachments", queryset=MessageAttachment.objects.order_by("pk"))
        )
        .order_by("sent_at", "pk"),
    )


def _read_by(user) -> Exists:
    return Exists(MessageRead.objects.filter(message=OuterRef("pk"), user_id=user.pk))


def thread_messages(
    *,
    application: Application,
    user,
    member_ids: Collection[int],
) -> QuerySet[Message]:
    """The messages of the application that ``user`` may read, oldest first, with sender,
    municipality and attachments, each annotated with ``is_read`` (by ``user``; own messages
    count as read). The caller has checked ``permissions.can_read_thread``."""
    qs = Message.objects.filter(application=application)
    if not permissions.sees_lead_only(user, application, member_ids=member_ids):
        qs = qs.filter(audience=Audience.ALL)
    return (
        qs.select_related("sender", "sender_municipality")
        .prefetch_related(
            Prefetch("attachments", queryset=MessageAttachment.objects.order_by("pk"))
        )
        .annotate(
            is_read=Case(
                When(sender_id=user.pk, then=Value(True)),
                default=_read_by(user),
                output_field=BooleanField(),
            )
        )
        .order_by("sent_at", "pk")
    )


def unread_messages(user, member_ids: Collection[int]) -> QuerySet[Message]:
    """Messages ``user`` may read, did not send and has not read yet."""
    return (
        Message.objects.visible_to(user, member_ids)
        .exclude(sender_id=user.pk)
        .exclude(_read_by(user))
    )


def unread_count(user, member_ids: Collection[int]) -> int:
    """How many messages wait for ``user`` (one query)."""
    return unread_messages(user, member_ids).count()


def mailbox_threads(user, member_ids: Collection[int]) -> QuerySet[Application]:
    """The Postfach of ``user``: one row per application with messages the person may read,
    annotated with ``unread_count``, ``message_count``, ``last_sent_at``, ``last_subject``
    and ``last_side``; threads with unread messages first, then the newest. One query for the
    whole page whatever its length (plus the count of the paginator)."""
    visible = Message.objects.visible_to(user, member_ids).filter(application=OuterRef("pk"))
    latest = visible.order_by("-sent_at", "-pk")

    def counted(qs) -> Subquery:
        return Subquery(
            qs.order_by().values("application").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        )

    unread = visible.exclude(sender_id=user.pk).exclude(_read_by(user))
    return (
        Application.objects.filter(Exists(visible))
        .select_related("round", "lead_municipality")
        .annotate(
            last_sent_at=Subquery(latest.values("sent_at")[:1]),
            last_subject=Subquery(latest.values("subject")[:1]),
            last_side=Subquery(latest.values("side")[:1]),
            message_count=Coalesce(counted(visible), 0),
            unread_count=Coalesce(counted(unread), 0),
        )
        .annotate(
            has_unread=Case(When(unread_count__gt=0, then=Value(1)), default=Value(0)),
        )
        .order_by("-has_unread", "-last_sent_at", "-pk")
    )


def thread_participants(message: Message) -> set[int]:
    """Ids of the RP staff who wrote in the message's thread (before or with ``message``)."""
    return set(
        Message.objects.filter(
            application_id=message.application_id, side=Side.RP, sender__isnull=False
        ).values_list("sender_id", flat=True)
    )


def message_recipients(message: Message) -> list:
    """Who should hear of ``message`` (contract 1): the active people who may read it, minus
    the sender. On the municipalities' side every active member of staff of the lead and, for
    messages meant for everyone, of each partner that has not declined. On RP's side the case
    officers who have written in the thread, or, while none has, every active case officer
    (the pattern of the Nachforderung's answer)."""
    User = get_user_model()
    application = message.application
    municipality_ids = {application.lead_municipality_id}
    if message.audience == Audience.ALL:
        municipality_ids |= set(
            application.partners.exclude(status=PartnerStatus.DECLINED).values_list(
                "municipality_id", flat=True
            )
        )
    staff_ids = Membership.objects.filter(municipality_id__in=municipality_ids).values("user_id")
    staff = User.objects.filter(pk__in=staff_ids, role=Role.MUNICIPAL_STAFF, is_active=True)
    officers = User.objects.filter(role=Role.CASE_OFFICER, is_active=True)
    writers = thread_participants(message)
    if officers.filter(pk__in=writers).exists():
        officers = officers.filter(pk__in=writers)
    people = (staff | officers).distinct().order_by("email")
    return [person for person in people if person.pk != message.sender_id]
