"""What the PDF of an application in a bundle shows, and its hash: the key of the cache."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch

from applications.models import (
    FINANCING_FIELDS,
    SECTION_FIELDS,
    Application,
    ApplicationPartner,
    Attachment,
    CostLine,
)
from messaging.selectors import record_messages_prefetch

# Part of every content hash: raise it when the layout of an application's PDF changes, so
# that every cached PDF is rendered again.
TEMPLATE_VERSION = "bundle-application-3"


def load_applications(ids: Sequence[int]) -> dict[int, Application]:
    qs = (
        Application.objects.filter(pk__in=list(ids))
        .with_related()
        .with_totals()
        .prefetch_related(
            Prefetch(
                "cost_lines",
                queryset=CostLine.objects.select_related("category").order_by("position", "pk"),
            ),
            Prefetch(
                "partners",
                queryset=ApplicationPartner.objects.select_related("municipality").order_by(
                    "added_at", "pk"
                ),
            ),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
            record_messages_prefetch(),
        )
    )
    return {app.pk: app for app in qs}


def content_hash(application: Application) -> str:
    """SHA-256 of everything the application's PDF shows (with the prefetches of
    ``load_applications``): answers, financing, cost lines, partners, attachments (by their
    SHA-256), status and decision, the round's and the municipality's data shown, and the
    template version. Equal hash, equal PDF."""
    app = application
    municipality = app.lead_municipality
    data = {
        "v": TEMPLATE_VERSION,
        "lang": "de",
        "pk": app.pk,
        "reference": app.reference,
        "status": app.status,
        "submitted_at": app.submitted_at,
        "decided_at": app.decided_at,
        "granted_amount": app.granted_amount,
        "decision_reason": app.decision_reason,
        "fields": {name: getattr(app, name) for names in SECTION_FIELDS.values() for name in names},
        "question_set": app.question_set_id,
        "answers": app.answers,
        "financing": {name: getattr(app, name) for name in FINANCING_FIELDS},
        "round": [app.round.title, app.round.financing_type, app.round.reference_prefix],
        "lead": [
            municipality.name,
            municipality.ags,
            municipality.population,
            getattr(municipality, "population_date", None),
        ],
        "lines": [
            [line.category.name, line.description, line.amount, line.budget_year]
            for line in app.cost_lines.all()
        ],
        "partners": [
            [
                p.municipality.name,
                p.municipality.ags,
                p.municipality.population,
                p.status,
                p.decided_at,
            ]
            for p in app.partners.all()
        ],  # fmt: skip
        "attachments": [
            [a.original_name, a.kind, a.size, a.sha256, a.content_type]
            for a in app.attachments.all()
        ],
        # The messages are an appendix of the part; sent messages never change.
        "messages": [m.pk for m in app.messages.all()],
    }
    raw = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()
