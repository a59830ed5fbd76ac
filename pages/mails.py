"""The feedback's mails: the report to ``WIR_ACCESSIBILITY_FEEDBACK_EMAIL`` and a receipt to
the sender, each sent once (``core.mail.mail_once``)."""

from __future__ import annotations

from django.conf import settings

from core.mail import mail_once, mail_send

from .models import AccessibilityFeedback


def send_feedback_mails(feedback_id: int) -> None:
    feedback = AccessibilityFeedback.objects.filter(pk=feedback_id).first()
    if feedback is None:
        return
    context = {"feedback": feedback, "site_url": settings.WIR_SITE_URL}
    office = settings.WIR_ACCESSIBILITY_FEEDBACK_EMAIL
    with mail_once(f"pages.feedback:{feedback.pk}:office") as owed:
        if owed and office:
            mail_send(
                template="pages/email/feedback_office",
                context=context,
                to=[office],
                language="de",
            )
    with mail_once(f"pages.feedback:{feedback.pk}:receipt") as owed:
        if owed:
            mail_send(
                template="pages/email/feedback_receipt",
                context=context,
                to=[feedback.email],
                language="de",
            )
