"""Every write to a report. Keyword-only, transactional, German messages; the conventions of
``applications.services`` (ValidationError for bad input, PermissionDenied for the wrong
person, ``workflow.TransitionNotAllowed`` for the wrong status or role)."""

from reports.workflow import TransitionNotAllowed

from .base import lock_report, require_editable
from .drafts import (
    receipt_add,
    receipt_remove,
    report_attachment_add,
    report_attachment_remove,
    report_open,
    report_save_factual,
    report_save_numbers,
)
from .transitions import (
    default_payment_due_date,
    report_errors,
    report_request_items,
    report_resubmit,
    report_settle,
    report_start_check,
    report_submit,
    report_transition,
)

__all__ = [
    "TransitionNotAllowed",
    "default_payment_due_date",
    "lock_report",
    "receipt_add",
    "receipt_remove",
    "require_editable",
    "report_attachment_add",
    "report_attachment_remove",
    "report_errors",
    "report_open",
    "report_request_items",
    "report_resubmit",
    "report_save_factual",
    "report_save_numbers",
    "report_settle",
    "report_start_check",
    "report_submit",
    "report_transition",
]
