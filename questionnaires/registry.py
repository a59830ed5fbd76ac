"""What higher apps tell the question sets (filled in their ``AppConfig.ready``; this app
imports none of them): the attachment kinds an attachment question may ask for, and the
names a question key may not take (the application's own fields and sections, which share
the keys of error messages and exports with the answers)."""

from __future__ import annotations

from collections.abc import Iterable

ATTACHMENT_KINDS: dict[str, str] = {}
RESERVED_KEYS: set[str] = set()


def register_attachment_kinds(choices: Iterable[tuple[str, object]]) -> None:
    ATTACHMENT_KINDS.update({value: str(label) for value, label in choices})


def register_reserved_keys(keys: Iterable[str]) -> None:
    RESERVED_KEYS.update(keys)
