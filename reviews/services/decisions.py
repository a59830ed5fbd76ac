"""Ready for decision, approval and rejection: the review's rules around the workflow's actions."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.models import (
    Application,
)
from applications.services.base import lock_application, sync_instance
from applications.workflow import Action
from core.outbox import outbox_enqueue
from reviews.models import Assignment, AssignmentStatus, ReviewStatus

from .common import require_manager


# Decisions --------------------------------------------------------------------------------------
@transaction.atomic
def application_mark_ready(*, application: Application, user) -> Application:
    """In Bewertung -> Entscheidungsreif, once every active assignment has a final review and
    there is at least one."""
    require_manager(user)
    app = lock_application(application)
    active = list(
        Assignment.objects.filter(application=app, status=AssignmentStatus.ACTIVE)
        .select_related("reviewer", "review")
        .order_by("pk")
    )
    open_ = [
        a.reviewer.get_full_name()
        for a in active
        if not (hasattr(a, "review") and a.review.status == ReviewStatus.FINAL)
    ]
    if open_:
        raise ValidationError(
            _(
                "Noch nicht abgeschlossen sind die Bewertungen von: %(names)s. Warten Sie die "
                "Bewertungen ab oder beenden Sie die Zuweisung."
            )
            % {"names": ", ".join(open_)}
        )
    if not active:
        raise ValidationError(
            _(
                "Es liegt noch keine abgeschlossene Bewertung vor. Bitte weisen Sie "
                "Gutachterinnen oder Gutachter zu."
            )
        )
    app = application_services.application_transition(
        application=app, action=Action.MARK_READY, actor=user
    )
    sync_instance(application, app)
    return app


@transaction.atomic
def decision_approve(
    *,
    application: Application,
    user,
    granted_amount: Decimal,
    financing_adjustment: str = "",
    reason: str = "",
) -> Application:
    """Approve (granted amount > 0, at most the requested grant, the round's maximum and the
    gap of the financing plan). Below the gap ``financing_adjustment`` (``FinancingAdjustment``)
    says whether the eligible cost falls or the own funds rise; the balanced plan that results
    is stored with the decision. The Zuwendungsbescheid is rendered and mailed by a Celery task
    after the commit."""
    require_manager(user)
    app = application_services.application_approve(
        application=application,
        user=user,
        granted_amount=granted_amount,
        financing_adjustment=financing_adjustment,
        reason=reason,
    )
    # The letter is the documents app's: owed by task name, so reviews does not import it.
    outbox_enqueue("documents.render_decision_letter", app.pk)
    return app


@transaction.atomic
def decision_reject(*, application: Application, user, reason: str) -> Application:
    """Reject with a reason (required); the Ablehnungsbescheid follows after the commit."""
    require_manager(user)
    app = application_services.application_reject(application=application, user=user, reason=reason)
    outbox_enqueue("documents.render_decision_letter", app.pk)
    return app
