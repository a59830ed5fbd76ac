import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import LoginEvent, LoginEventKind

from .factories import (
    PASSWORD,
    AdminFactory,
    CaseOfficerFactory,
    MunicipalStaffFactory,
    ReviewerFactory,
    totp_code,
    totp_device,
    wrong_code,
)

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def login(client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


def verify(client, token):
    return client.post(VERIFY, {"token": token, "next": "/konto/"})


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    """django-otp's exponential back-off (1 s, 2 s, …) is tested by django-otp; here the
    portal's own lockout after WIR_OTP_FAILURE_LIMIT misses is what counts."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.mark.parametrize("factory", [CaseOfficerFactory, ReviewerFactory, AdminFactory])
def test_rp_roles_must_set_up_two_factor_before_anything_else(client, factory):
    user = factory()
    response = login(client, user)
    assert response.status_code == 302 and response.url.startswith(SETUP)
    for name in ("accounts:profile", "accounts:my_data", "municipalities:list", "admin:index"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(SETUP), name
    # Public pages and logout stay reachable.
    for name in ("home", "impressum", "datenschutz", "barrierefreiheit"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get("/healthz/live/").status_code == 200
    assert client.get("/healthz/ready/").status_code in (200, 503)

    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html and "<title" in html
    secret = re.search(r'data-totp-secret="([A-Z2-7]+)"', html).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert secret in device.config_url
    # A wrong code does not confirm the device.
    assert client.post(SETUP, {"token": wrong_code(device)}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    response = client.post(SETUP, {"token": totp_code(device)})
    assert response.status_code == 302 and response.url.startswith(
        reverse("accounts:recovery_codes")
    )
    device.refresh_from_db()
    assert device.confirmed
    codes = client.get(response.url).content.decode()
    assert codes.count("data-recovery-code") == 10
    # The codes are shown only once.
    assert (
        "data-recovery-code" not in client.get(reverse("accounts:recovery_codes")).content.decode()
    )
    assert client.get(reverse("accounts:profile")).status_code == 200

    client.post(reverse("accounts:logout"))
    response = login(client, user)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert client.get(reverse("accounts:profile")).url.startswith(VERIFY)
    response = verify(client, totp_code(device, steps=1))
    assert response.status_code == 302 and response.url == "/konto/"
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_django_admin_needs_the_second_factor(client):
    admin = AdminFactory(is_staff=True, is_superuser=True)
    device = totp_device(admin)
    login(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    response = client.get(reverse("admin:accounts_loginevent_changelist"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    verify(client, totp_code(device))
    assert client.get(reverse("admin:index")).status_code == 200


def test_two_factor_is_optional_for_municipal_staff(client):
    user = MunicipalStaffFactory()
    response = login(client, user)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("accounts:profile")).status_code == 200
    # They can turn it on; from then on their login asks for the code too.
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    client.post(SETUP, {"token": totp_code(device)})
    client.post(reverse("accounts:logout"))
    response = login(client, user)
    assert response.url.startswith(VERIFY)
    assert client.get(reverse("accounts:profile")).url.startswith(VERIFY)


def test_wrong_codes_lock_the_second_factor(client, settings):
    user = CaseOfficerFactory()
    device = totp_device(user)
    login(client, user)
    for _ in range(settings.WIR_OTP_FAILURE_LIMIT - 1):
        response = verify(client, wrong_code(device))
        assert response.status_code == 200
        assert "Der Code ist nicht richtig" in response.content.decode()
    response = verify(client, wrong_code(device))
    assert response.status_code == 429
    assert "Zu viele falsche Codes" in response.content.decode()
    # Even the right code is refused while the lock lasts.
    response = verify(client, totp_code(device))
    assert response.status_code == 429
    assert client.get(reverse("accounts:profile")).url.startswith(VERIFY)
    failed = LoginEvent.objects.filter(user=user, kind=LoginEventKind.OTP_FAILED).count()
    assert failed == settings.WIR_OTP_FAILURE_LIMIT


def test_a_recovery_code_works_once(client):
    user = ReviewerFactory()
    device = totp_device(user, recovery=True)
    code = device.recovery_codes[0]
    login(client, user)
    response = verify(client, code.upper())
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()
    assert StaticToken.objects.filter(device__user=user).count() == 9

    client.post(reverse("accounts:logout"))
    login(client, user)
    response = verify(client, code)
    assert response.status_code == 200
    assert "Der Code ist nicht richtig" in response.content.decode()


def test_recovery_codes_can_be_regenerated(client):
    user = ReviewerFactory()
    device = totp_device(user, recovery=True)
    old = set(device.recovery_codes)
    login(client, user)
    verify(client, totp_code(device))
    response = client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 302
    html = client.get(reverse("accounts:recovery_codes")).content.decode()
    new = set(re.findall(r"data-recovery-code>([a-z2-7]+)<", html))
    assert len(new) == 10 and not (new & old)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == new


def test_replacing_the_app_needs_the_old_factor_first(client):
    user = CaseOfficerFactory()
    totp_device(user)
    login(client, user)
    response = client.get(SETUP)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
