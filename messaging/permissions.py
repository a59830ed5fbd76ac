"""Who may read and write messages on an application. Pure predicates: they never query; the
caller passes ``member_ids`` (``municipalities.selectors.member_municipality_ids``) and
``partner_ids`` (``applications.selectors.partner_municipality_ids``).

- RP Darmstadt (case officers and admins) reads and writes on every submitted application.
- Staff of the lead municipality read every message and write, to every participating
  municipality or to the lead only.
- Staff of a (not declined) partner municipality read the messages meant for every
  participating municipality and write to everyone.
- The jury reads nothing: a reviewer judges the application as submitted (and the documents
  RP asked for in a Nachforderung), not the correspondence about it, which is part of the
  administrative procedure between the authority and the applicant and may hold matters the
  municipalities have not brought into the application. Staff of any other municipality, too,
  read nothing.
- Nobody writes on a draft (RP does not see drafts yet).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from applications import permissions as application_permissions
from applications.workflow import Status

from .models import Audience

if TYPE_CHECKING:
    from applications.models import Application

    from .models import Message


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_rp(user) -> bool:
    return _active(user) and user.is_rp


def is_lead(user, application: Application, *, member_ids: Collection[int]) -> bool:
    return application_permissions.is_lead_staff(user, application, member_ids=member_ids)


def is_partner(user, *, member_ids: Collection[int], partner_ids: Collection[int]) -> bool:
    return application_permissions.is_partner_staff(
        user, member_ids=member_ids, partner_ids=partner_ids
    )


def can_use_mailbox(user) -> bool:
    """The Postfach page: municipal staff and RP Darmstadt (not the jury)."""
    return _active(user) and (user.is_municipal_staff or user.is_rp)


def can_read_thread(
    user,
    application: Application,
    *,
    member_ids: Collection[int],
    partner_ids: Collection[int],
) -> bool:
    """May see the application's thread at all (partner staff: the messages meant for them)."""
    if application.status == Status.DRAFT:
        return False
    return (
        is_rp(user)
        or is_lead(user, application, member_ids=member_ids)
        or is_partner(user, member_ids=member_ids, partner_ids=partner_ids)
    )


def can_write(
    user,
    application: Application,
    *,
    member_ids: Collection[int],
    partner_ids: Collection[int],
) -> bool:
    return can_read_thread(user, application, member_ids=member_ids, partner_ids=partner_ids)


def sees_lead_only(user, application: Application, *, member_ids: Collection[int]) -> bool:
    """Reads the messages meant for the lead municipality only (RP and lead staff)."""
    return is_rp(user) or is_lead(user, application, member_ids=member_ids)


def can_read_message(
    user,
    message: Message,
    *,
    member_ids: Collection[int],
    partner_ids: Collection[int],
) -> bool:
    """``message.application`` is loaded by the caller."""
    application = message.application
    if not can_read_thread(user, application, member_ids=member_ids, partner_ids=partner_ids):
        return False
    return message.audience == Audience.ALL or sees_lead_only(
        user, application, member_ids=member_ids
    )


def audience_choices(
    user,
    application: Application,
    *,
    member_ids: Collection[int],
    partner_ids: Collection[int],
) -> list[str]:
    """The audiences ``user`` may choose: RP and the lead choose between every participating
    municipality and the lead only when there are partners; partner staff write to everyone;
    without partners "everyone" is the lead. Empty: may not write."""
    if not can_write(user, application, member_ids=member_ids, partner_ids=partner_ids):
        return []
    if partner_ids and sees_lead_only(user, application, member_ids=member_ids):
        return [Audience.ALL, Audience.LEAD]
    return [Audience.ALL]
