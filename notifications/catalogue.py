"""The one catalogue of notification types: what each is about, who receives it, how they may
receive it, and which event rows (``applications.events``) cause it.

This app registers its types in ``NotificationsConfig.ready`` (``notifications.types``); an app
above it (grants, reports) registers its own the same way, from its own ``AppConfig.ready``::

    from notifications.catalogue import NotificationType, catalogue
    catalogue.register(NotificationType(kind="grant_paid", events=("payment_made",), ...))

A type caused by an event row names the event actions in ``events``; the listener
(``notifications.listener``) owes a delivery task for every row of such an action. Other types
(the receipt and the decision, which carry their PDF; the reminders) are delivered by the code
that has what they need: ``notifications.services.notify(kind, application, key=...)``.

Recipients a lower app knows but this one cannot compute (the readers of a message) come from
a resolver registered by name (``recipient_resolvers.register("message_sent", fn)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


@dataclass(frozen=True)
class Occasion:
    """What a notification is about: the application, and the event row or the data of the
    code that caused it."""

    application: Any
    event: Any = None
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def values(self) -> Mapping[str, Any]:
        """The event's data, or the data passed with the occasion."""
        if self.event is not None:
            return {**(self.event.data or {}), **self.data}
        return self.data

    @property
    def actor_id(self) -> int | None:
        return getattr(self.event, "actor_id", None)


@dataclass(frozen=True)
class Recipients:
    """People with a portal account (notified in the portal, by e-mail as they chose) and
    plain addresses without one (the contact person of an application: e-mail only)."""

    users: Sequence[Any] = ()
    addresses: Sequence[str] = ()


@dataclass(frozen=True)
class NotificationType:
    kind: str
    label: str | Promise
    # Who receives it, in words (the preferences page, the README's catalogue).
    audience: str | Promise
    recipients: Callable[[Occasion], Recipients]
    # The link (a path) for a recipient (None: a plain address).
    link: Callable[[Occasion, Any], str]
    events: tuple[str, ...] = ()
    # Legally relevant (receipt, decision): always by e-mail, whatever the person chose.
    legally_relevant: bool = False
    # E-mail templates ``<template>_subject.txt`` and ``<template>.txt``.
    template: str = "notifications/email/notification"
    # Facts (never free text written by a person) for the e-mail: e.g. a due date.
    details: Callable[[Occasion], Mapping[str, Any]] | None = None
    # Whether an event row of one of ``events`` causes it (e.g. only a conflict).
    applies: Callable[[Any], bool] | None = None
    # Who caused it is not told of it (``True``), e.g. the sender of a message.
    skip_actor: bool = True
    # Keep the e-mail's recipients as an internal event on the timeline (``mail_sent``).
    record_mail: bool = False


class Catalogue:
    def __init__(self) -> None:
        self._types: dict[str, NotificationType] = {}

    def register(self, ntype: NotificationType) -> NotificationType:
        known = self._types.get(ntype.kind)
        if known is not None and known != ntype:
            raise ImproperlyConfigured(f"Notification type {ntype.kind!r} is already registered.")
        self._types[ntype.kind] = ntype
        return ntype

    def unregister(self, kind: str) -> None:
        self._types.pop(kind, None)

    def __getitem__(self, kind: str) -> NotificationType:
        return self._types[kind]

    def __contains__(self, kind: object) -> bool:
        return kind in self._types

    def __iter__(self):
        return iter(self._types.values())

    def for_event(self, event) -> list[NotificationType]:
        """The types an event row causes."""
        return [
            t
            for t in self._types.values()
            if event.action in t.events and (t.applies is None or t.applies(event))
        ]

    def label(self, kind: str) -> str:
        known = self._types.get(kind)
        return str(known.label) if known is not None else kind


catalogue = Catalogue()


class RecipientResolvers:
    """Name -> function(event) returning people, for recipients only a lower app can compute
    (``messaging.selectors.message_recipients``)."""

    def __init__(self) -> None:
        self._resolvers: dict[str, Callable[[Any], Sequence[Any]]] = {}

    def register(self, name: str, resolver: Callable[[Any], Sequence[Any]]) -> None:
        self._resolvers[name] = resolver

    def unregister(self, name: str) -> None:
        self._resolvers.pop(name, None)

    def resolve(self, name: str, event) -> list:
        resolver = self._resolvers.get(name)
        return [] if resolver is None else list(resolver(event))

    def __contains__(self, name: object) -> bool:
        return name in self._resolvers


recipient_resolvers = RecipientResolvers()
