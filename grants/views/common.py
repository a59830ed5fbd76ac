"""Helpers of the grant pages: the application and its grant for this person, messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy

from applications import selectors as application_selectors
from applications import workflow as application_workflow
from applications.models import Application
from applications.workflow import APPLICANT
from grants import permissions, services
from grants.models import Grant
from municipalities.selectors import member_municipality_ids

QUEUE_REFUSAL = gettext_lazy("Diese Seite ist dem Regierungspräsidium vorbehalten.")
DECIDE_REFUSAL = gettext_lazy("Diesen Schritt kann nur die Sachbearbeitung ausführen.")


def application_and_grant(request: HttpRequest, pk: int) -> tuple[Application, Grant, set]:
    """The granted application the user may see (else 404), its grant (created on first need)
    and the user's memberships."""
    application = application_selectors.application_get(user=request.user, pk=pk)
    if not application_workflow.in_state(application.status, "granted"):
        raise Http404
    grant = services.grant_ensure(application)
    grant.application = application
    return application, grant, set(member_municipality_ids(request.user))


APPLICANT_REFUSAL = gettext_lazy(
    "Diesen Schritt kann nur die Zuwendungsempfängerin (die antragstellende Kommune) ausführen."
)


def require_applicant(request: HttpRequest, application: Application, members) -> None:
    """The municipality's forms and steps: lead staff only (the table says which step when)."""
    if APPLICANT not in permissions.roles(request.user, application, member_ids=members):
        raise PermissionDenied(APPLICANT_REFUSAL)


def require_queue_user(request: HttpRequest) -> None:
    if not permissions.can_use_queues(request.user):
        raise PermissionDenied(QUEUE_REFUSAL)


def show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)
