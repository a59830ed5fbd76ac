"""Writes of grants. Callers write ``services.grant_accept`` etc."""

from .changes import change_grant, change_refuse, change_request_create, change_withdraw
from .grants import (
    grant_accept,
    grant_close,
    grant_ensure,
    grant_refresh,
    grant_waive,
    grants_bind_due,
    grants_create_missing,
)
from .notices import notice_file, notice_lower_grant, notice_note
from .payments import (
    payment_approve,
    payment_mark_paid,
    payment_refuse,
    payment_request_create,
    payment_withdraw,
)
from .transitions import grant_object_transition, lock_grant, roles_of

__all__ = [
    "change_grant",
    "change_refuse",
    "change_request_create",
    "change_withdraw",
    "grant_accept",
    "grant_close",
    "grant_ensure",
    "grant_object_transition",
    "grant_refresh",
    "grant_waive",
    "grants_bind_due",
    "grants_create_missing",
    "lock_grant",
    "notice_file",
    "notice_lower_grant",
    "notice_note",
    "payment_approve",
    "payment_mark_paid",
    "payment_refuse",
    "payment_request_create",
    "payment_withdraw",
    "roles_of",
]
