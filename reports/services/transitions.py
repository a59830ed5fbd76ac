"""Status changes of a report: the one transition service that reads ``reports.workflow``,
its hooks, and the named actions (submit, start the check, request items, resubmit, settle)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.services.base import now_or
from applications.services.costs import parse_amount
from core.outbox import outbox_enqueue
from core.validators import normalize_iban, validate_iban
from municipalities.selectors import member_municipality_ids
from reports import grant_facts, permissions, selectors, workflow
from reports.models import (
    Report,
    ReportAttachmentKind,
    ReportItemRequest,
    ReportKind,
    ReportPart,
    ReportSettlement,
    SettlementResult,
    event_for,
)
from reports.workflow import ReportAction, TransitionNotAllowed

from .base import lock_report, report_event, require_checker, sync_report

Hook = Callable[..., tuple[list[str], dict[str, Any]]]


# Completeness -----------------------------------------------------------------------------------
def report_errors(report: Report) -> dict[str, list[str]]:
    """What is missing before the report can be submitted, keyed by ``ReportPart``."""
    errors: dict[str, list[str]] = {}

    def add(part, message):
        errors.setdefault(part, []).append(str(message))

    final = report.kind == ReportKind.FINAL
    if not report.activities:
        add(ReportPart.FACTUAL, _("Bitte beschreiben Sie, was getan wurde."))
    if final:
        if not report.participants:
            add(ReportPart.FACTUAL, _("Bitte beschreiben Sie, wer mitgewirkt hat."))
        if not report.strategy:
            add(ReportPart.FACTUAL, _("Bitte beschreiben Sie die entstandene Strategie."))
        if report.council_adopted is None:
            add(
                ReportPart.FACTUAL,
                _("Bitte geben Sie an, ob die Gemeindevertretung die Strategie beschlossen hat."),
            )
        elif report.council_adopted and not report.council_date:
            add(ReportPart.FACTUAL, _("Bitte geben Sie das Datum des Beschlusses an."))
    if report.own_funds is None:
        add(ReportPart.NUMBERS, _("Bitte geben Sie die tatsächlichen Eigenmittel an (auch 0)."))
    if report.third_party_funds is None:
        add(
            ReportPart.NUMBERS,
            _("Bitte geben Sie die tatsächlich erhaltenen Drittmittel an (auch 0)."),
        )
    if report.receipts_required:
        if not report.receipt_lines.exists():
            add(ReportPart.RECEIPTS, _("Die Belegliste enthält noch keinen Beleg."))
    else:
        planned = selectors.planned_by_category(report.grant.application, report.budget_year)
        entered = set(report.cost_lines.values_list("category_id", flat=True))
        missing = [name for pk, name, amount in planned if amount and pk not in entered]
        if missing:
            add(
                ReportPart.NUMBERS,
                _("Bitte geben Sie die tatsächlichen Ausgaben an für: %(names)s (auch 0).")
                % {"names": ", ".join(missing)},
            )
    if final:
        kinds = set(report.attachments.values_list("kind", flat=True))
        if ReportAttachmentKind.STRATEGY not in kinds:
            add(ReportPart.ATTACHMENTS, _("Bitte laden Sie das Strategiedokument hoch."))
        if report.council_adopted and ReportAttachmentKind.COUNCIL_RESOLUTION not in kinds:
            add(
                ReportPart.ATTACHMENTS,
                _("Bitte laden Sie den Beschluss der Gemeindevertretung hoch."),
            )
    return errors


# Hooks ------------------------------------------------------------------------------------------
def _filed(report: Report, actor, now) -> list[str]:
    errors = report_errors(report)
    if errors:
        raise ValidationError(errors)
    report.submitted_at = now
    report.submitted_by = actor
    report.submissions += 1
    return ["submitted_at", "submitted_by", "submissions"]


def _before_submit(report, actor, message, data, now):
    fields = _filed(report, actor, now)
    report.grant_received = grant_facts.paid_total(report.grant, budget_year=report.budget_year)
    return [*fields, "grant_received"], {"grant_received": str(report.grant_received)}


def _before_request_items(report, actor, message, data, now):
    parts = list(dict.fromkeys((data or {}).get("parts") or []))
    if not parts or any(p not in ReportPart.values for p in parts):
        raise ValidationError(
            {"parts": [_("Bitte wählen Sie mindestens einen Teil, der ergänzt werden soll.")]}
        )
    due = (data or {}).get("due_date")
    if isinstance(due, str) and due:
        due = dt.date.fromisoformat(due)
    if not due:
        raise ValidationError({"due_date": [_("Bitte setzen Sie eine Frist.")]})
    if due < timezone.localdate(now):
        raise ValidationError(
            {"due_date": [_("Die Frist darf nicht in der Vergangenheit liegen.")]}
        )
    request = ReportItemRequest.objects.create(
        report=report,
        parts=parts,
        message=message,
        due_date=due,
        created_by=actor,
        created_at=now,
    )
    return [], {"parts": parts, "due_date": due.isoformat(), "item_request": request.pk}


def _before_resubmit(report, actor, message, data, now):
    fields = _filed(report, actor, now)
    request = report.open_item_request()
    if request is not None:
        request.answer = message
        request.resolved_at = now
        request.save(update_fields=["answer", "resolved_at"])
    return fields, {"item_request": request.pk if request else None}


def _before_settle(report, actor, message, data, now):
    settlement = (data or {}).get("settlement")
    if not isinstance(settlement, ReportSettlement):
        raise ValueError("Settle through report_settle")
    settlement.save(force_insert=True)
    if settlement.result == SettlementResult.REPAYMENT:
        outbox_enqueue("documents.render_repayment_letter", report.pk)
    return [], {
        "result": settlement.result,
        "repayment": str(settlement.repayment),
        "grant_justified": str(settlement.grant_justified),
        "settlement": settlement.pk,
    }


_HOOKS: dict[str, Hook] = {
    ReportAction.SUBMIT: _before_submit,
    ReportAction.REQUEST_ITEMS: _before_request_items,
    ReportAction.RESUBMIT: _before_resubmit,
    ReportAction.CONFIRM: _before_settle,
    ReportAction.CLAIM_REPAYMENT: _before_settle,
}

_MESSAGE_REQUIRED_TEXT = {
    ReportAction.REQUEST_ITEMS: gettext_lazy(
        "Bitte beschreiben Sie, welche Angaben oder Unterlagen fehlen."
    ),
}
# Events the municipality does not see (the check in progress is RP's own work).
_INTERNAL = frozenset({ReportAction.START_CHECK})


@transaction.atomic
def report_transition(
    *,
    report: Report | int,
    action: str,
    actor,
    message: str = "",
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """The one way to change ``Report.status``: lock the row, look up (status, action) in
    ``workflow.TRANSITIONS``, check the actor's role, run the action's rules, save with
    ``update_fields`` and write an event row on the application's timeline."""
    now = now_or(now)
    locked = lock_report(report)
    try:
        action = ReportAction(action)
    except ValueError:
        raise TransitionNotAllowed(
            _("Die Aktion „%(action)s“ gibt es nicht.") % {"action": action}, code="state"
        ) from None
    transition = workflow.get_transition(locked.status, action)
    if transition is None:
        raise TransitionNotAllowed(
            _("„%(action)s“ ist im Status „%(status)s“ nicht möglich.")
            % {"action": action.label, "status": workflow.status_label(locked.status)},
            code="state",
        )
    application = locked.grant.application
    roles = permissions.report_roles(actor, application, member_ids=member_municipality_ids(actor))
    if not transition.roles & roles:
        raise TransitionNotAllowed(
            _("Sie sind nicht berechtigt, diesen Schritt auszuführen („%(action)s“).")
            % {"action": action.label},
            code="role",
        )
    message = (message or "").strip()
    if action in workflow.MESSAGE_REQUIRED and not message:
        raise ValidationError({"message": [str(_MESSAGE_REQUIRED_TEXT[action])]})
    hook = _HOOKS.get(action)
    fields, extra = hook(locked, actor, message, data, now) if hook else ([], {})
    from_status = locked.status
    locked.status = transition.target
    locked.updated_at = now
    locked.save(update_fields=[*dict.fromkeys(fields), "status", "updated_at"])
    if action in (ReportAction.SUBMIT, ReportAction.RESUBMIT):
        outbox_enqueue("documents.render_report", locked.pk)
    report_event(
        locked,
        actor,
        event_for(action),
        message=message if action in workflow.MESSAGE_REQUIRED else "",
        data={"from": from_status, "to": locked.status, **extra},
        internal=action in _INTERNAL,
        now=now,
    )
    sync_report(report if isinstance(report, Report) else None, locked)
    return locked


# Named actions ----------------------------------------------------------------------------------
def report_submit(*, report: Report, user, now=None) -> Report:
    return report_transition(report=report, action=ReportAction.SUBMIT, actor=user, now=now)


def report_start_check(*, report: Report, user, now=None) -> Report:
    return report_transition(report=report, action=ReportAction.START_CHECK, actor=user, now=now)


def report_request_items(
    *, report: Report, user, parts, message: str, due_date: dt.date | None, now=None
) -> Report:
    return report_transition(
        report=report,
        action=ReportAction.REQUEST_ITEMS,
        actor=user,
        message=message,
        data={"parts": list(parts), "due_date": due_date},
        now=now,
    )


def report_resubmit(*, report: Report, user, answer: str = "", now=None) -> Report:
    """Answer a Nachforderung: the report is checked again for completeness and goes back to
    RP's check."""
    return report_transition(
        report=report, action=ReportAction.RESUBMIT, actor=user, message=answer, now=now
    )


def default_payment_due_date(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=settings.WIR_REPAYMENT_DAYS)


@transaction.atomic
def report_settle(
    *,
    report: Report,
    user,
    formal_ok: bool,
    content_ok: bool,
    not_recognised=Decimal("0"),
    not_recognised_reason: str = "",
    notes: str = "",
    payment_due_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ReportSettlement:
    """Close RP's check of a report with the result the portal computes: confirmed, or a
    Rückforderung of the grant not covered under Fehlbedarfsfinanzierung
    (``reports.settlement``). Both checks (formal, by content) must be done."""
    require_checker(user)
    now = now_or(now)
    locked = lock_report(report)
    errors: dict[str, list[str]] = {}
    if not formal_ok or not content_ok:
        errors["formal_ok"] = [
            _("Bitte bestätigen Sie, dass der Nachweis formal und inhaltlich geprüft ist.")
        ]
    try:
        deduction = parse_amount(not_recognised if not_recognised not in (None, "") else "0")
    except ValidationError as exc:
        errors["not_recognised"] = exc.messages
        deduction = Decimal("0")
    reason = (not_recognised_reason or "").strip()
    if deduction and not reason:
        errors["not_recognised_reason"] = [
            _("Bitte begründen Sie, welche Ausgaben nicht anerkannt werden.")
        ]
    table = selectors.report_comparison(locked)
    if deduction > table.actual_total:
        errors["not_recognised"] = [
            _("Es können nicht mehr Ausgaben abgezogen werden, als nachgewiesen sind.")
        ]
    if errors:
        raise ValidationError(errors)
    computed = selectors.report_settlement_preview(locked, not_recognised=deduction, table=table)
    repayment = computed.repayment
    today = timezone.localdate(now)
    if repayment:
        payment_due_date = payment_due_date or default_payment_due_date(today)
        if payment_due_date < today:
            raise ValidationError(
                {
                    "payment_due_date": [
                        _("Die Zahlungsfrist darf nicht in der Vergangenheit liegen.")
                    ]
                }
            )
    account = settings.WIR_REPAYMENT_ACCOUNT
    iban = normalize_iban(account.get("iban", ""))
    if repayment:
        validate_iban(iban)
    settlement = ReportSettlement(
        report=locked,
        result=SettlementResult.REPAYMENT if repayment else SettlementResult.CONFIRMED,
        formal_ok=True,
        content_ok=True,
        notes=(notes or "").strip(),
        granted_amount=computed.granted_amount,
        actual_cost=computed.actual_cost,
        not_recognised=computed.not_recognised,
        not_recognised_reason=reason,
        own_funds=computed.own_funds,
        third_party_funds=computed.third_party_funds,
        grant_received=computed.grant_received,
        grant_justified=computed.grant_justified,
        repayment=repayment,
        payment_due_date=payment_due_date if repayment else None,
        account_holder=account.get("holder", "") if repayment else "",
        iban=iban if repayment else "",
        payment_reference=(
            f"{locked.grant.application.reference} Rueckforderung {locked}"[:140]
            if repayment
            else ""
        ),
        settled_by=user,
        settled_at=now,
    )
    action = ReportAction.CLAIM_REPAYMENT if repayment else ReportAction.CONFIRM
    report_transition(
        report=locked, action=action, actor=user, data={"settlement": settlement}, now=now
    )
    sync_report(report, locked)
    return settlement
