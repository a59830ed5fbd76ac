"""Rows of the authorisation matrix for the notification pages (notifications/urls.py), in
the format of matrix.py, which merges them into MATRIX. Everyone logged in has their own list
and preferences; a notification opens only for the person it was made for (the world's
municipal staff): everyone else gets 404, as if it did not exist."""

from __future__ import annotations

from .matrix import OK, REDIRECT, STAFF, Entry, logged_in, only


def staff_notification(world):
    """A notification of the world's municipal staff about the submitted application."""
    cached = getattr(world, "_staff_notification", None)
    if cached is not None:
        return cached
    from django.urls import reverse

    from notifications.models import Notification

    cached = Notification.objects.create(
        user=world.users[STAFF],
        kind="partner_confirmed",
        key=f"partner_confirmed:matrix-{world.submitted.pk}",
        application=world.submitted,
        url=reverse("applications:detail", args=[world.submitted.pk]),
    )
    world._staff_notification = cached
    return cached


NOTIFICATION_ROWS: dict[str, Entry] = {
    "notifications:list": Entry(get=logged_in(OK), post=logged_in(405)),
    "notifications:preferences": Entry(
        get=logged_in(OK),
        post=logged_in(OK),  # an empty form comes back with its errors
    ),
    "notifications:mark_all_read": Entry(get=logged_in(405), post=logged_in(REDIRECT)),
    "notifications:open": Entry(
        get=only([STAFF], REDIRECT),
        post=logged_in(405),
        kwargs=lambda w: {"pk": staff_notification(w).pk},
    ),
}
