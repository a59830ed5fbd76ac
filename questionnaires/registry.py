"""What higher apps tell the question sets (filled in their ``AppConfig.ready``; this app
imports none of them): the attachment kinds an attachment question may ask for, and the
names a question key may not take (the application's own fields and sections, which share
the keys of error messages and exports with the answers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

ATTACHMENT_KINDS: dict[str, str] = {}
RESERVED_KEYS: set[str] = set()
# question set → (key, label) of the attachment kinds of the rounds that ask it
ROUND_KIND_SOURCES: list[Callable[[Any], Iterable[tuple[str, str]]]] = []


def register_attachment_kinds(choices: Iterable[tuple[str, object]]) -> None:
    ATTACHMENT_KINDS.update({value: str(label) for value, label in choices})


def register_reserved_keys(keys: Iterable[str]) -> None:
    RESERVED_KEYS.update(keys)


def register_round_attachment_kinds(source: Callable[[Any], Iterable[tuple[str, str]]]) -> None:
    if source not in ROUND_KIND_SOURCES:
        ROUND_KIND_SOURCES.append(source)


def attachment_kind_choices(question_set: Any = None) -> list[tuple[str, str]]:
    """The kinds an attachment question of ``question_set`` may ask for: those of the rounds
    that ask the set first (their own labels), then the standard kinds."""
    choices: dict[str, str] = {}
    if question_set is not None and question_set.pk:
        for source in ROUND_KIND_SOURCES:
            for key, label in source(question_set):
                choices.setdefault(key, str(label))
    for key, label in ATTACHMENT_KINDS.items():
        choices.setdefault(key, label)
    return list(choices.items())
