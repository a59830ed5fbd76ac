"""The configuration of a call read by the form, the submission check and every summary:
its declarations and attachment kinds (``RoundDeclaration``, ``RoundAttachmentKind``), the
standard set a new round starts with, and who may apply (``EligibilityRule``) as a query."""

from __future__ import annotations

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from municipalities.models import GEMEINDE_KINDS, KREIS_LEVEL_KINDS

from .models import (
    Application,
    AttachmentKind,
    EligibilityRule,
    FundingRound,
    RoundAttachmentKind,
    RoundDeclaration,
)

# The standard set: today's declarations and attachment kinds of the strategy call. A new round
# in the admin starts with it (prefilled, editable); migration 0019 gave it to existing rounds.
STANDARD_DECLARATIONS = (
    {"key": "decl_not_started", "text": "Mit dem Vorhaben wurde noch nicht begonnen."},
    {"key": "decl_data_correct", "text": "Die Angaben sind vollständig und richtig."},
    {
        "key": "decl_anbest_gk",
        "text": "Die ANBest-GK sind bekannt und werden anerkannt.",
        "hint": "Allgemeine Nebenbestimmungen für Zuwendungen an Gemeinden und Gemeindeverbände:",
        "link_url": "anbest_gk",
        "link_text": "Das Wichtigste zu den ANBest-GK lesen",
    },
    {
        "key": "decl_data_protection",
        "text": "Die Hinweise zum Datenschutz wurden zur Kenntnis genommen.",
        "hint": "Wie das Portal Ihre Angaben verarbeitet:",
        "link_url": "datenschutz",
        "link_text": "Datenschutzerklärung lesen",
    },
)
STANDARD_DECLARATION_KEYS = tuple(d["key"] for d in STANDARD_DECLARATIONS)
STANDARD_ATTACHMENT_KINDS = tuple(
    {
        "key": kind.value,
        "label": str(kind.label),
        "per_partner": kind == AttachmentKind.LETTER_OF_INTENT,
    }
    for kind in AttachmentKind
)


def round_add_standard_set(round_: FundingRound, *, required_kinds=("konzept",)) -> None:
    """Give ``round_`` the standard declarations and attachment kinds (``required_kinds``
    required). For demo data, tests and benchmarks; admins get the set prefilled."""
    RoundDeclaration.objects.bulk_create(
        RoundDeclaration(round=round_, position=i, **values)
        for i, values in enumerate(STANDARD_DECLARATIONS, start=1)
    )
    RoundAttachmentKind.objects.bulk_create(
        RoundAttachmentKind(round=round_, position=i, required=values["key"] in required_kinds,
                            **values)
        for i, values in enumerate(STANDARD_ATTACHMENT_KINDS, start=1)
    )  # fmt: skip


# Declarations -------------------------------------------------------------------------------
def round_declarations(round_: FundingRound) -> list[RoundDeclaration]:
    cached = getattr(round_, "_declarations", None)
    if cached is None:
        cached = round_._declarations = list(round_.declarations.order_by("position", "pk"))
    return cached


def declaration_link(declaration: RoundDeclaration) -> str:
    """The link's address: as entered, or the portal page of that URL name."""
    url = declaration.link_url.strip()
    if not url or url.startswith(("/", "https://", "http://")):
        return url
    try:
        return reverse(url)
    except NoReverseMatch:
        return ""


def declaration_help(declaration: RoundDeclaration) -> str:
    """The hint under the checkbox, with its link (HTML-escaped)."""
    url = declaration_link(declaration)
    if url and declaration.link_text:
        return format_html(
            '{} <a class="kern-link" href="{}">{}</a>',
            declaration.hint,
            url,
            declaration.link_text,
        )
    return declaration.hint


def declaration_answers(application: Application) -> list[tuple[str, bool]]:
    """(text, confirmed) for each declaration of the application's round, in order."""
    confirmed = application.declarations or {}
    return [(d.text, bool(confirmed.get(d.key))) for d in round_declarations(application.round)]


def declaration_errors(application: Application) -> dict[str, list[str]]:
    """``{"decl:<key>": [message]}`` for each required declaration not confirmed."""
    confirmed = application.declarations or {}
    return {
        f"decl:{d.key}": [_("Bitte bestätigen Sie: %(label)s") % {"label": d.text}]
        for d in round_declarations(application.round)
        if d.required and not confirmed.get(d.key)
    }


# Attachment kinds ---------------------------------------------------------------------------
def round_attachment_kinds(round_: FundingRound) -> list[RoundAttachmentKind]:
    cached = getattr(round_, "_attachment_kinds", None)
    if cached is None:
        cached = round_._attachment_kinds = list(round_.attachment_kinds.order_by("position", "pk"))
    return cached


def question_set_attachment_kinds(question_set) -> list[tuple[str, str]]:
    """(key, label) of the attachment kinds of the rounds asking ``question_set`` (for its
    attachment questions, registered with questionnaires in ``ApplicationsConfig.ready``)."""
    kinds = RoundAttachmentKind.objects.filter(round__question_set=question_set).order_by(
        "round_id", "position", "pk"
    )
    return [(k.key, k.label) for k in kinds]


def attachment_errors(round_: FundingRound, kinds: list[str], partner_count: int) -> list[str]:
    """Why the uploaded ``kinds`` (one key per file) do not meet the round's required kinds."""
    problems = []
    for kind in round_attachment_kinds(round_):
        if not kind.required:
            continue
        present = kinds.count(kind.key)
        if kind.per_partner:
            if partner_count and present < partner_count:
                problems.append(
                    _(
                        "Bitte laden Sie für jede Partnerkommune die Anlage „%(kind)s“ hoch "
                        "(%(required)s erforderlich, %(present)s vorhanden)."
                    )
                    % {"kind": kind.label, "required": partner_count, "present": present}
                )
        elif not present:
            problems.append(_("Bitte laden Sie die Anlage „%(kind)s“ hoch.") % {"kind": kind.label})
    return problems


# Eligibility as a query ---------------------------------------------------------------------
def eligible_by_rule_q(round_: FundingRound) -> Q:
    """The register rows the round's eligibility rule admits as applicant or partner (the
    population band's own figures are applied by the caller)."""
    rule = round_.eligibility_rule
    if rule == EligibilityRule.KREISE:
        return Q(kind__in=KREIS_LEVEL_KINDS)
    if rule == EligibilityRule.ALLOWED_LIST:
        return Q(pk__in=round_.allowed_municipalities.values("pk"))
    return Q(kind__in=GEMEINDE_KINDS)
