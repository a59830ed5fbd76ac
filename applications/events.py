"""The one event vocabulary: every value ``ApplicationEvent.action`` may hold, with its label.

Each app registers the events it writes in its ``AppConfig.ready`` (wagtail's
``LogActionRegistry``): ``applications`` the workflow actions and ``EventAction``, ``reviews``
its ``ReviewEvent``, a later app its own. The field's choices, ``get_action_display``, the
timeline and the admin all read their labels from here, so no template patches them in.

A registry rather than one enumeration in this app, because the apps import one way
(applications <- reviews <- ...): ``applications`` cannot name the events of the apps built on
it without knowing them, while each app knows its own. Rows are written by one function,
``applications.services.base.record_event``, which refuses values nobody registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.functional import Promise


@dataclass(frozen=True)
class EventType:
    value: str
    label: str | Promise
    # Where the value was defined ("applications.workflow.Action"), to name a clash.
    source: str


class EventRegistry:
    """Event values -> ``EventType``, in the order of registration."""

    def __init__(self) -> None:
        self._types: dict[str, EventType] = {}

    def register(self, choices: type[models.Choices]) -> None:
        """Register every member of ``choices``; registering the same class again is a no-op,
        another class with a value already taken is a configuration error."""
        source = f"{choices.__module__}.{choices.__qualname__}"
        for member in choices:
            value = str(member.value)
            known = self._types.get(value)
            if known is not None:
                if known.source == source:
                    continue
                raise ImproperlyConfigured(
                    f"Event value {value!r} of {source} is already registered by {known.source}."
                )
            self._types[value] = EventType(value=value, label=member.label, source=source)

    def __contains__(self, value: object) -> bool:
        return value in self._types

    def __iter__(self):
        return iter(self._types.values())

    def label(self, value: str) -> str:
        """The label of ``value`` in the active language (the value itself if unknown)."""
        known = self._types.get(value)
        return str(known.label) if known is not None else value

    def choices(self) -> list[tuple[str, str | Promise]]:
        return [(t.value, t.label) for t in self._types.values()]


event_types = EventRegistry()


def event_choices() -> list[tuple[str, str | Promise]]:
    """The choices of ``ApplicationEvent.action`` (a callable, so every registered app counts;
    the migrations name this function)."""
    return event_types.choices()


class EventListeners:
    """Functions called with each event row after the transaction that wrote it commits.

    A higher app (``notifications``) registers in its ``AppConfig.ready``; this app never
    imports it. ``record_event`` hands every row it writes to ``dispatch``; a writer that saves
    rows with ``bulk_create`` calls ``dispatch`` itself. A listener that raises is logged and
    does not keep the others from running (``on_commit(..., robust=True)``); a rolled back
    transaction reaches no listener."""

    def __init__(self) -> None:
        # (listener, wants): ``wants(event)`` says cheaply, before the commit, whether the
        # listener cares (no callback is registered for the others).
        self._listeners: list[tuple[Callable[[Any], None], Callable[[Any], bool] | None]] = []

    def register(
        self, listener: Callable[[Any], None], *, wants: Callable[[Any], bool] | None = None
    ) -> Callable[[Any], None]:
        if all(known is not listener for known, _wants in self._listeners):
            self._listeners.append((listener, wants))
        return listener

    def unregister(self, listener: Callable[[Any], None]) -> None:
        self._listeners = [(f, w) for f, w in self._listeners if f is not listener]

    def dispatch(self, events: Iterable[Any]) -> None:
        for event in events:
            for listener, wants in self._listeners:
                if wants is None or wants(event):
                    transaction.on_commit(partial(listener, event), robust=True)


event_listeners = EventListeners()
