"""Pages of the accounts app: login with a second factor, invitations, registration,
memberships, two-factor set-up, password change, "Meine Daten" and the session ping."""

from __future__ import annotations

import re
import time
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from municipalities.selectors import member_municipality_ids

from . import permissions, selectors, services
from .forms import (
    InvitationAcceptForm,
    InvitationForm,
    JoinRequestForm,
    LoginForm,
    PasswordChangeForm,
    RegistrationConfirmForm,
    RegistrationForm,
    TokenForm,
)
from .middleware import (
    LAST_ACTIVITY_SESSION_KEY,
    activity_record,
    activity_resolution,
    idle_seconds,
    is_verified,
    two_factor_pending,
    two_factor_redirect_url,
)
from .privacy import export_user_data_json

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
RECOVERY_CODES_SESSION_KEY = "wir_recovery_codes"


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _invalid_link(request: HttpRequest, reason: str, kind: str) -> HttpResponse:
    return render(
        request, "accounts/invalid_link.html", {"reason": reason, "kind": kind}, status=410
    )


# Login ------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """First step: e-mail and password. Who needs a second factor goes on to it."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        user = self.request.user
        if two_factor_pending(user):
            return two_factor_redirect_url(user, url)
        return url


def _second_factor_form(request: HttpRequest, *, locked: bool, bound: bool = True) -> TokenForm:
    """The code field; while app codes are locked, a field for a recovery code instead."""
    data = request.POST if bound and request.method == "POST" else None
    if locked:
        form = TokenForm(
            data,
            submit_label=_("Mit Wiederherstellungscode anmelden"),
            help_text=_(
                "Einer der zehn Codes, die Sie bei der Einrichtung erhalten und aufbewahrt "
                "haben, z. B. „abcd2345“. Jeder Code gilt nur einmal."
            ),
        )
        form.fields["token"].label = _("Wiederherstellungscode")
        form.fields["token"].widget.attrs.update(inputmode="text", autocomplete="off")
        return form
    return TokenForm(
        data,
        submit_label=_("Anmeldung bestätigen"),
        help_text=_(
            "Der sechsstellige Code aus Ihrer Authenticator-App oder einer Ihrer "
            "Wiederherstellungscodes."
        ),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Second step: a code from the authenticator app or a recovery code. While app codes
    are locked after too many misses, the page offers a field for a recovery code."""
    user = request.user
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if is_verified(user):
        return redirect(next_url)
    if not selectors.has_two_factor(user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?next={next_url}")
    locked = services.otp_is_locked(user)
    recovery_locked = locked and services.otp_recovery_is_locked(user)
    form = _second_factor_form(request, locked=locked)
    if request.method == "POST" and not recovery_locked and form.is_valid():
        result = services.second_factor_verify(
            user=user, token=form.cleaned_data["token"], request=request
        )
        if result.device is not None:
            otp_login(request, result.device)
            if result.device.__class__.__name__ == "StaticDevice":
                left = selectors.recovery_codes_left(result.device)
                messages.warning(
                    request,
                    _(
                        "Sie haben einen Wiederherstellungscode verwendet. Es sind noch "
                        "%(count)s übrig; erzeugen Sie bei Bedarf neue."
                    )
                    % {"count": left},
                )
            return redirect(next_url)
        was_locked, locked, recovery_locked = locked, result.locked, result.recovery_locked
        if not locked:
            form.add_error("token", _("Der Code ist nicht richtig oder abgelaufen."))
        elif not was_locked:
            # The lock starts now: offer the recovery-code field, empty.
            form = _second_factor_form(request, locked=True, bound=False)
        elif result.refused_while_locked and not recovery_locked:
            # An app code while app codes are locked: not checked, not counted.
            form.add_error(
                "token",
                _(
                    "Während der Sperre können Sie sich nur mit einem Wiederherstellungscode "
                    "anmelden."
                ),
            )
        elif not recovery_locked:
            form.add_error("token", _("Der Wiederherstellungscode ist nicht richtig."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "locked": locked,
            "recovery_locked": recovery_locked,
            "next": next_url,
            "lockout_minutes": settings.WIR_OTP_LOCKOUT_MINUTES,
        },
        status=429 if locked else 200,
    )


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'width="[^"]*" height="[^"]*"', 'width="220" height="220"', svg, count=1)
    return svg.replace(
        "<svg ",
        '<svg role="img" aria-labelledby="wir-qr-title" focusable="false" ',
        1,
    ).replace(
        ">",
        '><title id="wir-qr-title">' + _("QR-Code für die Authenticator-App") + "</title>",
        1,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: QR code and secret, then one code."""
    user = request.user
    if user.email_confirmed_at is None:
        # A second factor binds the account to a phone: only for a confirmed address.
        return render(request, "accounts/two_factor_unconfirmed.html", status=403)
    has_app = selectors.has_two_factor(user)
    if has_app and not is_verified(user):
        # Replacing the app needs the old second factor first.
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={request.path}")
    next_url = _safe_next(request, reverse("accounts:two_factor"))
    device = services.totp_setup_start(user=user)
    form = TokenForm(
        request.POST if request.method == "POST" else None,
        submit_label=_("Einrichtung abschließen"),
        help_text=_("Geben Sie den sechsstelligen Code ein, den Ihre App jetzt anzeigt."),
    )
    if request.method == "POST" and form.is_valid():
        codes = services.totp_setup_confirm(
            user=user, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            messages.success(request, _("Die Zwei-Faktor-Authentisierung ist eingerichtet."))
            return redirect(f"{reverse('accounts:recovery_codes')}?next={next_url}")
        form.add_error("token", _("Der Code ist nicht richtig. Bitte prüfen Sie die Uhrzeit."))
    secret = services.totp_secret_b32(device)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - generated here
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": permissions.requires_two_factor(user),
            "replacing": has_app,
            "next": next_url,
        },
    )


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = selectors.recovery_device_of(user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "has_app": selectors.has_two_factor(user),
            "required": permissions.requires_two_factor(user),
            "recovery_left": selectors.recovery_codes_left(device),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes once (after set-up or regeneration) and regenerates them."""
    user = request.user
    if not selectors.has_two_factor(user) or not is_verified(user):
        return redirect("accounts:two_factor")
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION_KEY] = services.recovery_codes_generate(user=user)
        messages.success(request, _("Neue Wiederherstellungscodes wurden erzeugt."))
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    device = selectors.recovery_device_of(user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "recovery_left": selectors.recovery_codes_left(device),
            "next": _safe_next(request, ""),
        },
    )


# Invitations ------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest) -> HttpResponse:
    """Admins invite people and see the invitations sent."""
    if not permissions.can_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_send(
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                municipality=form.cleaned_data["municipality"],
                invited_by=request.user,
                base_url=_base_url(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Die Einladung an %(email)s wurde gesendet.") % {"email": invitation.email},
            )
            return redirect("accounts:invitation_list")
    invitations = selectors.invitations_visible_to(request.user)[:100]
    return render(
        request, "accounts/invitation_list.html", {"form": form, "invitations": invitations}
    )


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person chooses name and password; the account is created."""
    try:
        invitation = services.invitation_for_token(token)
    except services.InvalidLink as error:
        return _invalid_link(request, error.reason, "invitation")
    if request.user.is_authenticated:
        return render(request, "accounts/invitation_logged_in.html", status=409)
    form = InvitationAcceptForm(
        request.POST if request.method == "POST" else None, invitation=invitation
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvalidLink as error:
            return _invalid_link(request, error.reason, "invitation")
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            auth_login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Ihr Konto ist angelegt. Willkommen im WIR-Portal."))
            if two_factor_pending(request.user):
                return redirect("accounts:two_factor_setup")
            return redirect("accounts:profile")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


# Self-registration ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.user_register(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            base_url=_base_url(request),
        )
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/register_done.html",
        {"days": settings.WIR_REGISTRATION_CONFIRM_DAYS},
    )


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the mail: the person sets name and password, which confirms the
    address. (A GET only shows the form, so mail scanners following links change nothing.)"""
    try:
        user = services.registration_user_for_token(token)
    except services.InvalidLink as error:
        return _invalid_link(request, error.reason, "registration")
    form = RegistrationConfirmForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_confirm(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvalidLink as error:
            return _invalid_link(request, error.reason, "registration")
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            messages.success(
                request,
                _(
                    "Ihre E-Mail-Adresse ist bestätigt und Ihr Passwort gespeichert. Bitte "
                    "melden Sie sich jetzt an."
                ),
            )
            return redirect("accounts:login")
    return render(request, "accounts/register_confirm.html", {"form": form, "email": user.email})


# Profile, memberships, join requests ------------------------------------------------------


@never_cache
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": selectors.memberships_of(user),
            "join_requests": selectors.join_requests_of(user)[:20],
            "has_app": selectors.has_two_factor(user),
            "requires_two_factor": permissions.requires_two_factor(user),
            "can_request_membership": permissions.can_request_membership(user),
            "can_invite": permissions.can_invite(user),
            "decidable_count": selectors.join_requests_decidable_by(user).count(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def join_request_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_request_membership(request.user):
        raise PermissionDenied
    form = JoinRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            join_request = services.join_request_create(
                user=request.user, municipality=form.cleaned_data["municipality"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Ihre Anfrage für %(name)s wurde gestellt.")
                % {"name": join_request.municipality.name},
            )
            return redirect("accounts:profile")
    return render(request, "accounts/join_request_form.html", {"form": form})


@never_cache
@login_required
def join_request_list(request: HttpRequest) -> HttpResponse:
    """The page "Beitrittsanfragen": open requests this person may decide, and their own."""
    return render(
        request,
        "accounts/join_request_list.html",
        {
            "decidable": selectors.join_requests_decidable_by(request.user),
            "own": selectors.join_requests_of(request.user)[:50],
        },
    )


@login_required
@require_POST
def join_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = selectors.join_request_get(pk)
    if not permissions.can_decide_join_request(
        request.user, join_request, member_municipality_ids(request.user)
    ):
        raise Http404  # not revealing whether the request exists
    decision = request.POST.get("decision")
    if decision not in ("approve", "refuse"):
        return HttpResponseBadRequest(_("Bitte wählen Sie „Annehmen“ oder „Ablehnen“."))
    services.join_request_decide(
        join_request=join_request, actor=request.user, approve=decision == "approve"
    )
    text = (
        _("Die Anfrage von %(name)s wurde angenommen.")
        if decision == "approve"
        else _("Die Anfrage von %(name)s wurde abgelehnt.")
    )
    messages.success(request, text % {"name": join_request.user.get_full_name()})
    return redirect("accounts:join_request_list")


@login_required
@require_POST
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(pk)
    if not permissions.can_leave_membership(request.user, membership):
        raise Http404
    services.membership_leave(membership=membership, user=request.user)
    messages.success(
        request,
        _("Sie gehören %(name)s nicht mehr an.") % {"name": membership.municipality.name},
    )
    return redirect("accounts:profile")


# Password change --------------------------------------------------------------------------


class PasswordChangeView(LoginRequiredMixin, auth_views.PasswordChangeView):
    """Django's view keeps this session (update_session_auth_hash); every other session of
    the person ends, because the session's password hash no longer matches."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Ihr Passwort wurde geändert. Alle anderen Sitzungen wurden abgemeldet."),
        )
        return response


# Meine Daten ------------------------------------------------------------------------------


@never_cache
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/my_data.html")


@never_cache
@login_required
@require_GET
def my_data_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    response = HttpResponse(
        export_user_data_json(user), content_type="application/json; charset=utf-8"
    )
    stamp = datetime.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="wir-portal-meine-daten-{stamp}.json"'
    return response


# Session ----------------------------------------------------------------------------------


@never_cache
@require_POST
def session_ping(request: HttpRequest) -> JsonResponse:
    """The button "Angemeldet bleiben" (and typing in a form): stores the time of this
    request exactly, even within the minute in which the middleware would not write it."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False}, status=401)
    activity_record(request.session, int(time.time()), force=True)
    return JsonResponse(
        {
            "authenticated": True,
            "idle_seconds": idle_seconds(),
            "grace_seconds": activity_resolution(),
            "last_activity": request.session.get(LAST_ACTIVITY_SESSION_KEY),
        }
    )
