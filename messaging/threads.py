"""One application's thread as a person sees it: shared by the thread page and the
``{% message_thread %}`` tag on the application's pages."""

from __future__ import annotations

from django.urls import reverse

from applications.models import Application
from applications.selectors import partner_municipality_ids
from municipalities.selectors import member_municipality_ids

from . import permissions, selectors, services
from .forms import MessageForm


class Thread:
    """One application's thread as ``user`` sees it: the checks' inputs, loaded once."""

    def __init__(self, user, application: Application):
        self.user = user
        self.application = application
        self.member_ids = member_municipality_ids(user)
        self.partner_ids = partner_municipality_ids(application)

    @property
    def readable(self) -> bool:
        return permissions.can_read_thread(
            self.user, self.application, member_ids=self.member_ids, partner_ids=self.partner_ids
        )

    @property
    def audiences(self) -> list[str]:
        return permissions.audience_choices(
            self.user, self.application, member_ids=self.member_ids, partner_ids=self.partner_ids
        )

    def form(self, data=None, files=None, *, next_url: str = "") -> MessageForm | None:
        audiences = self.audiences
        if not audiences:
            return None
        return MessageForm(data, files, audiences=audiences, initial={"next": next_url})

    def context(self, *, form=None, next_url: str = "", sent: bool = False) -> dict:
        """The partial's context; the messages shown are marked read by the person."""
        thread = list(
            selectors.thread_messages(
                application=self.application, user=self.user, member_ids=self.member_ids
            )
        )
        services.messages_mark_read(user=self.user, messages=thread)
        return {
            "application": self.application,
            "thread_messages": thread,
            "unread_shown": sum(1 for m in thread if not m.is_read),
            "form": form if form is not None else self.form(next_url=next_url),
            "thread_url": reverse("messaging:thread", args=[self.application.pk]),
            "sent": sent,
            "sees_lead_only": permissions.sees_lead_only(
                self.user, self.application, member_ids=self.member_ids
            ),
            "is_rp": permissions.is_rp(self.user),
            "has_partners": bool(self.partner_ids),
        }
