"""The grant PDFs (PDF/A, their text), stored once when their task runs twice, downloadable by
who may see the application."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from documents import grant_documents
from documents.models import DocumentKind, GeneratedDocument
from grants import services

from .conftest import at
from .test_payments import DAY, request

pytestmark = pytest.mark.django_db


def text_of(document: GeneratedDocument) -> str:
    document.file.open("rb")
    try:
        reader = PdfReader(io.BytesIO(document.file.read()))
    finally:
        document.file.close()
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_payment_request_pdf(binding_grant, applicant):
    items = [
        {"description": "Moderation Werkstatt 1", "due_on": DAY, "amount": "3.000,00"},
        {"description": "Saalmiete", "due_on": dt.date(2026, 6, 1), "amount": "2.500,50"},
    ]
    req = request(binding_grant, applicant, amount="5.500,50", items=items)
    document = grant_documents.render_payment_request(req.pk)
    again = grant_documents.render_payment_request(req.pk)
    assert document.pk == again.pk
    assert GeneratedDocument.objects.filter(kind=DocumentKind.PAYMENT_REQUEST).count() == 1
    assert document.version == 1 and document.label == "Mittelabruf Nr. 1"
    text = text_of(document)
    assert "Mittelabruf Nr. 1" in text
    assert binding_grant.application.reference in text
    assert "5.500,50 €" in text and "Saalmiete" in text and "01.06.2026" in text
    assert "DE89 3704 0044 0532 0130 00" in text


def test_payment_order_pdf(binding_grant, applicant, officer):
    first = request(binding_grant, applicant, amount="5.000,00")
    services.payment_approve(request=first, user=officer, now=at(DAY))
    second = request(binding_grant, applicant, amount="4.000,00")
    second = services.payment_approve(
        request=second, user=officer, approved_amount="3.500,00", message="Eine Rechnung fehlt",
        now=at(DAY),
    )  # fmt: skip
    document = grant_documents.render_payment_order(second.order.pk)
    assert document.version == 2
    text = text_of(document)
    assert "Auszahlungsanordnung" in text and second.order.number in text
    assert "3.500,00 €" in text  # this order
    assert "5.000,00 €" in text  # ordered before
    assert "8.500,00 €" in text  # with this one
    assert "9.500,00 €" in text  # not yet ordered of 18.000
    assert "Eine Rechnung fehlt" in text
    assert "Sachlich richtig" in text


def test_change_decision_pdf(binding_grant, applicant, officer):
    change = services.change_request_create(
        grant=binding_grant, user=applicant, kind="term", text="Werkstätten verschoben",
        new_end_date=dt.date(2027, 6, 30),
    )  # fmt: skip
    services.change_grant(change=change, user=officer, message="Nachvollziehbar")
    text = text_of(grant_documents.render_change_decision(change.pk))
    assert "Änderungsbescheid" in text
    assert "30.06.2027" in text and "31.03.2027" in text
    assert "31.12.2027" in text  # the final report's new due date
    refused = services.change_request_create(
        grant=binding_grant, user=applicant, kind="content", text="Neue Zielgruppe"
    )
    services.change_refuse(change=refused, user=officer, reason="Zweck verfehlt")
    document = grant_documents.render_change_decision(refused.pk)
    assert document.version == 2
    text = text_of(document)
    assert "Ablehnung Ihres Änderungsantrags" in text and "Zweck verfehlt" in text


def test_open_change_has_no_decision(binding_grant, applicant):
    change = services.change_request_create(
        grant=binding_grant, user=applicant, kind="content", text="x"
    )
    assert grant_documents.render_change_decision(change.pk) is None
