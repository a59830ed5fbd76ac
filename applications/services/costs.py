"""The cost and financing plan: German amounts, cost lines, the plan's checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import (
    FINANCING_FIELDS,
    Application,
    CostCategory,
    CostLine,
    EventAction,
    FinancingType,
    FundingRound,
    Section,
)
from applications.workflow import Status
from core.formatting import de_amount, parse_german_decimal

from .base import (
    check_version,
    lock_application,
    record_event,
    require_editable,
    require_lead_staff,
    sync_instance,
    touch,
)

# Cost plan --------------------------------------------------------------------------------------
MAX_AMOUNT = Decimal("9999999999.99")


def parse_amount(value: Any) -> Decimal:
    """A money amount as Decimal: >= 0, at most two decimal places. German messages. Text is
    read like every form reads it (``parse_german_decimal``: "1.234" is 1234)."""
    if isinstance(value, float):
        value = Decimal(repr(value))  # a machine value: "1.005" is not German grouping here
    if isinstance(value, str) and value.replace("€", "").strip():
        value = parse_german_decimal(value)
        if value is None:
            raise ValidationError(_("Bitte geben Sie einen Betrag in Euro an."), code="invalid")
    elif isinstance(value, str):
        value = ""
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
    app = lock_application(application)
    require_lead_staff(user, app)
    require_editable(app, Section.COST_PLAN)
    check_version(app, expected_version)

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
        raw_year = line.get("budget_year")
        if raw_year is not None and raw_year != "":
            try:
                year = int(raw_year)
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
    touch(app, list(FINANCING_FIELDS))
    if app.status != Status.DRAFT:
        record_event(
            app,
            user,
            EventAction.COST_PLAN_UPDATED,
            data={
                "total_cost": app.total_cost,
                "lines": len(new_lines),
                **financing,
            },
        )
    sync_instance(application, app)
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
