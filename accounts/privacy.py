"""What the portal holds about a person, as JSON ("Meine Daten", Art. 15 DSGVO).

Each app contributes its part with ``register_exporter``: a function that takes the user and
returns a dict (JSON-serialisable) of that app's data about exactly this person, e.g.::

    from accounts.privacy import register_exporter

    @register_exporter("antraege")
    def export_applications(user): ...
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .selectors import join_requests_of, login_events_of, memberships_of

Exporter = Callable[[Any], Any]
_exporters: dict[str, Exporter] = {}


def register_exporter(key: str | Exporter | None = None):
    """Registers an exporter under ``key`` (default: the function's name). Usable as
    ``@register_exporter``, ``@register_exporter("key")`` or ``register_exporter(fn)``."""

    def decorator(fn: Exporter) -> Exporter:
        _exporters[name or fn.__name__] = fn
        return fn

    if callable(key):
        name = None
        return decorator(key)
    name = key
    return decorator


def registered_exporters() -> dict[str, Exporter]:
    return dict(_exporters)


def export_user_data(user) -> dict:
    data: dict[str, Any] = {"exportiert_am": timezone.now()}
    for key, fn in sorted(_exporters.items()):
        data[key] = fn(user)
    return data


def export_user_data_json(user) -> str:
    return json.dumps(export_user_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@register_exporter("konto")
def export_account(user) -> dict:
    return {
        "e_mail": user.email,
        "name": user.full_name,
        "rolle": user.get_role_display(),
        "aktiv": user.is_active,
        "registriert_am": user.date_joined,
        "e_mail_bestaetigt_am": user.email_confirmed_at,
        "letzte_anmeldung": user.last_login,
        "zwei_faktor": {
            "authenticator_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "wiederherstellungscodes_uebrig": sum(
                d.token_set.count() for d in StaticDevice.objects.filter(user=user)
            ),
        },
        "mitgliedschaften": [
            {"kommune": m.municipality.name, "ags": m.municipality.ags, "seit": m.created_at}
            for m in memberships_of(user)
        ],
        "beitrittsanfragen": [
            {
                "kommune": r.municipality.name,
                "ags": r.municipality.ags,
                "status": r.get_status_display(),
                "gestellt_am": r.created_at,
                "entschieden_am": r.decided_at,
            }
            for r in join_requests_of(user)
        ],
        "anmeldeereignisse": [
            {
                "art": e.get_kind_display(),
                "zeitpunkt": e.created_at,
                "ip_adresse": e.ip_address,
                "browser": e.user_agent,
            }
            for e in login_events_of(user)
        ],
    }
