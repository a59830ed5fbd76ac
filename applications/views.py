"""Pages of municipal staff: eligibility, the form in steps, check and submit, status page,
partner confirmation, downloads. Views parse input and call services; no rules live here."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from municipalities.models import Municipality
from wir_portal.forms import clean_text

from . import permissions, selectors, services
from .eligibility import application_eligibility, check_eligibility
from .forms import (
    AttachmentForm,
    ConfirmForm,
    CostLineFormSet,
    FinancingForm,
    PartnerAddForm,
    ResubmitForm,
    SectionForm,
    kreis_label,
)
from .middleware import arrival_time
from .models import (
    SECTION_FIELDS,
    Application,
    ApplicationPartner,
    Attachment,
    AttachmentKind,
    DocumentKind,
    FundingRound,
    GeneratedDocument,
    PartnerStatus,
    RoundParticipation,
    Section,
)
from .progress import COMPLETE, SECTION_ORDER, section_answers, section_states
from .workflow import Action, Status

# Helpers ---


def _visible_application(request: HttpRequest, pk: int) -> Application:
    """The application if the user may see it, else 404 (never reveal that it exists)."""
    return get_object_or_404(
        Application.objects.visible_to(request.user).with_related().with_totals(), pk=pk
    )


def _editable_application(request: HttpRequest, pk: int, section: str) -> Application:
    application = _visible_application(request, pk)
    if not permissions.is_lead_staff(request.user, application):
        raise PermissionDenied(_("Nur die antragstellende Kommune kann den Antrag bearbeiten."))
    return application


def _frozen_redirect(request, application, exc):
    _show_errors(request, exc)
    return redirect("applications:detail", application.pk)


def _show_errors(request, exc) -> None:
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


def _remove_item(request, queryset, raw_pk: str, remove, *, done: str, back: str):
    """Remove one partner or attachment of the application (a "remove" button's POST)."""
    item = get_object_or_404(queryset, pk=int(raw_pk) if raw_pk.isdigit() else 0)
    application_pk = item.application_id
    try:
        remove(item)
    except (ValidationError, PermissionDenied) as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect(back, application_pk)


def _file_response(file, filename: str, content_type: str) -> FileResponse:
    """A private file as a download; a file missing on disk is a 404, not a 500."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def _section_closed(request, application):
    return _frozen_redirect(
        request,
        application,
        services.ApplicationFrozenError(_("Dieser Abschnitt kann nicht mehr geändert werden.")),
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


def _next_section_url(application: Application, section: str) -> str:
    order = list(SECTION_ORDER)
    index = order.index(section)
    if application.status != Status.DRAFT or index + 1 >= len(order):
        return reverse("applications:check", args=[application.pk])
    return reverse(f"applications:{order[index + 1]}", args=[application.pk])


def _section_context(application, section, **extra):
    return {
        "application": application,
        "section": section,
        "section_label": Section(section).label,
        "step_number": list(SECTION_ORDER).index(section) + 1,
        "step_count": len(SECTION_ORDER),
        **extra,
    }


# Start: my applications and the open rounds -----------------------------------------------------


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """The status page: all applications of the user's municipalities and where to start."""
    user = request.user
    applications = list(
        Application.objects.visible_to(user)
        .with_related()
        .with_totals()
        .order_by("-round__deadline", "lead_municipality__name")
    )
    municipalities = list(
        Municipality.objects.filter(memberships__user=user).alphabetical()
        if user.is_municipal_staff
        else []
    )
    pending_partnerships = list(
        ApplicationPartner.objects.filter(
            municipality__in=municipalities, status=PartnerStatus.PENDING
        ).select_related("application__lead_municipality", "application__round", "municipality")
    )
    now = timezone.now()
    rounds = list(FundingRound.objects.filter(opens_at__lte=now, deadline__gte=now))
    taking_part = {
        (p.round_id, p.municipality_id)
        for p in RoundParticipation.objects.filter(
            round__in=rounds, municipality__in=municipalities
        )
    }
    offers = [
        {"round": r, "municipality": m}
        for r in rounds
        for m in municipalities
        if (r.pk, m.pk) not in taking_part
    ]
    return render(
        request,
        "applications/application_list.html",
        {
            "applications": applications,
            "offers": offers,
            "pending_partnerships": pending_partnerships,
            "municipalities": municipalities,
        },
    )


@login_required
def eligibility(request: HttpRequest, round_pk: int, ags: str) -> HttpResponse:
    """ "May we apply?" with the figures used; POST starts the draft."""
    round_ = get_object_or_404(FundingRound, pk=round_pk)
    municipality = get_object_or_404(
        Municipality.objects.filter(memberships__user=request.user), ags=ags
    )
    result = check_eligibility(round=round_, municipality=municipality)
    if request.method == "POST":
        try:
            application = services.application_create(
                round=round_, municipality=municipality, user=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("Ihr Antrag wurde als Entwurf angelegt."))
            return redirect("applications:detail", application.pk)
    return render(
        request,
        "applications/eligibility.html",
        {"round": round_, "municipality": municipality, "result": result},
    )


# The application: task list or status page ------------------------------------------------------


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    user = request.user
    is_lead = permissions.is_lead_staff(user, application)
    partners = list(application.partners.select_related("municipality"))
    context = {
        "application": application,
        "is_lead": is_lead,
        "partners": partners,
        "my_pending_partnerships": [
            p
            for p in partners
            if p.status == PartnerStatus.PENDING and permissions.can_respond_as_partner(user, p)
        ],
        "events": application.events.timeline_for(user).order_by("created_at", "pk"),
        "attachments": application.attachments.all(),
        **_documents_context(application),
        "can_withdraw": permissions.can_transition(user, application, Action.WITHDRAW),
        "item_request": application.open_item_request()
        if application.status == Status.MISSING_ITEMS
        else None,
    }
    if application.status == Status.DRAFT and is_lead:
        states = section_states(application)
        context.update(
            sections=states,
            complete_count=sum(1 for s in states if s.state == COMPLETE),
        )
        return render(request, "applications/task_list.html", context)
    if application.status == Status.MISSING_ITEMS and is_lead:
        requested = services.open_item_request_sections(application)
        context["requested_sections"] = [
            s for s in section_states(application) if s.section in requested
        ]
        context["resubmit_form"] = ResubmitForm()
    return render(request, "applications/status.html", context)


# Sections with plain fields ---


@login_required
def section_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    application = _editable_application(request, pk, section)
    if not permissions.can_edit(request.user, application, section):
        return _section_closed(request, application)
    stale = False
    if request.method == "POST":
        form = SectionForm(request.POST, section=section)
        if form.is_valid():
            try:
                services.application_update_section(
                    application=application,
                    user=request.user,
                    section=section,
                    data=form.section_data(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.StaleEditError as exc:
                stale = True
                form.add_service_errors(exc)
            except services.ApplicationFrozenError as exc:
                return _frozen_redirect(request, application, exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Ihre Angaben wurden gespeichert."))
                return redirect(_next_section_url(application, section))
    else:
        initial = {name: getattr(application, name) for name in SectionForm.base_fields}
        initial.update(
            {f: getattr(application, f) for f in SECTION_FIELDS[section]},
            version=application.version,
        )
        form = SectionForm(initial=initial, section=section)
    return render(
        request,
        "applications/section_form.html",
        _section_context(application, section, form=form, stale=stale),
    )


# Cost and financing plan ---


def _line_initial(application: Application) -> list[dict]:
    return [
        {
            "category": line.category_id,
            "description": line.description,
            "amount": line.amount,
            "budget_year": line.budget_year,
        }
        for line in application.cost_lines.order_by("position", "pk")
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
    if not permissions.can_edit(request.user, application, section):
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
                    return redirect(here + "?neue_zeile=1#zeilen")
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


# Partners ---


PARTNERS_SHOWN = 30


def _partner_choice(application: Application, data=None, *, search: str = ""):
    """The form to add a partner and what the list shows: the candidates matching ``search``,
    or without one those of the lead's Kreis (partners are mostly neighbours)."""
    search = clean_text(search).strip()[:100]
    candidates = selectors.partner_candidates(application=application)
    lead = application.lead_municipality
    if search:
        matching = selectors.partner_candidates(application=application, search=search)
    else:
        matching = candidates.filter(kreis=lead.kreis)
    shown = list(matching[: PARTNERS_SHOWN + 1])
    form = PartnerAddForm(
        data,
        initial={"suche": search},
        candidates=candidates,
        shown=shown[:PARTNERS_SHOWN],
    )
    return {
        "form": form,
        "search": search,
        "shown_count": min(len(shown), PARTNERS_SHOWN),
        "more": len(shown) > PARTNERS_SHOWN,
        "lead_kreis": kreis_label(lead.kreis),
    }


@login_required
def partners(request: HttpRequest, pk: int) -> HttpResponse:
    """The partners named so far, and a search to add one: a GET form ("suche") that works
    without JavaScript; with htmx, typing refreshes only the list (``_partner_choice.html``)."""
    section = Section.PARTNERS
    application = _editable_application(request, pk, section)
    choice = _partner_choice(application, search=request.GET.get("suche", ""))
    if request.method == "GET" and request.headers.get("HX-Request"):
        return render(
            request, "applications/_partner_choice.html", {"application": application, **choice}
        )
    if request.method == "POST":
        if not permissions.can_edit(request.user, application, section):
            return _section_closed(request, application)
        if "remove_partner" in request.POST:
            return _remove_item(
                request,
                application.partners,
                request.POST["remove_partner"],
                lambda partner: services.partner_remove(partner=partner, user=request.user),
                done=_("Die Partnerkommune wurde entfernt."),
                back="applications:partners",
            )
        choice = _partner_choice(application, request.POST, search=request.POST.get("suche", ""))
        form = choice["form"]
        if form.is_valid():
            try:
                services.partner_add(
                    application=application,
                    user=request.user,
                    municipality=form.cleaned_data["municipality"],
                )
            except ValidationError as exc:
                form.add_error("municipality", exc)
            else:
                messages.success(
                    request,
                    _("Die Partnerkommune wurde hinzugefügt und um Bestätigung gebeten."),
                )
                return redirect("applications:partners", pk)
    eligibility_result = application_eligibility(application)
    return render(
        request,
        "applications/partners.html",
        _section_context(
            application,
            section,
            partners=application.partners.select_related("municipality", "decided_by"),
            result=eligibility_result,
            next_url=_next_section_url(application, section),
            **choice,
        ),
    )


@login_required
def partner_respond(request: HttpRequest, partner_pk: int) -> HttpResponse:
    partner = get_object_or_404(
        ApplicationPartner.objects.select_related(
            "application__round", "application__lead_municipality", "municipality"
        ).filter(municipality__memberships__user=request.user),
        pk=partner_pk,
    )
    application = partner.application
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirm = "confirm" in request.POST
        try:
            services.partner_respond(
                partner=partner,
                user=request.user,
                confirm=confirm,
                message=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _show_errors(request, exc)
        else:
            messages.success(
                request,
                _("Sie haben die Partnerschaft bestätigt.")
                if confirm
                else _("Sie haben die Partnerschaft abgelehnt."),
            )
            if confirm:
                return redirect("applications:detail", application.pk)
            return redirect("applications:list")
    return render(
        request,
        "applications/partner_respond.html",
        {"partner": partner, "application": application, "form": form},
    )


# Attachments ---


@login_required
def attachments(request: HttpRequest, pk: int) -> HttpResponse:
    section = Section.ATTACHMENTS
    application = _editable_application(request, pk, section)
    max_mb = settings.WIR_UPLOAD_MAX_BYTES // (1024 * 1024)
    form = AttachmentForm(max_mb=max_mb)
    if request.method == "POST":
        if not permissions.can_edit(request.user, application, section):
            return _section_closed(request, application)
        if "remove_attachment" in request.POST:  # removing is confirmed on its own page
            raw = request.POST["remove_attachment"]
            item = get_object_or_404(application.attachments, pk=int(raw) if raw.isdigit() else 0)
            return redirect("applications:attachment_remove", pk, item.pk)
        form = AttachmentForm(request.POST, request.FILES, max_mb=max_mb)
        if form.is_valid():
            try:
                services.attachment_add(
                    application=application,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for key, msgs in exc.message_dict.items():
                        for message in msgs:
                            form.add_error(key if key in form.fields else "file", message)
                else:
                    form.add_error("file", exc)
            else:
                messages.success(request, _("Die Datei wurde hochgeladen."))
                return redirect("applications:attachments", pk)
    required = [
        (kind, label)
        for kind, label in AttachmentKind.choices
        if kind in (application.round.required_attachment_kinds or [])
    ]
    return render(
        request,
        "applications/attachments.html",
        _section_context(
            application,
            section,
            form=form,
            attachments=application.attachments.select_related("uploaded_by"),
            required_kinds=required,
            next_url=_next_section_url(application, section),
        ),
    )


@login_required
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Removing an attachment cannot be undone: GET shows what will be removed, the POST with
    ``confirm`` removes it."""
    section = Section.ATTACHMENTS
    application = _editable_application(request, pk, section)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    if not permissions.can_edit(request.user, application, section):
        return _section_closed(request, application)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            services.attachment_remove(attachment=attachment, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("Die Anlage wurde entfernt."))
        return redirect("applications:attachments", pk)
    return render(
        request,
        "applications/attachment_remove.html",
        {"application": application, "attachment": attachment},
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    application = _visible_application(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    if not permissions.can_download_attachment(request.user, attachment):
        raise Http404
    return _file_response(attachment.file, attachment.original_name, attachment.content_type)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    application = _visible_application(request, pk)
    documents = GeneratedDocument.objects.filter(application=application, kind=kind)
    version = request.GET.get("fassung", "")
    if version.isascii() and version.isdigit() and len(version) <= 4:
        documents = documents.filter(version=int(version))
    document = documents.order_by("-version").first()
    if document is None:
        raise Http404
    return _file_response(document.file, document.filename, "application/pdf")


@login_required
@require_GET
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx partial: the documents box, polled until the receipt exists."""
    application = _visible_application(request, pk)
    return render(
        request,
        "applications/_documents.html",
        {"application": application, **_documents_context(application)},
    )


def _documents_context(application: Application) -> dict:
    """The documents, and whether a receipt is still being rendered (after the submission
    and after each Nachreichung), so the box keeps polling until it is there."""
    documents = list(application.documents.all())
    expected = 0
    if application.reference:
        expected = 1 + application.events.filter(action=Action.RESUBMIT).count()
    receipts = sum(1 for d in documents if d.kind == DocumentKind.RECEIPT)
    return {"documents": documents, "receipt_pending": receipts < expected}


# Check your answers and submit ---


@login_required
def check_and_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    is_lead = permissions.is_lead_staff(request.user, application)
    if request.method == "POST":
        if not is_lead:
            raise PermissionDenied
        try:
            services.application_submit(
                application=application, user=request.user, arrived_at=arrival_time(request)
            )
        except services.TransitionNotAllowed as exc:
            _show_errors(request, exc)
        except ValidationError as exc:
            messages.error(
                request,
                _("Der Antrag wurde nicht eingereicht. Ihr Entwurf ist gespeichert."),
            )
            if not hasattr(exc, "error_dict"):  # e.g. the deadline; field errors show below
                _show_errors(request, exc)
        else:
            messages.success(
                request,
                _("Ihr Antrag wurde eingereicht. Aktenzeichen: %(ref)s")
                % {"ref": application.reference},
            )
            return redirect("applications:submitted", application.pk)
        application = _visible_application(request, pk)
    errors = services.application_validate_for_submission(application)
    states = section_states(application, errors)
    eligibility_result = application_eligibility(application)
    lines = application.cost_lines.select_related("category").order_by("position", "pk")
    partners = application.partners.select_related("municipality")
    attachments_ = application.attachments.all()
    totals = _totals(application)
    return render(
        request,
        "applications/check.html",
        {
            "answers_by_section": section_answers(application),
            "partners_html": render_to_string(
                "applications/_summary_partners.html", {"partners": partners}
            ),
            "cost_html": render_to_string(
                "applications/_summary_cost.html", {"lines": lines, "totals": totals}
            ),
            "attachments_html": render_to_string(
                "applications/_summary_attachments.html", {"attachments": attachments_}
            ),
            "application": application,
            "is_lead": is_lead,
            "sections": states,
            "errors": errors,
            "error_items": [
                {"href": s.url, "label": s.label, "message": m} for s in states for m in s.errors
            ],
            "result": eligibility_result,
            "can_submit": is_lead and application.status == Status.DRAFT,
            "deadline_passed": timezone.now() > application.round.deadline,
        },
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    if not permissions.can_transition(request.user, application, Action.WITHDRAW):
        messages.error(request, _("Dieser Antrag kann nicht zurückgezogen werden."))
        return redirect("applications:detail", pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("Ihr Antrag wurde zurückgezogen."))
        return redirect("applications:detail", pk)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
@require_POST
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte prüfen Sie Ihre Nachricht."))
        return redirect("applications:detail", pk)
    try:
        services.application_resubmit(
            application=application, user=request.user, message=form.cleaned_data["message"]
        )
    except (ValidationError, PermissionDenied) as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("Die nachgeforderten Angaben wurden eingereicht."))
    return redirect("applications:detail", pk)


# Funding rounds (public) ---


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = FundingRound.objects.prefetch_related(Prefetch("cost_categories")).order_by(
        "-deadline"
    )
    return render(
        request, "applications/round_list.html", {"rounds": rounds, "now": timezone.now()}
    )


@login_required
@require_GET
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation after submission: the reference, what happens next, whom to ask and how
    to keep a record (GOV.UK's confirmation pattern)."""
    application = _visible_application(request, pk)
    if application.status == Status.DRAFT or not application.reference:
        return redirect("applications:detail", application.pk)
    return render(
        request,
        "applications/submitted.html",
        {"application": application, **_documents_context(application)},
    )


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One funding round: the call's text, its rules, and where to start an application."""
    round_ = get_object_or_404(
        FundingRound.objects.prefetch_related(Prefetch("cost_categories")), pk=pk
    )
    now = timezone.now()
    is_open = round_.opens_at <= now <= round_.deadline
    offers: list[Municipality] = []
    taking_part: list[Municipality] = []
    user = request.user
    if is_open and user.is_authenticated and user.is_municipal_staff:
        mine = list(Municipality.objects.filter(memberships__user=user).order_by("name"))
        in_round = set(
            RoundParticipation.objects.filter(round=round_, municipality__in=mine).values_list(
                "municipality_id", flat=True
            )
        )
        offers = [m for m in mine if m.pk not in in_round]
        taking_part = [m for m in mine if m.pk in in_round]
    return render(
        request,
        "applications/round_detail.html",
        {
            "round": round_,
            "now": now,
            "is_open": is_open,
            "offers": offers,
            "taking_part": taking_part,
        },
    )
