"""Creating an application and saving the text sections of a draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.eligibility import check_eligibility, municipality_label
from applications.models import (
    SECTION_FIELDS,
    Application,
    EventAction,
    FundingRound,
    ParticipationRole,
    RoundParticipation,
    Section,
)
from applications.search import search_vectors_affected, search_vectors_refresh
from applications.workflow import Status
from core.formatting import de_date
from core.validators import normalize_iban
from municipalities.models import Municipality
from municipalities.selectors import member_municipality_ids

from .answers import ANSWERS_SECTION, apply_answers, question_keys
from .base import (
    application_field,
    check_version,
    lock_application,
    now_or,
    record_event,
    require_editable,
    require_lead_staff,
    sync_instance,
    touch,
)
from .dates import project_date_errors
from .submission import deadline_text


# Creating an application ----------------------------------------------------------------------
@transaction.atomic
def application_create(
    *, round: FundingRound, municipality: Municipality, user, now: dt.datetime | None = None
) -> Application:
    """Start a draft for ``municipality`` in ``round``; takes the municipality's place in the
    round (RoundParticipation as lead)."""
    now = now_or(now)
    if not (
        user is not None
        and user.is_authenticated
        and user.is_municipal_staff
        and municipality.pk in member_municipality_ids(user)
    ):
        raise PermissionDenied(
            _("Sie sind nicht für die %(municipality)s im Portal freigeschaltet.")
            % {"municipality": municipality_label(municipality)}
        )
    if now < round.opens_at:
        raise ValidationError(
            _("Anträge in der Förderrunde „%(round)s“ können ab dem %(date)s gestellt werden.")
            % {"round": round.title, "date": de_date(timezone.localtime(round.opens_at))}
        )
    if now > round.deadline:
        raise ValidationError(
            _("Die Antragsfrist der Förderrunde „%(round)s“ ist am %(deadline)s abgelaufen.")
            % {"round": round.title, "deadline": deadline_text(round)}
        )
    result = check_eligibility(round=round, municipality=municipality)
    if not result.can_start:
        raise ValidationError(result.problems or result.messages)
    application = Application.objects.create(
        round=round,
        lead_municipality=municipality,
        status=Status.DRAFT,
        created_by=user,
        created_at=now,
        updated_at=now,
        postcode=municipality.postcode or "",
        city=municipality.name if municipality.postcode else "",
        contact_name=user.full_name,
        contact_email=user.email,
        question_set=round.question_set,
    )
    try:
        with transaction.atomic():
            RoundParticipation.objects.create(
                round=round,
                municipality=municipality,
                application=application,
                role=ParticipationRole.LEAD,
                created_at=now,
            )
    except IntegrityError:
        raise ValidationError(
            _(
                "%(municipality)s nimmt an der Förderrunde „%(round)s“ "
                "bereits teil. Je Förderrunde ist nur eine Beteiligung möglich."
            )
            % {"municipality": municipality_label(municipality), "round": round.title}
        ) from None
    search_vectors_refresh([application.pk])
    record_event(
        application,
        user,
        EventAction.CREATED,
        to_status=Status.DRAFT,
        data={"mode": str(result.mode)},
        now=now,
    )
    return application


# Sections -------------------------------------------------------------------------------------
_TRUE_STRINGS = {"1", "true", "on", "yes", "ja", "t"}


def _normalise(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.BooleanField):
        if isinstance(value, str):
            return value.strip().lower() in _TRUE_STRINGS
        return bool(value)
    if isinstance(field, models.DateField):
        return None if value in (None, "") else value
    if isinstance(field, models.CharField | models.TextField):
        value = "" if value is None else str(value).strip()
        if field.name == "iban":
            value = normalize_iban(value)
        return value
    return value


@transaction.atomic
def application_update_section(
    *,
    application: Application,
    user,
    section: str,
    data: Mapping[str, Any],
    expected_version: int,
) -> Application:
    """Save the plain fields of one section (applicant, project, declarations). Drafts accept
    incomplete data; values given must be well-formed. ``expected_version`` is the
    ``Application.version`` the form was loaded with."""
    try:
        section = Section(section)
    except ValueError:
        raise ValueError(f"Unknown section {section!r}") from None
    if section not in SECTION_FIELDS:
        raise ValueError(
            f"Section {section!r} has its own service (cost_plan_save, partner_add, attachment_add)"
        )
    app = lock_application(application)
    # The project section takes the answers to the question set too (answers.py).
    answer_keys = question_keys(app) if section == ANSWERS_SECTION else set()
    unknown = set(data) - set(SECTION_FIELDS[section]) - answer_keys
    if unknown:
        raise ValueError(f"Fields not in section {section!r}: {sorted(unknown)}")
    require_lead_staff(user, app)
    require_editable(app, section)
    check_version(app, expected_version)

    answer_data = {k: v for k, v in data.items() if k in answer_keys}
    fields = [name for name in data if name not in answer_keys]
    changed, errors = apply_answers(app, answer_data) if answer_data else ([], {})
    for name in fields:
        raw = data[name]
        field = application_field(name)
        try:
            value = field.clean(_normalise(field, raw), app)
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        if getattr(app, name) != value:
            changed.append(name)
        setattr(app, name, value)
    if section == Section.PROJECT:
        for key, msgs in project_date_errors(app).items():
            errors.setdefault(key, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    touch(app, [*fields, *(["answers"] if answer_data else [])])
    changed = [n for n in data if n in changed] + [n for n in changed if n not in data]
    if search_vectors_affected(changed) or (answer_data and changed):
        search_vectors_refresh([app.pk])
    if app.status != Status.DRAFT and changed:
        record_event(
            app,
            user,
            EventAction.SECTION_UPDATED,
            data={"section": str(section), "fields": changed},
        )
    sync_instance(application, app)
    return app
