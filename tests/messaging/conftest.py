"""A submitted application of a lead municipality with a confirmed partner, and one person
per role around it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import PartnerStatus
from applications.workflow import Status
from tests.factories import (
    MINIMAL_PDF,
    AdminFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    CaseOfficerFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)


@dataclass
class Case:
    application: object
    lead: object
    partner: object
    other: object
    officer: object
    reviewer: object
    admin: object


@pytest.fixture
def case(db) -> Case:
    lead_municipality = MunicipalityFactory(name="Heppenheim (Bergstraße)")
    partner_municipality = MunicipalityFactory(name="Mörlenbach")
    application = ApplicationFactory(
        lead_municipality=lead_municipality,
        status=Status.SUBMITTED,
        complete=True,
        title="Heppenheim verbindet",
    )
    ApplicationPartnerFactory(
        application=application,
        municipality=partner_municipality,
        status=PartnerStatus.CONFIRMED,
    )
    return Case(
        application=application,
        lead=staff_for(lead_municipality, full_name="Lea Lead"),
        partner=staff_for(partner_municipality, full_name="Paul Partner"),
        other=staff_for(MunicipalityFactory(name="Lorsch"), full_name="Olga Other"),
        officer=CaseOfficerFactory(full_name="Sven Sachbearbeitung"),
        reviewer=ReviewerFactory(full_name="Julia Jury"),
        admin=AdminFactory(full_name="Ada Admin"),
    )


def pdf_upload(name: str = "Zeitplan.pdf", content: bytes = MINIMAL_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")
