"""``{% message_thread application %}``: the thread with its write form on the pages of apps
below this one (the applicant's status page, RP's detail page), which cannot import it."""

from __future__ import annotations

from django import template

from messaging.threads import Thread

register = template.Library()


@register.inclusion_tag("messaging/_thread.html", takes_context=True)
def message_thread(context, application) -> dict:
    """Empty (nothing rendered) for a person who may not read the thread."""
    request = context["request"]
    thread = Thread(request.user, application)
    if not thread.readable:
        return {"hidden": True}
    return {
        **thread.context(next_url=request.get_full_path()),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
