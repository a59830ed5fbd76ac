"""A demo thread (Postfach) on the first demo application: RP Darmstadt asks, the
municipality answers with an attachment (read by the case officer), RP thanks (unread)."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from demo.applications import DEMO_APPLICATIONS
from documents.rendering import render_html_pdf
from messaging.models import Message
from messaging.selectors import thread_messages
from messaging.services import message_send, messages_mark_read
from municipalities.selectors import member_municipality_ids

CASE_OFFICER_EMAIL = "sachbearbeitung@wir-portal.example"


def _schedule_pdf() -> bytes:
    return render_html_pdf(
        "<h1>Zeitplan</h1><ol><li>Auftaktveranstaltung im Rathaus</li>"
        "<li>Drei Werkstätten im Quartier</li><li>Beschluss im Stadtparlament</li></ol>",
        title="Zeitplan",
        created=timezone.now(),
        variant=None,
    )


@transaction.atomic
def seed_messages(now: dt.datetime | None = None) -> list[str]:
    """Three messages on the first demo application, once (skipped if it has messages)."""
    now = now or timezone.now()
    ags = DEMO_APPLICATIONS[0][0]
    application = (
        Application.objects.filter(lead_municipality__ags=ags, submitted_at__isnull=False)
        .order_by("-submitted_at")
        .first()
    )
    officer = User.objects.filter(email=CASE_OFFICER_EMAIL).first()
    staff = User.objects.filter(email=f"demo-{ags}@wir-portal.example").first()
    if application is None or officer is None or staff is None:
        return []
    if Message.objects.filter(application=application).exists():
        return []
    question = message_send(
        application=application,
        user=officer,
        subject="Rückfrage zum Zeitplan",
        text=(
            "Sehr geehrte Damen und Herren,\n\nbitte erläutern Sie, in welcher Reihenfolge die "
            "Werkstätten im Quartier stattfinden sollen.\n\nMit freundlichen Grüßen\n"
            "Regierungspräsidium Darmstadt"
        ),
        now=now - dt.timedelta(days=2),
    )
    answer = message_send(
        application=application,
        user=staff,
        subject="Re: Rückfrage zum Zeitplan",
        text="Guten Tag,\n\nanbei unser Zeitplan mit den drei Werkstätten.\n\nFreundliche Grüße",
        files=[ContentFile(_schedule_pdf(), name="Zeitplan.pdf")],
        now=now - dt.timedelta(days=1),
    )
    thanks = message_send(
        application=application,
        user=officer,
        subject="Vielen Dank",
        text="Vielen Dank für den Zeitplan. Wir melden uns, sobald die Prüfung abgeschlossen ist.",
        now=now,
    )
    # Read: the question by the municipality, the answer by the case officer. Unread: the
    # thanks, for the municipality.
    for user, read in ((staff, question), (officer, answer)):
        shown = thread_messages(
            application=application, user=user, member_ids=member_municipality_ids(user)
        ).filter(pk=read.pk)
        messages_mark_read(user=user, messages=shown)
    return [f"{application.reference}: {m.subject}" for m in (question, answer, thanks)]
