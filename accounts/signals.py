"""Login, logout and failed logins become LoginEvent rows, and a login counts as the first
activity of the session. Django announces these with its auth signals, so this is the one
place where the portal listens to signals; the handlers only record, they decide nothing."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .middleware import activity_record
from .models import LoginEventKind, User
from .services import login_event_record


@receiver(user_logged_in, dispatch_uid="accounts.login_event.login")
def record_login(sender, request, user, **kwargs):
    login_event_record(kind=LoginEventKind.LOGIN, request=request, user=user)


@receiver(user_logged_in, dispatch_uid="accounts.session_activity.login")
def record_login_activity(sender, request, user, **kwargs):
    """The login writes the session anyway: with the time stored now, the first page after
    it does not write the session again (accounts.middleware.activity_record)."""
    if request is not None and hasattr(request, "session"):
        activity_record(request.session, int(time.time()), force=True)


@receiver(user_logged_out, dispatch_uid="accounts.login_event.logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        login_event_record(kind=LoginEventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts.login_event.failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` is already cleansed by Django (the password is masked); only the name
    # that was typed is kept.
    email = str(credentials.get("username") or credentials.get("email") or "")[:254]
    user = User.objects.filter(email__iexact=email).first() if email else None
    login_event_record(kind=LoginEventKind.LOGIN_FAILED, request=request, user=user, email=email)
