"""One event vocabulary: every value an event row may hold is registered (by its app, in
``AppConfig.ready``) with its label; the field's choices, ``get_action_display``, ``label`` and
the one timeline template read the labels from there."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.template.loader import render_to_string
from django.utils.html import escape

from applications.events import EventRegistry, event_choices, event_types
from applications.models import ApplicationEvent, EventAction
from applications.services.base import record_event
from applications.workflow import Action, Status


def test_the_events_of_applications_are_registered_with_their_labels():
    for vocabulary in (Action, EventAction):
        for member in vocabulary:
            assert member.value in event_types
            assert event_types.label(member.value) == str(member.label)


def test_the_field_choices_are_the_vocabulary():
    field = ApplicationEvent._meta.get_field("action")
    assert [value for value, _ in field.choices] == [value for value, _ in event_choices()]
    assert {t.value for t in event_types} >= set(Action.values) | set(EventAction.values)
    assert all(len(t.value) <= field.max_length for t in event_types)


def test_label_and_display_come_from_the_vocabulary():
    for t in event_types:
        event = ApplicationEvent(action=t.value)
        assert event.label == event.get_action_display() == str(t.label)


def test_the_timeline_shows_every_event_type_with_its_label():
    events = [
        ApplicationEvent(action=t.value, internal=t.value not in Action.values) for t in event_types
    ]
    html = render_to_string("includes/_timeline.html", {"events": events})
    for t in event_types:
        assert escape(str(t.label)) in html, t.value
    assert "→" not in html  # no status change in these events


def test_the_timeline_shows_a_status_change():
    event = ApplicationEvent(
        action=Action.SUBMIT, from_status=Status.DRAFT, to_status=Status.SUBMITTED
    )
    html = render_to_string("includes/_timeline.html", {"events": [event]})
    assert "Antrag einreichen → Eingereicht" in html
    assert "Einträge mit der Markierung" not in html
    hinted = render_to_string("includes/_timeline.html", {"events": [event], "internal_hint": True})
    assert "Einträge mit der Markierung „intern“ sieht die Kommune nicht." in hinted


class Lights(models.TextChoices):
    ON = "on", "an"
    OFF = "off", "aus"


class Clash(models.TextChoices):
    ON = "on", "eingeschaltet"


def test_registry_refuses_a_value_taken_by_another_vocabulary():
    registry = EventRegistry()
    registry.register(Lights)
    registry.register(Lights)  # the same class again: nothing happens
    assert [t.value for t in registry] == ["on", "off"]
    assert registry.label("off") == "aus"
    assert registry.label("unknown") == "unknown"
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register(Clash)


def test_record_event_refuses_an_unregistered_value():
    with pytest.raises(ValueError, match="Unknown event type"):
        record_event(1, None, "teleport")


def test_event_rows_are_written_only_by_record_event():
    """No ``ApplicationEvent(...)`` or ``ApplicationEvent.objects.create`` outside
    ``applications/services/base.py`` (record_event and event_row)."""
    root = Path(__file__).resolve().parents[2]
    skip = {".venv", "node_modules", "migrations", "tests", "bench", ".git"}
    found = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if skip & set(rel.parts[:-1]) or rel == Path("applications/services/base.py"):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in ("ApplicationEvent(", "ApplicationEvent.objects.create", "events.create("):
            if pattern in text.replace("class ApplicationEvent(", ""):
                found.append(f"{rel}: {pattern}")
    assert not found, found
