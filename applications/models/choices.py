"""The fixed vocabularies of an application: programme lines, financing types, sections and
their fields, partner and participation states, attachment kinds. No models here, so every
model module can import them."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


MONEY = {"max_digits": 12, "decimal_places": 2}


# Choices ----------------------------------------------------------------------------------------
class ProgrammeLine(models.TextChoices):
    KIV = "KIV", _("Kommunale Vielfalts- und Integrationsstrategie")


class FinancingType(models.TextChoices):
    FEHLBEDARF = "fehlbedarf", _("Fehlbedarfsfinanzierung")
    ANTEIL = "anteil", _("Anteilfinanzierung")
    FESTBETRAG = "festbetrag", _("Festbetragsfinanzierung")
    VOLL = "voll", _("Vollfinanzierung")


class AttachmentKind(models.TextChoices):
    KONZEPT = "konzept", _("Konzept")
    LETTER_OF_INTENT = "letter_of_intent", _("Absichtserklärung (Partnerkommune)")
    COST_PLAN = "cost_plan", _("Kosten- und Finanzierungsplan (Anlage)")
    COUNCIL = "council", _("Beschluss / Detailangaben")
    OTHER = "other", _("Sonstiges")


class Section(models.TextChoices):
    """The parts of the form (Formblatt 1). A Nachforderung names the sections it reopens."""

    APPLICANT = "applicant", _("Antragstellende Kommune")
    PARTNERS = "partners", _("Partnerkommunen")
    PROJECT = "project", _("Vorhaben")
    COST_PLAN = "cost_plan", _("Kosten- und Finanzierungsplan")
    ATTACHMENTS = "attachments", _("Anlagen")
    DECLARATIONS = "declarations", _("Erklärungen")


# The order of the form's pages and of every summary (the URL names are applications:<section>).
SECTION_ORDER = (
    Section.APPLICANT,
    Section.PARTNERS,
    Section.PROJECT,
    Section.COST_PLAN,
    Section.ATTACHMENTS,
    Section.DECLARATIONS,
)


# The plain fields of each section that ``application_update_section`` writes. The cost plan,
# partners, attachments and declarations (the round's own, ``applications.calls``) have
# services of their own.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    Section.APPLICANT: (
        "street",
        "postcode",
        "city",
        "contact_name",
        "contact_function",
        "contact_email",
        "contact_phone",
        "signatory_name",
        "signatory_function",
        "iban",
        "account_holder",
    ),
    Section.PROJECT: (
        "title",
        "summary",
        "start_date",
        "end_date",
    ),
}


FINANCING_FIELDS = ("own_funds", "third_party_funds", "requested_grant")


# The short summary is "half a page"; long answers of a question set may run to about three
# pages (questionnaires.models.LONG_TEXT_DEFAULT_LIMIT, the same 8,000). Checked by forms and
# services alike (the form shows a counter).
SUMMARY_MAX_LENGTH = 2_000


ANSWER_MAX_LENGTH = 8_000


class PartnerStatus(models.TextChoices):
    PENDING = "pending", _("Bestätigung ausstehend")
    CONFIRMED = "confirmed", _("bestätigt")
    DECLINED = "declined", _("abgelehnt")


class ParticipationRole(models.TextChoices):
    LEAD = "lead", _("antragstellend")
    PARTNER = "partner", _("Partnerkommune")
