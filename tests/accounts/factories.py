"""Accounts test helpers: two-factor devices, a verified login, TOTP codes, the password of
every factory-made person. The factories themselves are in ``tests.factories``."""

from __future__ import annotations

import time

from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import recovery_codes_generate

PASSWORD = "geheimes-passwort-123"  # the shared UserFactory's password


def totp_device(user, *, confirmed: bool = True, recovery: bool = False) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Test-App", confirmed=confirmed)
    if recovery:
        device.recovery_codes = recovery_codes_generate(user=user)
    return device


def totp_code(device: TOTPDevice, *, steps: int = 0) -> str:
    """The code the person's app shows now (``steps`` time steps later or earlier)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {totp_code(device, steps=s) for s in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1000) if f"{n:06d}" not in right)


def login_verified(client, user) -> None:
    """Logs ``user`` in as if password and (where set up) second factor had been given."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and (user.role in ("case_officer", "reviewer", "admin") or user.is_staff):
        device = totp_device(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    assert client.session[SESSION_KEY] == str(user.pk)
