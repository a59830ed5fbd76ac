"""Helpers shared by RP and jury pages: role decorators, messages from service errors, the
application's sub-navigation and the content shown to officers and reviewers."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import (
    Application,
    PartnerStatus,
)
from applications.progress import SECTION_ORDER, section_answers
from applications.selectors import attachments_by_kind, cost_lines_of
from reviews import permissions

PAGE_SIZE = 25


# Access -----------------------------------------------------------------------------------------
def _requires(allowed, refusal):
    """A view decorator: logged in (else to the login page) and ``allowed(user)`` (else 403
    with ``refusal``)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Case officer or admin.
rp_required = _requires(
    permissions.can_use_rp_pages,
    gettext_lazy("Diese Seite ist dem Regierungspräsidium vorbehalten."),
)


# Case officer.
manager_required = _requires(
    permissions.can_manage, gettext_lazy("Diesen Schritt kann nur die Sachbearbeitung ausführen.")
)


reviewer_required = _requires(
    lambda user: user.is_active and user.is_reviewer,
    gettext_lazy("Diese Seite ist der Jury vorbehalten."),
)


def _errors_to_messages(request, exc) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


def _application_nav(application, user, current: str) -> list[dict]:
    items = [("detail", _("Übersicht"))]
    if permissions.can_manage(user):
        items += [
            ("formal_check", _("Formale Prüfung")),
            ("assignments", _("Gutachten")),
            ("decision", _("Entscheidung")),
        ]
    return [
        {
            "url": reverse(f"reviews:{name}", args=[application.pk]),
            "label": label,
            "current": name == current,
        }
        for name, label in items
    ]


def _content_context(application: Application, *, attachment_url: str) -> dict:
    """The application's sections, partners, cost plan and attachments, read-only."""
    lines = list(cost_lines_of(application))
    return {
        "answers": section_answers(application),
        "partners": [p for p in application.partners.all() if p.status != PartnerStatus.DECLINED],
        "lines": lines,
        "totals": {
            "total_cost": application.total_cost,
            "own_funds": application.own_funds,
            "third_party_funds": application.third_party_funds,
            "requested_grant": application.requested_grant,
            "financing_gap": application.financing_gap,
            "max_grant": application.round.max_grant,
        },
        "attachments": attachments_by_kind(application),
        "attachment_url": attachment_url,
        "section_order": SECTION_ORDER,
    }


def _service_errors_to(form, exc: ValidationError) -> None:
    """Service keys: ``granted_amount``, ``message`` (the reason)."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            field = {"message": "reason"}.get(key, key)
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_service_errors(exc)
