"""The messages a person wrote and read, for "Meine Daten" (``accounts.privacy``)."""

from __future__ import annotations

from accounts.privacy import register_exporter

from .models import Message, MessageRead


@register_exporter("nachrichten")
def export_messages(user) -> dict:
    sent = (
        Message.objects.filter(sender=user)
        .select_related("application", "sender_municipality")
        .prefetch_related("attachments")
        .order_by("sent_at", "pk")
    )
    reads = (
        MessageRead.objects.filter(user=user)
        .select_related("message__application")
        .order_by("read_at", "pk")
    )
    return {
        "gesendet": [
            {
                "antrag": m.application.reference or m.application.pk,
                "gesendet_am": m.sent_at,
                "fuer_die_kommune": m.sender_municipality.name if m.sender_municipality else None,
                "empfaengerkreis": m.get_audience_display(),
                "betreff": m.subject,
                "text": m.text,
                "anlagen": [
                    {"dateiname": a.original_name, "groesse": a.size, "sha256": a.sha256}
                    for a in m.attachments.all()
                ],
            }
            for m in sent
        ],
        "gelesen": [
            {
                "antrag": r.message.application.reference or r.message.application_id,
                "nachricht_vom": r.message.sent_at,
                "betreff": r.message.subject,
                "gelesen_am": r.read_at,
            }
            for r in reads
        ],
    }
