"""Status changes: the one transition service that reads the workflow table, its hooks, and
the named actions built on it (submit, resubmit, withdraw, request items, approve, reject)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import permissions, workflow
from applications.eligibility import freeze_figures
from applications.financing import approved_plan
from applications.models import Application, ItemRequest, PartnerStatus, RoundParticipation, Section
from applications.search import search_vectors_affected, search_vectors_refresh
from applications.snapshots import content_snapshot
from applications.workflow import Action, Status, TransitionNotAllowed
from core.formatting import de_amount, de_date
from core.outbox import outbox_enqueue
from municipalities.models import Municipality
from municipalities.selectors import member_municipality_ids
from questionnaires.services import question_set_freeze

from .base import lock_application, now_or, record_event, sync_instance, touch
from .costs import parse_amount
from .submission import allocate_reference, application_validate_for_submission, deadline_text

Hook = Callable[..., tuple[list[str], dict[str, Any]]]


def _before_submit(app, actor, message, data, now):
    r = app.round
    if now > r.deadline:
        raise ValidationError(
            _(
                "Die Antragsfrist der Förderrunde „%(round)s“ ist am %(deadline)s "
                "abgelaufen. Der Antrag wurde nicht eingereicht; Ihr Entwurf bleibt gespeichert."
            )
            % {"round": r.title, "deadline": deadline_text(r)},
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
    app.submitted_at = now
    app.submission_rules = freeze_figures(r, _taking_part(app))
    content = content_snapshot(app)
    question_set_freeze(app.question_set, now=now)  # answered under it: it may not change
    # Last: the round's counter row stays locked until the commit (numbers without gaps), so
    # everything slow happens before it; after it only the writes of the step are left.
    app.reference = allocate_reference(r)
    return ["reference", "submitted_at", "submission_rules"], {
        "reference": app.reference,
        "content": content,
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
    # A rejection from a Nachforderung closes it: nothing is owed any more.
    ItemRequest.objects.filter(application=app, resolved_at__isnull=True).update(resolved_at=now)
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
    locked: bool = False,
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
    never past ``now``; the event row keeps the processing time and records the arrival.

    ``locked``: ``application`` was read by ``lock_application`` in the caller's transaction
    (which holds the row lock), so it is not read again."""
    if (application is None) == (application_id is None):
        raise ValueError("Pass exactly one of application, application_id")
    now = now_or(now)
    moment = min(arrived_at, now) if arrived_at is not None else now
    if locked and application is not None:
        app = application
    else:
        app = lock_application(
            application if application is not None else cast(int, application_id)
        )
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
    roles = permissions.workflow_roles(actor, app, member_ids=member_municipality_ids(actor))
    if not transition.roles & roles:
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
    touch(app, ["status", *fields], now)
    if search_vectors_affected(fields):  # the reference, at submission
        search_vectors_refresh([app.pk])
    record_event(
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
        sync_instance(application, app)
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
    app = lock_application(application)
    if app.status != Status.DRAFT and app.reference and app.submitted_at:
        sync_instance(application, app)
        return app
    # Owed before the step, not after it: the step takes the round's reference counter, whose
    # lock lasts until the commit. A refused submission rolls this row back with the rest.
    outbox_enqueue("documents.render_receipt", app.pk)
    app = application_transition(
        application=app,
        action=Action.SUBMIT,
        actor=user,
        now=now,
        arrived_at=arrived_at,
        locked=True,
    )
    sync_instance(application, app)
    return app


@transaction.atomic
def application_resubmit(*, application: Application, user, message: str = "") -> Application:
    """Answer a Nachforderung: checks completeness again, closes the item request and freezes
    the answered content in the event (the officer sees what changed). After the commit a
    new Eingangsbestätigung (Nachreichung) is rendered beside the first one and the case
    officer who asked (or every case officer) is notified (the event's listener,
    ``notifications``)."""
    app = application_transition(
        application=application, action=Action.RESUBMIT, actor=user, message=message
    )
    outbox_enqueue("documents.render_receipt", app.pk)
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
