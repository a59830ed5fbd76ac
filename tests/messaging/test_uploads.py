"""Attachments of messages: checked like the application's uploads, nothing half saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from applications.models import ApplicationEvent
from messaging import services
from messaging.models import Message, MessageAttachment
from tests.factories import MINIMAL_PDF

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list:
    from pathlib import Path

    return [p for p in (Path(settings.MEDIA_ROOT) / "messages").rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: pdf_upload("Zeitplan.pdf", b"kein PDF, nur Text"), "ist aber kein PDF"),
        (lambda: pdf_upload("Programm.exe", b"MZ\x90\x00binary"), "nicht zugelassenes Format"),
        (lambda: pdf_upload("leer.pdf", b""), "ist leer"),
    ],
)
def test_a_bad_file_is_refused_in_german_and_nothing_is_saved(case, settings, upload, message):
    good = pdf_upload("gut.pdf")
    with pytest.raises(ValidationError) as exc:
        services.message_send(
            application=case.application,
            user=case.lead,
            text="Anbei die Unterlagen",
            files=[good, upload()],
        )
    assert message in " ".join(exc.value.message_dict["file"])
    assert Message.objects.count() == 0
    assert MessageAttachment.objects.count() == 0
    assert not ApplicationEvent.objects.filter(action="message_sent").exists()
    assert stored_files(settings) == []


def test_a_too_large_file_is_refused(case, settings):
    settings.WIR_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        services.message_send(
            application=case.application, user=case.lead, text="x", files=[pdf_upload()]
        )
    assert "zu groß" in " ".join(exc.value.message_dict["file"])
    assert Message.objects.count() == 0


def test_a_failure_after_storing_removes_the_stored_files(case, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.message_send(
            application=case.application, user=case.lead, text="x", files=[pdf_upload()]
        )
    assert Message.objects.count() == 0
    assert stored_files(settings) == []


def test_a_good_file_is_stored_privately_with_its_checksum(case, settings):
    message = services.message_send(
        application=case.application, user=case.lead, text="Anbei", files=[pdf_upload()]
    )
    attachment = message.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(MINIMAL_PDF)
    assert attachment.file.name.startswith(f"messages/{case.application.pk}/")
    assert stored_files(settings)[0].read_bytes() == MINIMAL_PDF
