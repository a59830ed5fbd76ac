"""Who may apply in a round, alone or jointly, explained in plain German with the figures used.

A round chooses its rule type (``FundingRound.eligibility_rule``): the population band below
(the strategy call), any Stadt or Gemeinde of the register, a list of selected municipalities,
or Landkreise and kreisfreie Städte. The last three admit their kind alone or, where the round
allows joint applications, with partners that the same rule admits. For all of them: one
application per municipality per round, active Hessian rows of the register only.

Population band (all figures from the round): population from the register; above the upper bound
not eligible; between the bounds alone (or as lead of a joint application if the round allows it);
below the lower bound only jointly with 1 to ``joint_max_partners`` partners; one application per
municipality per round, counting participation as partner; inactive municipalities cannot apply. A
partner may be any active Hessian municipality not above the upper bound and not yet part of an
application in the round (the call leaves open whether a partner may have more than the lower bound;
it is allowed).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import de_date, de_number
from municipalities.models import (
    GEMEINDE_KINDS,
    KREIS_LEVEL_KINDS,
    Municipality,
    MunicipalityKind,
)

from .models import (
    ROUND_RULE_FIELDS,
    EligibilityRule,
    FundingRound,
    ParticipationRole,
    PartnerStatus,
    RoundParticipation,
)

HESSEN_LAND_PREFIX = "06"


def municipality_label(municipality: Municipality) -> str:
    """'Stadt Bensheim', 'Wissenschaftsstadt Darmstadt', 'Gemeinde Lautertal (Odenwald)'.

    The register writes a town's title after its name ("Bensheim, Stadt", "Darmstadt,
    Wissenschaftsstadt"); in a sentence the title comes first, and only once."""
    name = municipality.name
    if municipality.kind == MunicipalityKind.LANDKREIS:
        return municipality.display_name
    base, unused, title = name.rpartition(", ")
    if base and title.lower().endswith("stadt"):
        return f"{title} {base}"
    word = (
        "Stadt"
        if municipality.kind in (MunicipalityKind.STADT, MunicipalityKind.KREISFREIE_STADT)
        else "Gemeinde"
    )
    return f"{word} {name}"


def _inhabitants(municipality: Municipality) -> str:
    return _(
        "%(municipality)s hat %(population)s Einwohnerinnen und Einwohner (Stand %(date)s)."
    ) % {
        "municipality": municipality_label(municipality),
        "population": de_number(municipality.population),
        "date": de_date(municipality.population_date),
    }


# Result -----------------------------------------------------------------------------------
class Mode(StrEnum):
    ALONE = "alone"
    JOINT_LEAD = "joint_lead"
    JOINT_REQUIRED = "joint_required"
    NOT_ELIGIBLE = "not_eligible"


MODE_LABELS = {
    Mode.ALONE: gettext_lazy("Antrag als einzelne Kommune"),
    Mode.JOINT_LEAD: gettext_lazy("Gemeinsamer Antrag als federführende Kommune"),
    Mode.JOINT_REQUIRED: gettext_lazy("Antrag nur gemeinsam mit Partnerkommunen"),
    Mode.NOT_ELIGIBLE: gettext_lazy("nicht antragsberechtigt"),
}


@dataclass
class EligibilityResult:
    """``eligible``: the constellation given (municipality + partners) may be submitted.
    ``mode``: how the municipality may take part; ``can_start`` is False only when it may not
    take part at all. ``messages``: German sentences with the figures used, for the page;
    ``problems``: the subset of them that explain why the constellation is not eligible."""

    eligible: bool
    mode: Mode
    messages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    population: int | None = None
    combined_population: int | None = None
    partner_errors: dict[int, list[str]] = field(default_factory=dict)

    @property
    def can_start(self) -> bool:
        return self.mode != Mode.NOT_ELIGIBLE

    @property
    def mode_label(self) -> str:
        return str(MODE_LABELS[self.mode])

    def __bool__(self) -> bool:
        return self.eligible


# Checks -----------------------------------------------------------------------------------
def _participation_text(round_, municipality: Municipality, exclude_application_id) -> str | None:
    """Why ``municipality`` is already taken in ``round_``, or None."""
    qs = RoundParticipation.objects.filter(round=round_, municipality=municipality)
    if exclude_application_id is not None:
        qs = qs.exclude(application_id=exclude_application_id)
    p = qs.select_related("application__lead_municipality").first()
    if p is None:
        return None
    app = p.application
    values = {
        "municipality": municipality_label(municipality),
        "round": round_.title,
        "reference": app.reference,
        "lead": municipality_label(app.lead_municipality),
    }
    if p.role == ParticipationRole.LEAD:
        if app.reference:
            text = _(
                "%(municipality)s nimmt an der Förderrunde „%(round)s“ bereits mit dem Antrag "
                "%(reference)s teil. Je Förderrunde ist nur eine Beteiligung möglich."
            )
        else:
            text = _(
                "%(municipality)s nimmt an der Förderrunde „%(round)s“ bereits mit einem "
                "Antragsentwurf teil. Je Förderrunde ist nur eine Beteiligung möglich."
            )
    elif app.reference:
        text = _(
            "%(municipality)s nimmt an der Förderrunde „%(round)s“ bereits als Partnerkommune "
            "an dem Antrag %(reference)s der %(lead)s teil. Je Förderrunde ist nur eine "
            "Beteiligung möglich."
        )
    else:
        text = _(
            "%(municipality)s nimmt an der Förderrunde „%(round)s“ bereits als Partnerkommune "
            "an einem Antragsentwurf der %(lead)s teil. Je Förderrunde ist nur eine "
            "Beteiligung möglich."
        )
    return text % values


def _basic_problems(round_, municipality: Municipality, exclude_application_id) -> list[str]:
    """Reasons why a municipality cannot take part at all (as lead or partner)."""
    label = municipality_label(municipality)
    problems = []
    if not municipality.ags.startswith(HESSEN_LAND_PREFIX):
        problems.append(
            _("%(municipality)s liegt nicht in Hessen und ist nicht antragsberechtigt.")
            % {"municipality": label}
        )
    if municipality.kind == MunicipalityKind.GEMEINDEFREI:
        problems.append(
            _("%(name)s ist ein gemeindefreies Gebiet, keine Kommune.")
            % {"name": municipality.name}
        )
    if not municipality.is_active:
        problems.append(
            _(
                "%(municipality)s wird im Gemeindeverzeichnis nicht mehr als eigenständige "
                "Kommune geführt und kann keinen Antrag stellen."
            )
            % {"municipality": label}
        )
    if municipality.kind != MunicipalityKind.GEMEINDEFREI:
        rule_text = _rule_problem(round_, municipality)
        if rule_text:
            problems.append(rule_text)
    taken = _participation_text(round_, municipality, exclude_application_id)
    if taken:
        problems.append(taken)
    return problems


RULE_WHO = {
    EligibilityRule.ANY_MUNICIPALITY: gettext_lazy("jede Stadt und Gemeinde in Hessen"),
    EligibilityRule.ALLOWED_LIST: gettext_lazy("die für die Förderrunde ausgewählten Kommunen"),
    EligibilityRule.KREISE: gettext_lazy("Landkreise und kreisfreie Städte"),
}


def _allowed_ids(round_) -> set[int]:
    cached = getattr(round_, "_allowed_ids", None)
    if cached is None:
        cached = round_._allowed_ids = set(
            round_.allowed_municipalities.values_list("pk", flat=True)
        )
    return cached


def _rule_problem(round_, municipality: Municipality) -> str | None:
    """Why the round's rule type does not admit ``municipality`` (as lead or partner)."""
    rule = round_.eligibility_rule
    values = {"municipality": municipality_label(municipality), "round": round_.title}
    if rule == EligibilityRule.KREISE:
        if municipality.kind not in KREIS_LEVEL_KINDS:
            return (
                _(
                    "%(municipality)s ist weder ein Landkreis noch eine kreisfreie Stadt. In der "
                    "Förderrunde „%(round)s“ sind nur Landkreise und kreisfreie Städte "
                    "antragsberechtigt."
                )
                % values
            )
    elif rule == EligibilityRule.ALLOWED_LIST:
        if municipality.pk not in _allowed_ids(round_):
            return (
                _(
                    "%(municipality)s gehört nicht zu den Kommunen, die in der Förderrunde "
                    "„%(round)s“ antragsberechtigt sind."
                )
                % values
            )
    elif municipality.kind not in GEMEINDE_KINDS:
        return (
            _(
                "%(municipality)s ist keine Stadt oder Gemeinde. In der Förderrunde „%(round)s“ "
                "sind nur Städte und Gemeinden antragsberechtigt."
            )
            % values
        )
    return None


def _reference_date_note(round_, municipalities: Iterable[Municipality]) -> str | None:
    dates = {m.population_date for m in municipalities}
    ref = round_.population_reference_date
    if ref and dates and dates != {ref}:
        return _(
            "Hinweis: Die Förderrunde nennt den Stichtag %(date)s; verwendet werden die "
            "Einwohnerzahlen des Gemeindeverzeichnisses zum angegebenen Stand."
        ) % {"date": de_date(ref)}
    return None


def check_partner(round_, partner: Municipality, *, lead=None, application=None) -> list[str]:
    """Why ``partner`` cannot be a partner municipality in ``round_`` (empty: it can)."""
    app_id = getattr(application, "pk", application)
    problems = []
    if lead is not None and partner.pk == lead.pk:
        return [_("Die antragstellende Kommune kann nicht zugleich Partnerkommune sein.")]
    problems.extend(_basic_problems(round_, partner, app_id))
    band = round_.eligibility_rule == EligibilityRule.POPULATION_BAND
    if band and partner.population > round_.population_upper:
        problems.append(
            _(
                "%(inhabitants)s Partnerkommunen dürfen höchstens "
                "%(upper)s Einwohnerinnen und Einwohner haben."
            )
            % {
                "inhabitants": _inhabitants(partner),
                "upper": de_number(round_.population_upper),
            }
        )
    return problems


def check_eligibility(
    *,
    round,  # noqa: A002 - the word of the domain
    municipality: Municipality,
    partners: Iterable[Municipality] = (),
    application=None,
) -> EligibilityResult:
    """May ``municipality`` apply in ``round``, alone or with ``partners``?

    ``application`` (instance or id): its own participation rows are not counted as "already
    taking part" (for checks on an existing application)."""
    r = round
    partners = list(partners)
    app_id = getattr(application, "pk", application)
    pop = municipality.population
    label = municipality_label(municipality)
    messages = [_inhabitants(municipality)]
    problems: list[str] = []
    bounds = _("%(lower)s bis %(upper)s Einwohnerinnen und Einwohnern") % {
        "lower": de_number(r.population_lower),
        "upper": de_number(r.population_upper),
    }

    def problem(text: str) -> None:
        messages.append(text)
        problems.append(text)

    def result(eligible: bool, mode: Mode, **kw) -> EligibilityResult:
        note = _reference_date_note(r, [municipality, *partners])
        if note:
            messages.append(note)
        return EligibilityResult(eligible, mode, messages, problems, population=pop, **kw)

    for text in _basic_problems(r, municipality, app_id):
        problem(text)
    if problems:
        return result(False, Mode.NOT_ELIGIBLE)

    band = r.eligibility_rule == EligibilityRule.POPULATION_BAND
    below = False
    if not band:
        messages.append(
            _("Sie kann einen Antrag stellen (antragsberechtigt: %(who)s).")
            % {"who": RULE_WHO[EligibilityRule(r.eligibility_rule)]}
        )
        base_mode = Mode.ALONE
    elif pop > r.population_upper:
        problem(
            _(
                "%(municipality)s hat %(population)s Einwohnerinnen und Einwohner. "
                "Antragsberechtigt sind Kommunen mit höchstens %(upper)s Einwohnerinnen und "
                "Einwohnern; %(municipality)s ist daher nicht antragsberechtigt."
            )
            % {
                "municipality": label,
                "population": de_number(pop),
                "upper": de_number(r.population_upper),
            }
        )
        return result(False, Mode.NOT_ELIGIBLE)
    else:
        below = pop < r.population_lower
    if band and below:
        if not r.joint_allowed:
            problem(
                _(
                    "%(municipality)s hat %(population)s Einwohnerinnen und Einwohner. In dieser "
                    "Förderrunde sind nur Kommunen mit %(bounds)s antragsberechtigt; "
                    "%(municipality)s ist daher nicht antragsberechtigt."
                )
                % {"municipality": label, "population": de_number(pop), "bounds": bounds}
            )
            return result(False, Mode.NOT_ELIGIBLE)
        if r.joint_max_partners == 1:
            text = _(
                "Sie kann nur gemeinsam mit einer Partnerkommune einen Antrag stellen "
                "(allein antragsberechtigt sind Kommunen mit %(bounds)s)."
            )
        else:
            text = _(
                "Sie kann nur gemeinsam mit einer oder zwei Partnerkommunen einen Antrag "
                "stellen (allein antragsberechtigt sind Kommunen mit %(bounds)s)."
            )
        messages.append(text % {"bounds": bounds})
        base_mode = Mode.JOINT_REQUIRED
    elif band:
        messages.append(
            _("Sie kann allein einen Antrag stellen (antragsberechtigt: %(bounds)s).")
            % {"bounds": bounds}
        )
        base_mode = Mode.ALONE

    if not partners:
        if below:
            problem(_("Bisher ist keine Partnerkommune angegeben."))
            return result(False, base_mode)
        return result(True, base_mode)

    # A joint application.
    if not r.joint_allowed:
        problem(_("In dieser Förderrunde sind gemeinsame Anträge nicht vorgesehen."))
        return result(False, base_mode)
    if band and not below and not r.lead_between_bounds_may_be_joint:
        problem(
            _(
                "Kommunen mit %(bounds)s stellen in dieser Förderrunde allein einen Antrag; "
                "einen gemeinsamen Antrag kann nur eine Kommune mit weniger als "
                "%(lower)s Einwohnerinnen und Einwohnern führen."
            )
            % {"bounds": bounds, "lower": de_number(r.population_lower)}
        )
    if len(partners) > r.joint_max_partners:
        problem(
            _(
                "Ein gemeinsamer Antrag kann höchstens %(max)s Partnerkommunen "
                "umfassen; angegeben sind %(count)s."
            )
            % {"max": r.joint_max_partners, "count": len(partners)}
        )
    seen: dict[int, Municipality] = {}
    partner_errors: dict[int, list[str]] = {}
    for partner in partners:
        if partner.pk in seen:
            errs = [
                _("%(municipality)s ist doppelt angegeben.")
                % {"municipality": municipality_label(partner)}
            ]
        else:
            errs = check_partner(r, partner, lead=municipality, application=app_id)
        seen[partner.pk] = partner
        if errs:
            partner_errors[partner.pk] = errs
            for text in errs:
                problem(text)
        else:
            messages.append(_inhabitants(partner))
    combined = pop + sum(p.population for p in seen.values() if p.pk != municipality.pk)
    names = ", ".join(municipality_label(m) for m in [municipality, *seen.values()])
    messages.append(
        _(
            "Zusammen haben die beteiligten Kommunen (%(names)s) %(population)s "
            "Einwohnerinnen und Einwohner."
        )
        % {"names": names, "population": de_number(combined)}
    )
    ok = not problems
    mode = Mode.JOINT_LEAD if ok else base_mode
    return result(ok, mode, combined_population=combined, partner_errors=partner_errors)


# Figures frozen at submission ---------------------------------------------------------------------
# An application is judged after its submission by the rules of the round and the register
# figures of the municipalities taking part as they were when it was submitted: a later change
# of the round (which the admin forbids anyway once anything is submitted) or a newer register
# import must not turn a submitted application "nicht antragsberechtigt".
MUNICIPALITY_FIGURES = ("population", "population_date", "is_active")


def freeze_figures(round_, municipalities: Iterable[Municipality], previous=None) -> dict:
    """The snapshot stored as ``Application.submission_rules``: ``{"round": {rule: value},
    "municipalities": {"<id>": {"population", "population_date", "is_active"}}}``.

    ``previous``: the snapshot of an earlier submission (answer to a Nachforderung): its rules
    and figures are kept; only municipalities added since are taken from the register now."""
    previous = previous or {}
    rules = previous.get("round") or {name: getattr(round_, name) for name in ROUND_RULE_FIELDS}
    figures = dict(previous.get("municipalities") or {})
    for municipality in municipalities:
        figures.setdefault(
            str(municipality.pk),
            {name: getattr(municipality, name) for name in MUNICIPALITY_FIGURES},
        )
    snapshot = {"round": rules, "municipalities": figures}
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def frozen_round(application):
    """The round with the rules ``application`` was submitted under (an unsaved copy), or the
    round itself for a draft."""
    rules = (application.submission_rules or {}).get("round")
    round_ = application.round
    if not rules:
        return round_
    frozen = copy.copy(round_)
    for name, value in rules.items():
        if name in ROUND_RULE_FIELDS:
            setattr(frozen, name, FundingRound._meta.get_field(name).to_python(value))
    return frozen


def frozen_municipality(application, municipality: Municipality) -> Municipality:
    """``municipality`` with the register figures frozen when ``application`` was submitted
    (an unsaved copy), or itself if none were frozen for it."""
    figures = (
        (application.submission_rules or {}).get("municipalities", {}).get(str(municipality.pk))
    )
    if not figures:
        return municipality
    frozen = copy.copy(municipality)
    for name, value in figures.items():
        if name in MUNICIPALITY_FIGURES:
            setattr(frozen, name, Municipality._meta.get_field(name).to_python(value))
    return frozen


def application_eligibility(application, partners: Iterable[Municipality] | None = None):
    """The eligibility of ``application`` as its pages show it: a draft with today's rules and
    register figures, a submitted application with those frozen at its submission.
    ``partners``: the partner municipalities (not declined); read from the database if None."""
    if partners is None:
        partners = [
            p.municipality
            for p in application.partners.select_related("municipality")
            if p.status != PartnerStatus.DECLINED
        ]
    return check_eligibility(
        round=frozen_round(application),
        municipality=frozen_municipality(application, application.lead_municipality),
        partners=[frozen_municipality(application, m) for m in partners],
        application=application,
    )
