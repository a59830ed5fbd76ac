"""The cost and financing plan step: lines added and removed without losing what was typed,
totals computed on the server."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from applications import selectors, services
from applications.forms import CostLineFormSet, FinancingForm
from applications.models import Application, Section

from .common import (
    _editable_application,
    _frozen_redirect,
    _may_edit,
    _next_section_url,
    _section_closed,
    _section_context,
    _visible_application,
)


def _totals(application: Application) -> dict:
    """The figures of the financing plan, all computed on the server."""
    return {
        "total_cost": application.total_cost,
        "own_funds": application.own_funds,
        "third_party_funds": application.third_party_funds,
        "requested_grant": application.requested_grant,
        "financing_gap": application.financing_gap,
        "max_grant": application.round.max_grant,
    }


def _cost_summary(application: Application, *, total, own, third, grant, has_lines: bool) -> dict:
    """Totals and the round's financing rules (the submission check's own functions) for the
    figures given: the saved ones, or the ones typed on the cost page before saving."""
    zero = Decimal("0.00")
    own, third, grant = own or zero, third or zero, grant or zero
    warnings: list[str] = []
    if has_lines or own or third or grant:  # an untouched plan gets no warnings yet
        errors = services.financing_errors(
            round_=application.round,
            total=total,
            own=own,
            third=third,
            grant=grant,
            has_lines=has_lines,
        )
        warnings = [text for texts in errors.values() for text in texts]
    return {
        "totals": {
            "total_cost": total,
            "own_funds": own,
            "third_party_funds": third,
            "requested_grant": grant,
            "financing_gap": total - own - third,
            "max_grant": application.round.max_grant,
        },
        "warnings": warnings,
    }


def _saved_cost_summary(application: Application) -> dict:
    return _cost_summary(
        application,
        total=application.total_cost,
        own=application.own_funds,
        third=application.third_party_funds,
        grant=application.requested_grant,
        has_lines=application.cost_lines.exists(),
    )


def _typed_cost_summary(application: Application, formset, financing) -> dict:
    """The summary of the figures as typed; values that are not valid numbers count as 0."""
    formset.is_valid()
    financing.is_valid()
    lines = [f for f in formset.forms if not f.is_blank()]
    typed = financing.cleaned_data
    return _cost_summary(
        application,
        total=sum((f.cleaned_data.get("amount") or Decimal("0.00") for f in lines), Decimal(0)),
        own=typed.get("own_funds"),
        third=typed.get("third_party_funds"),
        grant=typed.get("requested_grant"),
        has_lines=bool(lines),
    )


def _line_initial(application: Application) -> list[dict]:
    return [
        {
            "category": line.category_id,
            "description": line.description,
            "amount": line.amount,
            "budget_year": line.budget_year,
        }
        for line in selectors.cost_lines_of(application)
    ]


MAX_COST_LINES = 200


def _rebuild_lines_post(post, remove_index: int | None, add: bool):
    """The posted cost lines with one removed or one added, every other input kept as typed."""
    prefix = "lines"
    raw_total = (post.get(f"{prefix}-TOTAL_FORMS") or "").strip()
    total = max(0, min(int(raw_total) if raw_total.isdigit() else 0, MAX_COST_LINES))
    rows = []
    for i in range(total):
        if i == remove_index:
            continue
        rows.append(
            {
                name: post.get(f"{prefix}-{i}-{name}", "")
                for name in ("category", "description", "amount", "budget_year")
            }
        )
    if add:
        rows.append({"category": "", "description": "", "amount": "", "budget_year": ""})
    data = post.copy()
    for key in [k for k in data if k.startswith(f"{prefix}-")]:
        del data[key]
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{i}-{name}"] = value
    return data


@login_required
def cost_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The cost lines and the financing. Totals and the round's financing rules are shown
    under the form: for the saved plan, and (button "Summen prüfen", or htmx while typing)
    for the figures as typed, without saving."""
    section = Section.COST_PLAN
    application = _editable_application(request, pk, section)
    if not _may_edit(request, application, section):
        return _section_closed(request, application)
    categories = list(application.round.cost_categories.values_list("pk", "name"))
    form_kwargs = {"categories": categories}
    stale = False
    summary = None
    if request.method == "POST":
        remove = request.POST.get("remove_line")
        remove_index = int(remove) if remove and remove.isdigit() else None
        add = "add_line" in request.POST
        data = _rebuild_lines_post(request.POST, remove_index, add)
        formset = CostLineFormSet(data, prefix="lines", form_kwargs=form_kwargs)
        financing = FinancingForm(data)
        if "preview" in request.POST:
            summary = _typed_cost_summary(application, formset, financing)
            if request.headers.get("HX-Request"):
                return render(
                    request,
                    "applications/_cost_summary.html",
                    {"application": application, **summary},
                )
        elif formset.is_valid() and financing.is_valid():
            lines = [
                {**f.cleaned_data, "amount": f.cleaned_data.get("amount")}
                for f in formset.forms
                if not f.is_blank()
            ]
            try:
                services.cost_plan_save(
                    application=application,
                    user=request.user,
                    lines=lines,
                    own_funds=financing.cleaned_data.get("own_funds"),
                    third_party_funds=financing.cleaned_data.get("third_party_funds"),
                    requested_grant=financing.cleaned_data.get("requested_grant"),
                    expected_version=financing.cleaned_data["version"],
                )
            except services.StaleEditError as exc:
                stale = True
                financing.add_service_errors(exc)
            except services.ApplicationFrozenError as exc:
                return _frozen_redirect(request, application, exc)
            except ValidationError as exc:
                _attach_cost_errors(exc, formset, financing)
            else:
                here = reverse("applications:cost_plan", args=[pk])
                if add:
                    messages.success(request, _("Gespeichert. Eine neue Zeile wurde angefügt."))
                    # No fragment: Chromium ignores autofocus on a URL with one, and the
                    # focus belongs in the new line's first field (issue 16).
                    return redirect(here + "?neue_zeile=1")
                if remove_index is not None:
                    messages.success(
                        request, _("Die Zeile wurde entfernt und der Plan gespeichert.")
                    )
                    return redirect(here + "#zeilen")
                application = _visible_application(request, pk)
                if _saved_cost_summary(application)["warnings"]:
                    # Saved, but the plan breaks a rule of the round: say so here and now,
                    # not only on the check page.
                    messages.warning(
                        request,
                        _(
                            "Der Kosten- und Finanzierungsplan wurde gespeichert. Er erfüllt "
                            "noch nicht alle Regeln der Förderrunde; bitte beachten Sie die "
                            "Hinweise unter der Übersicht."
                        ),
                    )
                    return redirect(here + "#uebersicht")
                messages.success(request, _("Der Kosten- und Finanzierungsplan wurde gespeichert."))
                return redirect(_next_section_url(application, section))
        if summary is None:
            summary = _typed_cost_summary(application, formset, financing)
    else:
        initial = _line_initial(application)
        if not initial or request.GET.get("neue_zeile"):
            initial.append({})
        formset = CostLineFormSet(initial=initial, prefix="lines", form_kwargs=form_kwargs)
        if request.GET.get("neue_zeile") and formset.forms:
            _focus_first_field(formset.forms[-1])
        financing = FinancingForm(
            initial={
                "own_funds": application.own_funds,
                "third_party_funds": application.third_party_funds,
                "requested_grant": application.requested_grant,
                "version": application.version,
            }
        )
        summary = _saved_cost_summary(application)
    application.refresh_from_db()
    return render(
        request,
        "applications/cost_plan.html",
        _section_context(
            application,
            section,
            formset=formset,
            financing=financing,
            stale=stale,
            next_url=_next_section_url(application, section),
            **summary,
        ),
    )


def _focus_first_field(form) -> None:
    """The line just added gets the focus on its first field (after "Weitere Kostenposition
    hinzufügen"), so keyboard and screen-reader users continue there, not at the heading."""
    name = next((n for n, f in form.fields.items() if not f.widget.is_hidden), None)
    if name:
        form.fields[name].widget.attrs["autofocus"] = True


def _attach_cost_errors(exc: ValidationError, formset, financing) -> None:
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            financing.add_error(None, message)
        return
    for key, messages_ in exc.message_dict.items():
        if key.startswith("lines."):
            _, index, field = (key.split(".") + ["", ""])[:3]
            form = (
                formset.forms[int(index)]
                if index.isdigit() and int(index) < len(formset.forms)
                else None
            )
            for message in messages_:
                if form is not None and field in form.fields:
                    form.add_error(field, message)
                else:
                    financing.add_error(None, message)
        else:
            for message in messages_:
                financing.add_error(key if key in financing.fields else None, message)
