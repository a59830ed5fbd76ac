"""Every write to an application. Keyword-only, typed, transactional, German messages.

Conventions for callers (views, forms, commands):

* Services lock the application row (``select_for_update``) and re-read it; they return the
  fresh instance and also copy its field values onto the instance passed in.
* ``django.core.exceptions.ValidationError`` (German, ``message_dict`` keyed by model field or
  section name where it helps) for bad input and broken rules; its subclasses
  ``StaleEditError`` (someone else saved meanwhile), ``ApplicationFrozenError`` (content may
  not change in this status) and ``workflow.TransitionNotAllowed``.
* ``django.core.exceptions.PermissionDenied`` (German) when the person may not act for the
  application at all.
* ``ValueError`` for programming errors (unknown section or field names).
"""

from applications.workflow import TransitionNotAllowed

from .answers import ANSWERS_SECTION, application_answers_save, apply_answers, question_keys
from .base import (
    STALE_MESSAGE,
    ApplicationFrozenError,
    StaleEditError,
    check_version,
    lock_application,
    now_or,
    pk_of,
    record_event,
    require_editable,
    require_lead_staff,
    section_names,
    sync_instance,
    touch,
)
from .costs import MAX_AMOUNT, cost_plan_errors, cost_plan_save, financing_errors, parse_amount
from .dates import (
    duration_months,
    project_date_errors,
    project_end_bounds,
    start_date_errors,
    submission_day,
)
from .declarations import application_update_declarations
from .drafts import application_create, application_update_section
from .files import attachment_add, attachment_remove
from .item_requests import item_request_extend
from .partners import partner_add, partner_remove, partner_respond
from .submission import (
    FORMAT_CHECKED_FIELDS,
    KEY_SECTIONS,
    REQUIRED_FIELDS,
    allocate_reference,
    application_validate_for_submission,
    deadline_text,
    section_of,
)
from .transitions import (
    application_approve,
    application_reject,
    application_request_items,
    application_resubmit,
    application_submit,
    application_transition,
    application_withdraw,
    open_item_request_sections,
)

__all__ = [
    "ApplicationFrozenError",
    "FORMAT_CHECKED_FIELDS",
    "KEY_SECTIONS",
    "MAX_AMOUNT",
    "REQUIRED_FIELDS",
    "STALE_MESSAGE",
    "StaleEditError",
    "TransitionNotAllowed",
    "allocate_reference",
    "application_approve",
    "application_create",
    "application_reject",
    "application_request_items",
    "application_resubmit",
    "application_submit",
    "application_transition",
    "application_update_declarations",
    "application_update_section",
    "application_validate_for_submission",
    "application_withdraw",
    "attachment_add",
    "attachment_remove",
    "check_version",
    "cost_plan_errors",
    "cost_plan_save",
    "deadline_text",
    "duration_months",
    "financing_errors",
    "item_request_extend",
    "lock_application",
    "now_or",
    "open_item_request_sections",
    "parse_amount",
    "partner_add",
    "partner_remove",
    "partner_respond",
    "pk_of",
    "project_date_errors",
    "project_end_bounds",
    "record_event",
    "require_editable",
    "require_lead_staff",
    "section_names",
    "section_of",
    "ANSWERS_SECTION",
    "application_answers_save",
    "apply_answers",
    "question_keys",
    "start_date_errors",
    "submission_day",
    "sync_instance",
    "touch",
]
