"""What makes an application complete: the checks run before submission, the reference number."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.calls import attachment_errors, declaration_errors
from applications.eligibility import application_eligibility, frozen_round, municipality_label
from applications.models import (
    FINANCING_FIELDS,
    SECTION_FIELDS,
    Application,
    FundingRound,
    PartnerStatus,
    ReferenceCounter,
    Section,
)
from core.formatting import de_date
from questionnaires.answers import missing_answers
from questionnaires.selectors import question_set_questions

from .base import application_field
from .costs import cost_plan_errors
from .dates import project_date_errors, start_date_errors, submission_day

# Validation for submission --------------------------------------------------------------------
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    Section.APPLICANT: SECTION_FIELDS[Section.APPLICANT],
    Section.PROJECT: SECTION_FIELDS[Section.PROJECT],
}


FORMAT_CHECKED_FIELDS = ("postcode", "contact_email", "contact_phone", "iban")


# Which section an error key belongs to (for the "check your answers" page).
KEY_SECTIONS: dict[str, str] = {
    **{f: s for s, fields in SECTION_FIELDS.items() for f in fields},
    **dict.fromkeys(FINANCING_FIELDS, Section.COST_PLAN),
    "eligibility": Section.APPLICANT,
}


def section_of(key: str) -> str:
    """The Section value an error key of ``application_validate_for_submission`` belongs to."""
    if key.startswith("lines."):
        return Section.COST_PLAN
    if key.startswith("decl:"):
        return Section.DECLARATIONS
    return KEY_SECTIONS.get(key, key)


def application_validate_for_submission(
    application: Application, *, now: dt.datetime | None = None
) -> dict[str, list[str]]:
    """Everything that must hold before (re)submission, as ``{key: [German messages]}``.  Keys are
    model field names (``title``, ``iban`` …), ``decl:<key>`` for the round's declarations,
    ``lines.<i>.<field>`` for cost lines, or section names (``partners``, ``cost_plan``,
    ``attachments``) and ``eligibility``; ``section_of(key)`` maps a key to its section. Empty dict:
    complete. ``now``: the moment of submission (default: now); the planned start must not lie
    before its day (``submission_day``)."""
    app = application
    r = frozen_round(app)  # after a submission: the rules it was submitted under
    errors: dict[str, list[str]] = {}

    def add(key: str, text: str) -> None:
        errors.setdefault(key, []).append(text)

    # Required answers and formats.
    for fields in REQUIRED_FIELDS.values():
        for name in fields:
            value = getattr(app, name)
            if value in (None, "") or (isinstance(value, str) and not value.strip()):
                label = application_field(name).verbose_name
                add(name, _("Bitte füllen Sie „%(label)s“ aus.") % {"label": label})
    for name in FORMAT_CHECKED_FIELDS:
        value = getattr(app, name)
        if value:
            try:
                application_field(name).run_validators(value)
            except ValidationError as exc:
                for text in exc.messages:
                    add(name, text)
    for key, msgs in project_date_errors(app, r).items():
        for text in msgs:
            add(key, text)
    for key, msgs in start_date_errors(app, submission_day(app, now)).items():
        for text in msgs:
            add(key, text)

    # Answers to the question set (conditions applied: a hidden question is not required).
    kinds = list(app.attachments.values_list("kind", flat=True))
    questions = question_set_questions(app.question_set)
    for key, msgs in missing_answers(questions, app.answers or {}, kinds).items():
        for text in msgs:
            add(key, text)

    # Declarations (the round's own).
    for key, msgs in declaration_errors(app).items():
        for text in msgs:
            add(key, text)

    # Partners and eligibility.
    partners = list(
        app.partners.exclude(status=PartnerStatus.DECLINED).select_related("municipality")
    )
    for p in partners:
        if p.status != PartnerStatus.CONFIRMED:
            add(
                Section.PARTNERS,
                _("Die %(municipality)s hat die Partnerschaft noch nicht bestätigt.")
                % {"municipality": municipality_label(p.municipality)},
            )
    result = application_eligibility(app, [p.municipality for p in partners])
    if not result.eligible:
        key = Section.PARTNERS if result.mode != "not_eligible" else "eligibility"
        for text in result.problems or result.messages:
            add(key, text)

    # Cost plan.
    for key, msgs in cost_plan_errors(app).items():
        for text in msgs:
            add(key, text)

    # Attachments (the round's required kinds).
    for text in attachment_errors(app.round, kinds, len(partners)):
        add(Section.ATTACHMENTS, text)
    return errors


# The workflow ---------------------------------------------------------------------------------
def deadline_text(round_: FundingRound) -> str:
    local = timezone.localtime(round_.deadline)
    return _("%(date)s um %(time)s Uhr") % {"date": de_date(local), "time": f"{local:%H:%M}"}


def allocate_reference(round_: FundingRound) -> str:
    """Next number of the round, gapless: one statement creates or increments the round's
    counter row, which stays locked until the commit (a concurrent submission waits for it and
    then counts on from the committed number), and a rolled-back submission rolls the counter
    back too. Call it as late as possible in the transaction: the lock lasts until the end."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    round_column = connection.ops.quote_name(ReferenceCounter._meta.get_field("round").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({round_column}, last_number) VALUES (%s, 1) "  # noqa: S608 - names from _meta
            f"ON CONFLICT ({round_column}) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [round_.pk],
        )
        (number,) = cursor.fetchone()
    return f"{round_.reference_prefix}-{number:04d}"
