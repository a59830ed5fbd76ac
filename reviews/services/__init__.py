"""Every write of the review app. Keyword-only, typed, transactional, German messages.

Status changes of an application always go through ``applications.services`` (and so through
the workflow table); this module adds the review's own rules around them and writes an
``ApplicationEvent`` (``internal=True``) for every change of its own objects.

Errors follow ``applications.services``: ``ValidationError`` (German; ``message_dict`` keyed by
form field where it helps) for bad input and broken rules, ``PermissionDenied`` when the person
may not act at all, ``ValueError`` for programming errors.
"""

from .assignments import (
    DistributionResult,
    assignment_create,
    assignment_declare,
    assignment_end,
    assignments_distribute,
)
from .checks import formal_check_record, formal_check_start, note_add
from .common import application_municipality_ids
from .decisions import application_mark_ready, decision_approve, decision_reject
from .scoring import SCORE_QUANTUM, review_finalize, review_reopen, review_save, weighted_score

__all__ = [
    "DistributionResult",
    "SCORE_QUANTUM",
    "application_mark_ready",
    "application_municipality_ids",
    "assignment_create",
    "assignment_declare",
    "assignment_end",
    "assignments_distribute",
    "decision_approve",
    "decision_reject",
    "formal_check_record",
    "formal_check_start",
    "note_add",
    "review_finalize",
    "review_reopen",
    "review_save",
    "weighted_score",
]
