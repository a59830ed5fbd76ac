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

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.outbox import outbox_enqueue
from municipalities.models import Municipality

from . import permissions, workflow
from .eligibility import (
    application_eligibility,
    check_eligibility,
    check_partner,
    de_amount,
    de_date,
    de_number,
    freeze_figures,
    frozen_round,
    municipality_label,
)
from .financing import approved_plan
from .models import (
    FINANCING_FIELDS,
    SECTION_FIELDS,
    Application,
    ApplicationEvent,
    ApplicationPartner,
    Attachment,
    AttachmentKind,
    CostCategory,
    CostLine,
    DocumentKind,
    EventAction,
    FinancingType,
    FundingRound,
    GeneratedDocument,
    ItemRequest,
    ParticipationRole,
    PartnerStatus,
    ReferenceCounter,
    RoundParticipation,
    Section,
)
from .snapshots import content_snapshot
from .validators import normalize_iban, validate_upload
from .workflow import Action, Status, TransitionNotAllowed

logger = logging.getLogger(__name__)

__all__ = [
    "ApplicationFrozenError",
    "StaleEditError",
    "TransitionNotAllowed",
    "application_approve",
    "application_create",
    "application_reject",
    "application_request_items",
    "application_resubmit",
    "application_submit",
    "application_transition",
    "application_update_section",
    "application_validate_for_submission",
    "application_withdraw",
    "attachment_add",
    "attachment_remove",
    "cost_plan_save",
    "document_store",
    "partner_add",
    "partner_remove",
    "partner_respond",
]

STALE_MESSAGE = gettext_lazy(
    "Dieser Antrag wurde inzwischen an anderer Stelle geändert (zum Beispiel von einer "
    "Kollegin oder einem Kollegen oder in einem anderen Browserfenster). Bitte laden Sie die "
    "Seite neu, prüfen Sie die aktuellen Angaben und speichern Sie Ihre Änderungen erneut."
)


class StaleEditError(ValidationError):
    """The application changed since the form was loaded (optimistic concurrency)."""

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message, code="stale")


class ApplicationFrozenError(ValidationError):
    """The content may not change in the application's status (or outside the sections a
    Nachforderung reopened)."""

    def __init__(self, message: str):
        super().__init__(message, code="frozen")


# Helpers ----------------------------------------------------------------------------------------
def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


def _lock(application: Application | int) -> Application:
    """The application row, locked until the end of the transaction (only this row)."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "lead_municipality")
        .get(pk=_pk(application))
    )


def _sync(target: Application | None, source: Application) -> None:
    """Copy field values of the fresh instance onto the caller's instance."""
    if target is None or target is source or isinstance(target, int):
        return
    for f in Application._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _event(
    application: Application,
    actor,
    action: str,
    *,
    message: str = "",
    data: Mapping[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    internal: bool = False,
    now: dt.datetime | None = None,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        message=message,
        data=dict(data or {}),
        from_status=from_status,
        to_status=to_status,
        internal=internal,
        created_at=_now(now),
    )


def _touch(
    application: Application,
    fields: Sequence[str],
    now: dt.datetime | None = None,
    *,
    bump: bool = True,
) -> None:
    """Save ``fields`` and ``updated_at``; bump the version for changes of content (sections,
    cost plan) and status. Partner answers and attachments do not bump it: they cannot
    overwrite what someone types in a form, so they must not make that form stale."""
    if bump:
        application.version += 1
    application.updated_at = _now(now)
    extra = ["version", "updated_at"] if bump else ["updated_at"]
    application.save(update_fields=[*dict.fromkeys(fields), *extra])


def _require_lead_staff(user, application: Application) -> None:
    if not (
        user is not None
        and user.is_authenticated
        and user.is_municipal_staff
        and permissions.is_lead_staff(user, application)
    ):
        raise PermissionDenied(
            _(
                "Sie können nur Anträge einer Kommune bearbeiten, für die Sie im Portal "
                "freigeschaltet sind."
            )
        )


def _section_names(sections) -> str:
    return ", ".join(str(Section(s).label) for s in sections)


def _require_editable(application: Application, section: str) -> None:
    """Raise ApplicationFrozenError unless ``section`` may change in the current status."""
    if application.status == Status.DRAFT:
        return
    if application.status == Status.MISSING_ITEMS:
        request = application.open_item_request()
        if request and section in request.sections:
            return
        allowed = _section_names(request.sections) if request else ""
        raise ApplicationFrozenError(
            _(
                "Im Rahmen der Nachforderung können nur die angeforderten Abschnitte geändert "
                "werden (%(allowed)s). Der Abschnitt „%(section)s“ gehört nicht dazu."
            )
            % {"allowed": allowed, "section": Section(section).label}
        )
    raise ApplicationFrozenError(
        _(
            "Der Antrag hat den Status „%(status)s“; "
            "seine Angaben können nicht mehr geändert werden."
        )
        % {"status": workflow.status_label(application.status)}
    )


def _check_version(application: Application, expected_version: int) -> None:
    if int(expected_version) != application.version:
        raise StaleEditError()


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def duration_months(start: dt.date, end: dt.date) -> int:
    """Months from ``start`` to ``end`` inclusive, a started month counting as a whole one:
    01.01.2020–31.12.2020 is 12, 01.01.2020–01.01.2021 is 13."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    while months > 0 and _add_months(start, months) > after:
        months -= 1
    if _add_months(start, months) < after:
        months += 1
    return months


def project_end_bounds(start: dt.date, round_: FundingRound) -> tuple[dt.date, dt.date]:
    """The earliest and the latest planned end of a project starting on ``start``.

    A project of *n* months runs from its first day up to the day before the same calendar day
    *n* months later: 01.01.2030–31.01.2030 is one month, 01.01.2030–30.06.2031 is 18 months,
    15.01.–14.02. is one month (a shorter month is clamped: 31.01. + 1 month is 28./29.02.).
    The minimum and the maximum of the round are measured the same way, so a project lasts at
    least ``duration_min_months`` (end >= start + min months − 1 day) and at most
    ``duration_max_months`` (end <= start + max months − 1 day). One day or two weeks are not
    a month; 18 months and a day are more than 18."""
    one_day = dt.timedelta(days=1)
    earliest = _add_months(start, round_.duration_min_months) - one_day
    latest = _add_months(start, round_.duration_max_months) - one_day
    return earliest, latest


def _months_text(n: int) -> str:
    return ngettext("%(count)s Monat", "%(count)s Monaten", n) % {"count": n}


def _project_date_errors(application: Application, round_=None) -> dict[str, list[str]]:
    start, end = application.start_date, application.end_date
    r = round_ or application.round
    if not (start and end):
        return {}
    if end < start:
        return {"end_date": [_("Das geplante Ende muss nach dem geplanten Beginn liegen.")]}
    earliest, latest = project_end_bounds(start, r)
    period = {"start": de_date(start), "end": de_date(end)}
    if end < earliest:
        return {
            "end_date": [
                _(
                    "Die geplante Laufzeit (%(start)s bis %(end)s) ist kürzer als die "
                    "Mindestlaufzeit von %(months)s in dieser Förderrunde. Das Vorhaben "
                    "muss frühestens am %(date)s enden."
                )
                % {
                    **period,
                    "months": _months_text(r.duration_min_months),
                    "date": de_date(earliest),
                }
            ]
        }
    if end > latest:
        return {
            "end_date": [
                _(
                    "Die geplante Laufzeit (%(start)s bis %(end)s) ist länger als die "
                    "Höchstlaufzeit von %(months)s in dieser Förderrunde. Das Vorhaben "
                    "muss spätestens am %(date)s enden."
                )
                % {
                    **period,
                    "months": _months_text(r.duration_max_months),
                    "date": de_date(latest),
                }
            ]
        }
    return {}


def submission_day(application: Application, now: dt.datetime | None = None) -> dt.date:
    """The day (Europe/Berlin) an application counts as submitted: its ``submitted_at`` once
    it was submitted (an answer to a Nachforderung keeps that day), else the day of ``now``."""
    moment = application.submitted_at or _now(now)
    return timezone.localdate(moment)


def _start_date_errors(application: Application, day: dt.date) -> dict[str, list[str]]:
    """The project must not have begun when the application is submitted (the declaration
    "Mit dem Vorhaben wurde noch nicht begonnen."): a planned start before the submission day
    contradicts it. Starting on the submission day itself is allowed."""
    start = application.start_date
    if start is None or start >= day:
        return {}
    return {
        "start_date": [
            _(
                "Der geplante Beginn (%(start)s) liegt vor dem Tag der Einreichung "
                "(%(day)s). Ein Vorhaben, mit dem noch nicht begonnen wurde, kann frühestens "
                "am Tag der Einreichung beginnen. Bitte geben Sie einen Beginn ab dem "
                "%(day)s an."
            )
            % {"start": de_date(start), "day": de_date(day)}
        ]
    }


# Creating an application ----------------------------------------------------------------------
@transaction.atomic
def application_create(
    *, round: FundingRound, municipality: Municipality, user, now: dt.datetime | None = None
) -> Application:
    """Start a draft for ``municipality`` in ``round``; takes the municipality's place in the
    round (RoundParticipation as lead)."""
    now = _now(now)
    if not (
        user is not None
        and user.is_authenticated
        and user.is_municipal_staff
        and municipality.pk in permissions.municipality_ids(user)
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
            % {"round": round.title, "deadline": _deadline_text(round)}
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
    _event(
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
    unknown = set(data) - set(SECTION_FIELDS[section])
    if unknown:
        raise ValueError(f"Fields not in section {section!r}: {sorted(unknown)}")

    app = _lock(application)
    _require_lead_staff(user, app)
    _require_editable(app, section)
    _check_version(app, expected_version)

    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    for name, raw in data.items():
        field = Application._meta.get_field(name)
        try:
            value = field.clean(_normalise(field, raw), app)
        except ValidationError as exc:
            errors[name] = exc.messages
            continue
        if getattr(app, name) != value:
            changed.append(name)
        setattr(app, name, value)
    if section == Section.PROJECT:
        for key, msgs in _project_date_errors(app).items():
            errors.setdefault(key, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    _touch(app, list(data))
    if app.status != Status.DRAFT and changed:
        _event(
            app,
            user,
            EventAction.SECTION_UPDATED,
            data={"section": str(section), "fields": changed},
        )
    _sync(application, app)
    return app


# Cost plan --------------------------------------------------------------------------------------
MAX_AMOUNT = Decimal("9999999999.99")


def parse_amount(value: Any) -> Decimal:
    """A money amount as Decimal: >= 0, at most two decimal places. German messages."""
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace("€", "").replace(" ", "")
        if "," in value:  # German input: 1.234,56
            value = value.replace(".", "").replace(",", ".")
    if value in (None, ""):
        raise ValidationError(_("Bitte geben Sie einen Betrag an."), code="required")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(
            _("Bitte geben Sie einen Betrag in Euro an."), code="invalid"
        ) from None
    if not amount.is_finite():
        raise ValidationError(_("Bitte geben Sie einen Betrag in Euro an."), code="invalid")
    if amount < 0:
        raise ValidationError(_("Beträge dürfen nicht negativ sein."), code="negative")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            _("Beträge haben höchstens zwei Nachkommastellen (Cent)."), code="decimals"
        )
    if amount > MAX_AMOUNT:
        raise ValidationError(_("Der Betrag ist zu groß."), code="too_large")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def cost_plan_save(
    *,
    application: Application,
    user,
    lines: Sequence[Mapping[str, Any]],
    own_funds: Any,
    third_party_funds: Any,
    requested_grant: Any,
    expected_version: int,
) -> Application:
    """Replace all cost lines and the financing figures at once (the form posts them together).

    Each line: ``{"category": CostCategory | id, "description": str, "amount": Decimal | str,
    "budget_year": int}``; lines with neither category, description nor amount are skipped.
    Errors are keyed ``lines.<index>.<field>`` and by financing field name."""
    app = _lock(application)
    _require_lead_staff(user, app)
    _require_editable(app, Section.COST_PLAN)
    _check_version(app, expected_version)

    categories = {c.pk: c for c in CostCategory.objects.filter(round_id=app.round_id)}
    errors: dict[str, list[str]] = {}
    new_lines: list[CostLine] = []
    for index, line in enumerate(lines):
        raw_cat = line.get("category")
        description = str(line.get("description") or "").strip()
        raw_amount = line.get("amount")
        if raw_cat in (None, "") and not description and raw_amount in (None, ""):
            continue
        key = f"lines.{index}"
        # A draft line may lack its category, amount or year (submission asks for them);
        # only a value that is given and malformed is refused.
        category = None
        if raw_cat not in (None, ""):
            try:
                category = categories[int(getattr(raw_cat, "pk", raw_cat))]
            except (KeyError, TypeError, ValueError):
                errors[f"{key}.category"] = [
                    _("Bitte wählen Sie eine Kostenart dieser Förderrunde.")
                ]
        if len(description) > 300:
            errors[f"{key}.description"] = [
                _("Die Beschreibung ist zu lang (höchstens 300 Zeichen).")
            ]
        amount = None
        if raw_amount not in (None, ""):
            try:
                amount = parse_amount(raw_amount)
            except ValidationError as exc:
                errors[f"{key}.amount"] = exc.messages
        year = None
        if line.get("budget_year") not in (None, ""):
            try:
                year = int(line.get("budget_year"))
                if not 2000 <= year <= 2100:
                    raise ValueError
            except (TypeError, ValueError):
                errors[f"{key}.budget_year"] = [
                    _("Bitte geben Sie das Haushaltsjahr an, z. B. 2020.")
                ]
                year = None
        new_lines.append(
            CostLine(
                application=app,
                category=category,
                description=description,
                amount=amount,
                budget_year=year,
                position=len(new_lines),
            )
        )
    financing = {}
    for name, raw in zip(
        FINANCING_FIELDS, (own_funds, third_party_funds, requested_grant), strict=True
    ):
        try:
            financing[name] = parse_amount("0" if raw in (None, "") else raw)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)

    CostLine.objects.filter(application=app).delete()
    CostLine.objects.bulk_create(new_lines)
    for name, value in financing.items():
        setattr(app, name, value)
    _touch(app, list(FINANCING_FIELDS))
    if app.status != Status.DRAFT:
        _event(
            app,
            user,
            EventAction.COST_PLAN_UPDATED,
            data={
                "total_cost": app.total_cost,
                "lines": len(new_lines),
                **financing,
            },
        )
    _sync(application, app)
    return app


def cost_plan_errors(application: Application) -> dict[str, list[str]]:
    """The financing rules of the round, applied to the saved cost plan."""
    r = application.round
    errors: dict[str, list[str]] = {}

    def add(key: str, text: str) -> None:
        errors.setdefault(key, []).append(text)

    lines = list(application.cost_lines.select_related("category"))
    if not lines:
        add(Section.COST_PLAN, _("Bitte geben Sie mindestens eine Kostenposition an."))
    years = None
    if application.start_date and application.end_date:
        years = (application.start_date.year, application.end_date.year)
    for i, line in enumerate(lines):
        if line.category is None or line.category.round_id != r.pk:
            add(f"lines.{i}.category", _("Bitte wählen Sie eine Kostenart dieser Förderrunde."))
        if line.amount is None:
            add(f"lines.{i}.amount", _("Bitte geben Sie den Betrag der Kostenposition an."))
        elif line.amount < 0 or line.amount != line.amount.quantize(Decimal("0.01")):
            add(
                f"lines.{i}.amount",
                _("Beträge sind nicht negativ und haben höchstens zwei Nachkommastellen."),
            )
        if not line.description:
            add(f"lines.{i}.description", _("Bitte beschreiben Sie die Kostenposition."))
        if line.budget_year is None:
            add(f"lines.{i}.budget_year", _("Bitte geben Sie das Haushaltsjahr an, z. B. 2020."))
        elif years and not years[0] <= line.budget_year <= years[1]:
            add(
                f"lines.{i}.budget_year",
                _("Das Haushaltsjahr %(year)s liegt außerhalb der Laufzeit (%(first)s–%(last)s).")
                % {"year": line.budget_year, "first": years[0], "last": years[1]},
            )
    total = sum((line.amount or Decimal("0.00") for line in lines), Decimal("0.00"))
    financing = financing_errors(
        round_=r,
        total=total,
        own=application.own_funds,
        third=application.third_party_funds,
        grant=application.requested_grant,
        has_lines=bool(lines),
    )
    for key, texts in financing.items():
        for text in texts:
            add(key, text)
    return errors


def financing_errors(
    *,
    round_: FundingRound,
    total: Decimal,
    own: Decimal,
    third: Decimal,
    grant: Decimal,
    has_lines: bool,
) -> dict[str, list[str]]:
    """The round's rules for the financing figures: the grant within the round's maximum and
    the gap (or the total cost), the plan balanced. Used by the submission check (saved plan)
    and by the cost page (the figures as typed, before saving)."""
    r = round_
    errors: dict[str, list[str]] = {}

    def add(key: str, text: str) -> None:
        errors.setdefault(key, []).append(text)

    for name, value in zip(FINANCING_FIELDS, (own, third, grant), strict=True):
        if value < 0 or value != value.quantize(Decimal("0.01")):
            add(name, _("Beträge sind nicht negativ und haben höchstens zwei Nachkommastellen."))
    if grant <= 0:
        add("requested_grant", _("Bitte geben Sie die beantragte Zuwendung an."))
    if grant > r.max_grant:
        add(
            "requested_grant",
            _(
                "Die beantragte Zuwendung (%(grant)s) übersteigt den Höchstbetrag der "
                "Förderrunde (%(max_grant)s)."
            )
            % {"grant": de_amount(grant), "max_grant": de_amount(r.max_grant)},
        )
    if has_lines and total <= 0:
        add(Section.COST_PLAN, _("Die Gesamtkosten müssen größer als 0 € sein."))
    gap = total - own - third
    if r.financing_type == FinancingType.FEHLBEDARF and grant > gap:
        add(
            "requested_grant",
            _(
                "Bei Fehlbedarfsfinanzierung deckt die Zuwendung höchstens den Fehlbedarf: "
                "Gesamtkosten %(total)s abzüglich Eigenmittel %(own)s und "
                "Drittmittel %(third)s ergeben %(gap)s; "
                "beantragt sind %(grant)s."
            )
            % {
                "total": de_amount(total),
                "own": de_amount(own),
                "third": de_amount(third),
                "gap": de_amount(max(gap, Decimal(0))),
                "grant": de_amount(grant),
            },
        )
    elif grant > total:
        add(
            "requested_grant",
            _("Die beantragte Zuwendung (%(grant)s) übersteigt die Gesamtkosten (%(total)s).")
            % {"grant": de_amount(grant), "total": de_amount(total)},
        )
    financed = own + third + grant
    if has_lines and total > 0 and financed < total:
        add(
            Section.COST_PLAN,
            _(
                "Der Finanzierungsplan ist nicht ausgeglichen: Den Gesamtkosten von "
                "%(total)s stehen Eigenmittel, Drittmittel und Zuwendung von zusammen "
                "%(financed)s gegenüber; es fehlen %(missing)s."
            )
            % {
                "total": de_amount(total),
                "financed": de_amount(financed),
                "missing": de_amount(total - financed),
            },
        )
    elif has_lines and total > 0 and financed > total and not errors.get("requested_grant"):
        add(
            Section.COST_PLAN,
            _(
                "Der Finanzierungsplan ist nicht ausgeglichen: Eigenmittel, Drittmittel und "
                "Zuwendung (%(financed)s) übersteigen die Gesamtkosten (%(total)s)."
            )
            % {"financed": de_amount(financed), "total": de_amount(total)},
        )
    return errors


# Partners -------------------------------------------------------------------------------------
def _joint_problems(app: Application, *, adding: int = 1) -> list[str]:
    r = app.round
    lead = app.lead_municipality
    if not r.joint_allowed:
        return [_("In dieser Förderrunde sind gemeinsame Anträge nicht vorgesehen.")]
    if lead.population >= r.population_lower and not r.lead_between_bounds_may_be_joint:
        return [
            _(
                "%(municipality)s kann in dieser Förderrunde allein einen Antrag stellen; "
                "einen gemeinsamen Antrag führen nur Kommunen mit weniger als "
                "%(population)s Einwohnerinnen und Einwohnern."
            )
            % {
                "municipality": municipality_label(lead),
                "population": de_number(r.population_lower),
            }
        ]
    current = app.partners.exclude(status=PartnerStatus.DECLINED).count()
    if current + adding > r.joint_max_partners:
        return [
            _("Ein gemeinsamer Antrag kann höchstens %(count)s Partnerkommunen umfassen.")
            % {"count": r.joint_max_partners}
        ]
    return []


@transaction.atomic
def partner_add(
    *, application: Application, user, municipality: Municipality
) -> ApplicationPartner:
    """Name ``municipality`` as partner (pending until its staff confirm). The partner's place
    in the round is taken at once (RoundParticipation as partner) and freed when it declines
    or is removed."""
    app = _lock(application)
    _require_lead_staff(user, app)
    _require_editable(app, Section.PARTNERS)
    existing = ApplicationPartner.objects.filter(application=app, municipality=municipality).first()
    if existing and existing.status != PartnerStatus.DECLINED:
        raise ValidationError(
            _("%(municipality)s ist bereits als Partnerkommune angegeben.")
            % {"municipality": municipality_label(municipality)}
        )
    problems = _joint_problems(app) + check_partner(
        app.round, municipality, lead=app.lead_municipality, application=app
    )
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    if existing:
        partner = existing
        partner.status = PartnerStatus.PENDING
        partner.added_by, partner.added_at = user, now
        partner.decided_by, partner.decided_at = None, None
        partner.save()
    else:
        partner = ApplicationPartner.objects.create(
            application=app, municipality=municipality, added_by=user, added_at=now
        )
    try:
        with transaction.atomic():
            RoundParticipation.objects.create(
                round=app.round,
                municipality=municipality,
                application=app,
                role=ParticipationRole.PARTNER,
                created_at=now,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(municipality)s nimmt an der Förderrunde bereits teil.")
            % {"municipality": municipality_label(municipality)}
        ) from None
    _touch(app, [], now, bump=False)
    _event(
        app,
        user,
        EventAction.PARTNER_ADDED,
        data={"municipality": municipality.pk, "name": municipality.name},
        now=now,
    )
    outbox_enqueue("applications.notify_partner_added", partner.pk)
    _sync(application, app)
    return partner


def _free_participation(partner: ApplicationPartner) -> None:
    RoundParticipation.objects.filter(
        application_id=partner.application_id,
        municipality_id=partner.municipality_id,
        role=ParticipationRole.PARTNER,
    ).delete()


@transaction.atomic
def partner_remove(*, partner: ApplicationPartner, user) -> None:
    """The lead removes a partner (draft, or a Nachforderung reopening the partners)."""
    app = _lock(partner.application_id)
    _require_lead_staff(user, app)
    _require_editable(app, Section.PARTNERS)
    partner = ApplicationPartner.objects.select_related("municipality").get(pk=partner.pk)
    _free_participation(partner)
    partner.delete()
    _touch(app, [], bump=False)
    _event(
        app,
        user,
        EventAction.PARTNER_REMOVED,
        data={"municipality": partner.municipality_id, "name": partner.municipality.name},
    )


@transaction.atomic
def partner_respond(
    *, partner: ApplicationPartner, user, confirm: bool, message: str = ""
) -> ApplicationPartner:
    """The partner municipality's staff confirm or decline (or withdraw a confirmation before
    submission). Declining frees the municipality's place in the round."""
    app = _lock(partner.application_id)
    partner = ApplicationPartner.objects.select_related("municipality").get(pk=partner.pk)
    partner.application = app
    if not permissions.can_respond_as_partner(user, partner):
        if partner.municipality_id not in permissions.municipality_ids(user):
            raise PermissionDenied(
                _(
                    "Nur Beschäftigte der %(municipality)s können "
                    "diese Partnerschaft bestätigen oder ablehnen."
                )
                % {"municipality": municipality_label(partner.municipality)}
            )
        raise ApplicationFrozenError(
            _("Die Partnerschaft kann in diesem Stand des Antrags nicht mehr geändert werden.")
        )
    target = PartnerStatus.CONFIRMED if confirm else PartnerStatus.DECLINED
    if partner.status == target:
        return partner
    now = timezone.now()
    partner.status = target
    partner.decided_by, partner.decided_at = user, now
    partner.save(update_fields=["status", "decided_by", "decided_at"])
    if not confirm:
        _free_participation(partner)
    _touch(app, [], now, bump=False)
    _event(
        app,
        user,
        EventAction.PARTNER_CONFIRMED if confirm else EventAction.PARTNER_DECLINED,
        message=message,
        data={"municipality": partner.municipality_id, "name": partner.municipality.name},
        now=now,
    )
    return partner


# Attachments ----------------------------------------------------------------------------------
@transaction.atomic
def attachment_add(*, application: Application, user, kind: str, uploaded_file) -> Attachment:
    """Store an uploaded file, recognised by its content (PDF, DOCX, XLSX, ODT, ODS, JPEG,
    PNG), at most ``settings.WIR_UPLOAD_MAX_BYTES``."""
    app = _lock(application)
    _require_lead_staff(user, app)
    _require_editable(app, Section.ATTACHMENTS)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("Bitte wählen Sie die Art der Anlage.")]})
    try:
        checked = validate_upload(uploaded_file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    now = timezone.now()
    attachment = Attachment(
        application=app,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
        uploaded_at=now,
    )
    uploaded_file.seek(0)
    attachment.file.save(checked.original_name, uploaded_file, save=False)
    try:
        attachment.save()
        _touch(app, [], now, bump=False)
        _event(
            app,
            user,
            EventAction.ATTACHMENT_ADDED,
            data={
                "attachment": attachment.pk,
                "kind": kind,
                "name": attachment.original_name,
                "sha256": attachment.sha256,
                "size": attachment.size,
            },
            now=now,
        )
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    _sync(application, app)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user) -> None:
    """Remove an attachment (draft, or a Nachforderung reopening the attachments). The file
    is deleted from storage after the commit."""
    app = _lock(attachment.application_id)
    _require_lead_staff(user, app)
    _require_editable(app, Section.ATTACHMENTS)
    attachment = Attachment.objects.get(pk=attachment.pk)
    storage, name = attachment.file.storage, attachment.file.name
    data = {
        "attachment": attachment.pk,
        "kind": attachment.kind,
        "name": attachment.original_name,
        "sha256": attachment.sha256,
    }
    attachment.delete()
    _touch(app, [], bump=False)
    _event(app, user, EventAction.ATTACHMENT_REMOVED, data=data)
    transaction.on_commit(lambda: storage.delete(name), robust=True)


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
    return KEY_SECTIONS.get(key, key)


def application_validate_for_submission(
    application: Application, *, now: dt.datetime | None = None
) -> dict[str, list[str]]:
    """Everything that must hold before (re)submission, as ``{key: [German messages]}``.

    Keys are model field names (``title``, ``iban``, ``decl_anbest_gk`` …), ``lines.<i>.<field>``
    for cost lines, or section names (``partners``, ``cost_plan``, ``attachments``) and
    ``eligibility``; ``section_of(key)`` maps a key to its section. Empty dict: complete.
    ``now``: the moment of submission (default: now); the planned start must not lie before
    its day (``submission_day``)."""
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
                label = Application._meta.get_field(name).verbose_name
                add(name, _("Bitte füllen Sie „%(label)s“ aus.") % {"label": label})
    for name in FORMAT_CHECKED_FIELDS:
        value = getattr(app, name)
        if value:
            try:
                Application._meta.get_field(name).run_validators(value)
            except ValidationError as exc:
                for text in exc.messages:
                    add(name, text)
    for key, msgs in _project_date_errors(app, r).items():
        for text in msgs:
            add(key, text)
    for key, msgs in _start_date_errors(app, submission_day(app, now)).items():
        for text in msgs:
            add(key, text)

    # Declarations.
    for name in SECTION_FIELDS[Section.DECLARATIONS]:
        if not getattr(app, name):
            label = Application._meta.get_field(name).verbose_name
            add(name, _("Bitte bestätigen Sie: %(label)s") % {"label": label})

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

    # Attachments.
    kinds = list(app.attachments.values_list("kind", flat=True))
    for kind in r.required_attachment_kinds:
        if kind == AttachmentKind.LETTER_OF_INTENT:
            if partners and kinds.count(kind) < len(partners):
                add(
                    Section.ATTACHMENTS,
                    _(
                        "Bitte laden Sie für jede Partnerkommune eine Absichtserklärung hoch "
                        "(%(required)s erforderlich, %(present)s vorhanden)."
                    )
                    % {"required": len(partners), "present": kinds.count(kind)},
                )
        elif kind not in kinds:
            add(
                Section.ATTACHMENTS,
                _("Bitte laden Sie die Anlage „%(kind)s“ hoch.")
                % {"kind": AttachmentKind(kind).label},
            )
    return errors


# The workflow ---------------------------------------------------------------------------------
def _deadline_text(round_: FundingRound) -> str:
    local = timezone.localtime(round_.deadline)
    return _("%(date)s um %(time)s Uhr") % {"date": de_date(local), "time": f"{local:%H:%M}"}


def _allocate_reference(round_: FundingRound) -> str:
    """Next number of the round, gapless: the counter row is locked until commit, and a
    rolled-back submission rolls the counter back too."""
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(round=round_, last_number=0)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(round=round_)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{round_.reference_prefix}-{counter.last_number:04d}"


Hook = Callable[..., tuple[list[str], dict[str, Any]]]


def _before_submit(app, actor, message, data, now):
    r = app.round
    if now > r.deadline:
        raise ValidationError(
            _(
                "Die Antragsfrist der Förderrunde „%(round)s“ ist am %(deadline)s "
                "abgelaufen. Der Antrag wurde nicht eingereicht; Ihr Entwurf bleibt gespeichert."
            )
            % {"round": r.title, "deadline": _deadline_text(r)},
            code="deadline",
        )
    if now < r.opens_at:
        raise ValidationError(
            _(
                "Anträge in der Förderrunde „%(round)s“ können erst ab dem %(date)s "
                "eingereicht werden."
            )
            % {"round": r.title, "date": de_date(timezone.localtime(r.opens_at))},
            code="not_open",
        )
    errors = application_validate_for_submission(app, now=now)
    if errors:
        raise ValidationError(errors)
    app.reference = _allocate_reference(r)
    app.submitted_at = now
    app.submission_rules = freeze_figures(r, _taking_part(app))
    return ["reference", "submitted_at", "submission_rules"], {
        "reference": app.reference,
        "content": content_snapshot(app),
    }


def _taking_part(app: Application) -> list[Municipality]:
    partners = app.partners.exclude(status=PartnerStatus.DECLINED).select_related("municipality")
    return [app.lead_municipality, *(p.municipality for p in partners)]


def _before_request_items(app, actor, message, data, now):
    sections = list(dict.fromkeys((data or {}).get("sections") or []))
    if not sections or any(s not in Section.values for s in sections):
        raise ValidationError(
            {
                "sections": [
                    _("Bitte wählen Sie mindestens einen Abschnitt, der ergänzt werden soll.")
                ]
            }
        )
    due = (data or {}).get("due_date")
    if isinstance(due, str) and due:
        due = dt.date.fromisoformat(due)
    if due and due < timezone.localdate(now):
        raise ValidationError(
            {"due_date": [_("Die Frist darf nicht in der Vergangenheit liegen.")]}
        )
    ItemRequest.objects.create(
        application=app,
        sections=sections,
        message=message,
        due_date=due or None,
        created_by=actor,
        created_at=now,
    )
    # The content as the case officer saw it, to show what the answer changed.
    return [], {"sections": sections, "due_date": due or None, "content": content_snapshot(app)}


def _before_resubmit(app, actor, message, data, now):
    errors = application_validate_for_submission(app)
    if errors:
        raise ValidationError(errors)
    open_requests = ItemRequest.objects.filter(application=app, resolved_at__isnull=True)
    request_ids = list(open_requests.values_list("pk", flat=True))
    resolved = open_requests.update(resolved_at=now)
    # Keeps the rules and figures of the submission; partners added since are frozen now.
    app.submission_rules = freeze_figures(app.round, _taking_part(app), app.submission_rules)
    return ["submission_rules"], {
        "resolved_item_requests": resolved,
        "item_request_ids": request_ids,
        "content": content_snapshot(app),
    }


def _before_approve(app, actor, message, data, now):
    raw = (data or {}).get("granted_amount")
    try:
        amount = parse_amount(raw)
    except ValidationError as exc:
        raise ValidationError({"granted_amount": exc.messages}) from None
    limit = min(app.requested_grant, app.round.max_grant)
    if amount <= 0 or amount > limit:
        raise ValidationError(
            {
                "granted_amount": [
                    _(
                        "Der bewilligte Betrag muss größer als 0 € sein und darf die beantragte "
                        "Zuwendung und den Höchstbetrag der Förderrunde (%(limit)s) "
                        "nicht übersteigen."
                    )
                    % {"limit": de_amount(limit)}
                ]
            }
        )
    plan = approved_plan(
        total_cost=app.total_cost,
        own_funds=app.own_funds,
        third_party_funds=app.third_party_funds,
        grant=amount,
        adjustment=(data or {}).get("financing_adjustment"),
    )
    app.granted_amount = plan.grant
    app.approved_total_cost = plan.total_cost
    app.approved_own_funds = plan.own_funds
    app.approved_third_party_funds = plan.third_party_funds
    app.financing_adjustment = plan.adjustment
    app.decided_at = now
    app.decision_reason = message
    fields = [
        "granted_amount", "approved_total_cost", "approved_own_funds",
        "approved_third_party_funds", "financing_adjustment", "decided_at", "decision_reason",
    ]  # fmt: skip
    return fields, {
        "granted_amount": amount,
        "financing_adjustment": plan.adjustment,
        "approved_plan": {
            "total_cost": str(plan.total_cost),
            "own_funds": str(plan.own_funds),
            "third_party_funds": str(plan.third_party_funds),
            "grant": str(plan.grant),
        },
    }


def _before_reject(app, actor, message, data, now):
    app.decided_at = now
    app.decision_reason = message
    return ["decided_at", "decision_reason"], {}


def _before_withdraw(app, actor, message, data, now):
    freed = RoundParticipation.objects.filter(application=app).delete()[0]
    ItemRequest.objects.filter(application=app, resolved_at__isnull=True).update(resolved_at=now)
    return [], {"freed_participations": freed}


_HOOKS: dict[str, Hook] = {
    Action.SUBMIT: _before_submit,
    Action.REQUEST_ITEMS: _before_request_items,
    Action.RESUBMIT: _before_resubmit,
    Action.APPROVE: _before_approve,
    Action.REJECT: _before_reject,
    Action.WITHDRAW: _before_withdraw,
}

_MESSAGE_REQUIRED_TEXT = {
    Action.REQUEST_ITEMS: gettext_lazy(
        "Bitte beschreiben Sie, welche Angaben oder Unterlagen fehlen."
    ),
    Action.REJECT: gettext_lazy("Bitte begründen Sie die Ablehnung."),
}


@transaction.atomic
def application_transition(
    *,
    application: Application | None = None,
    application_id: int | None = None,
    action: str,
    actor,
    message: str = "",
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
    arrived_at: dt.datetime | None = None,
) -> Application:
    """The one way to change ``Application.status``: lock the row, look up (status, action)
    in ``workflow.TRANSITIONS``, check the actor's role for this application, run the
    action's own rules, save with ``update_fields`` and write an ApplicationEvent.

    Raises ``TransitionNotAllowed`` (wrong status or role) or ``ValidationError`` (the
    action's rules). ``data``: ``request_items`` takes ``sections`` (Section values) and
    ``due_date``; ``approve`` takes ``granted_amount``. ``message`` is the reason, required
    for ``request_items`` and ``reject``.

    ``arrived_at``: when the request asking for this step reached the portal
    (``middleware.arrival_time``). The action's own rules (the submission deadline, the day of
    submission) are judged at that moment, not when the request is processed after waiting for
    locks; it is also the ``submitted_at`` of a submission. It can only move the moment back,
    never past ``now``; the event row keeps the processing time and records the arrival."""
    if (application is None) == (application_id is None):
        raise ValueError("Pass exactly one of application, application_id")
    now = _now(now)
    moment = min(arrived_at, now) if arrived_at is not None else now
    app = _lock(application if application is not None else application_id)
    try:
        action = Action(action)
    except ValueError:
        raise TransitionNotAllowed(
            _("Die Aktion „%(action)s“ gibt es nicht.") % {"action": action}, code="state"
        ) from None
    transition = workflow.get_transition(app.status, action)
    if transition is None:
        raise TransitionNotAllowed(
            _("„%(action)s“ ist im Status „%(status)s“ nicht möglich.")
            % {"action": action.label, "status": workflow.status_label(app.status)},
            code="state",
        )
    if not transition.roles & permissions.workflow_roles(actor, app):
        raise TransitionNotAllowed(
            _("Sie sind nicht berechtigt, diesen Schritt auszuführen („%(action)s“).")
            % {"action": action.label},
            code="role",
        )
    message = (message or "").strip()
    if action in workflow.MESSAGE_REQUIRED and not message:
        raise ValidationError({"message": [_MESSAGE_REQUIRED_TEXT[action]]})

    hook = _HOOKS.get(action)
    fields, event_data = hook(app, actor, message, data, moment) if hook else ([], {})
    if arrived_at is not None:
        event_data = {**event_data, "arrived_at": moment}
    from_status = app.status
    app.status = transition.target
    _touch(app, ["status", *fields], now)
    _event(
        app,
        actor,
        action,
        message=message,
        data={**dict(data or {}), **event_data},
        from_status=from_status,
        to_status=transition.target,
        now=now,
    )
    if application is not None:
        _sync(application, app)
    return app


@transaction.atomic
def application_submit(
    *,
    application: Application,
    user,
    now: dt.datetime | None = None,
    arrived_at: dt.datetime | None = None,
):
    """Submit a draft: server-side deadline check (``round.deadline``, inclusive), complete
    validation, reference number ``<prefix>-NNNN``, ``submitted_at``, status via the workflow;
    the Eingangsbestätigung is owed in the same transaction (outbox) and rendered by a task
    after the commit, even if the queue is down at that moment. A second call for an application
    already submitted returns it unchanged (double clicks).

    ``arrived_at`` (views pass ``middleware.arrival_time(request)``): a submission that reached
    the portal before the deadline is accepted even when it is processed after it, e.g. after
    waiting for the row locks of a rush of submissions; its ``submitted_at`` is the arrival."""
    app = _lock(application)
    if app.status != Status.DRAFT and app.reference and app.submitted_at:
        _sync(application, app)
        return app
    app = application_transition(
        application=app, action=Action.SUBMIT, actor=user, now=now, arrived_at=arrived_at
    )
    outbox_enqueue("applications.render_receipt", app.pk)
    _sync(application, app)
    return app


@transaction.atomic
def application_resubmit(*, application: Application, user, message: str = "") -> Application:
    """Answer a Nachforderung: checks completeness again, closes the item request and freezes
    the answered content in the event (the officer sees what changed). After the commit a
    new Eingangsbestätigung (Nachreichung) is rendered beside the first one and the case
    officer who asked (or every case officer) is told by e-mail."""
    app = application_transition(
        application=application, action=Action.RESUBMIT, actor=user, message=message
    )
    event = app.events.filter(action=Action.RESUBMIT).latest("created_at", "pk")
    outbox_enqueue("applications.render_receipt", app.pk)
    outbox_enqueue("applications.notify_resubmission", event.pk)
    return app


def application_withdraw(*, application: Application, user, reason: str = "") -> Application:
    """Withdraw (the view asks for confirmation first); frees the places in the round."""
    return application_transition(
        application=application, action=Action.WITHDRAW, actor=user, message=reason
    )


def application_request_items(
    *,
    application: Application,
    user,
    sections: Sequence[str],
    message: str,
    due_date: dt.date | None = None,
) -> Application:
    """Nachforderung by the case officer: reopens ``sections`` for the applicant."""
    return application_transition(
        application=application,
        action=Action.REQUEST_ITEMS,
        actor=user,
        message=message,
        data={"sections": list(sections), "due_date": due_date},
    )


def application_approve(
    *,
    application: Application,
    user,
    granted_amount: Decimal,
    financing_adjustment: str = "",
    reason: str = "",
) -> Application:
    """Approve ``granted_amount``; below the requested gap ``financing_adjustment`` says how
    the approved financing plan balances (``financing.FinancingAdjustment``)."""
    return application_transition(
        application=application,
        action=Action.APPROVE,
        actor=user,
        message=reason,
        data={"granted_amount": granted_amount, "financing_adjustment": financing_adjustment},
    )


def application_reject(*, application: Application, user, reason: str) -> Application:
    return application_transition(
        application=application, action=Action.REJECT, actor=user, message=reason
    )


def open_item_request_sections(application: Application) -> list[str]:
    request = ItemRequest.objects.filter(
        Q(application=application) & Q(resolved_at__isnull=True)
    ).first()
    return list(request.sections) if request else []


# Generated documents ----------------------------------------------------------------------------
@transaction.atomic
def document_store(
    *, application_id: int, kind: str, content: bytes, filename: str, version: int = 1
) -> GeneratedDocument:
    """Store a generated PDF (receipt, decision letter) for an application, idempotently: the
    same content again changes nothing, new content replaces the old file of the same
    ``version`` (other versions stay). For tasks that may run twice."""
    import hashlib

    from django.core.files.base import ContentFile

    if kind not in DocumentKind.values:
        raise ValueError(f"Unknown document kind {kind!r}")
    _lock(application_id)  # one writer per application at a time
    digest = hashlib.sha256(content).hexdigest()
    document = GeneratedDocument.objects.filter(
        application_id=application_id, kind=kind, version=version
    ).first()
    if document and document.sha256 == digest and document.filename == filename:
        return document
    old_name = document.file.name if document else None
    document = document or GeneratedDocument(
        application_id=application_id, kind=kind, version=version
    )
    document.file.save(filename, ContentFile(content), save=False)
    document.filename = filename
    document.size = len(content)
    document.sha256 = digest
    document.created_at = timezone.now()
    document.save()
    if old_name and old_name != document.file.name:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_name), robust=True)
    return document
