"""Writes of grants. Callers write ``services.grant_accept`` etc."""

from .grants import (
    grant_accept,
    grant_close,
    grant_ensure,
    grant_refresh,
    grant_waive,
    grants_create_missing,
)
from .transitions import grant_object_transition, lock_grant, roles_of

__all__ = [
    "grant_accept",
    "grant_close",
    "grant_ensure",
    "grant_object_transition",
    "grant_refresh",
    "grant_waive",
    "grants_create_missing",
    "lock_grant",
    "roles_of",
]
