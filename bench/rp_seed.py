"""Seeding for ``rp_pages.py``: one round of N submitted applications in every status after
submission, with realistic German text, partners, cost plans, attachments, the event trail,
formal checks, jury assignments and reviews with scores, written with bulk_create (about a
minute for N = 5,000; through the web it would take hours).

What a complete object needs follows ``tests/factories.py`` and ``demo/``: the lead's (and each
partner's) ``RoundParticipation`` unless withdrawn, ``submission_rules`` frozen by
``applications.eligibility.freeze_figures``, cost lines adding up to own funds + third-party
funds + requested grant, a Konzept and one letter of intent per partner, a receipt document,
and final reviews whose ``score`` is ``reviews.services.scoring.weighted_score`` of their points.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from common import SYNTHETIC_PREFIX, project_title, prose, synthetic_municipalities

# Share of each status among the submitted applications (about 57 % ranked: in review, ready
# for decision, approved; as the 2,877 of 5,000).
STATUS_WEIGHTS = {
    "submitted": 4,
    "in_check": 8,
    "missing_items": 3,
    "in_review": 37,
    "ready_for_decision": 12,
    "approved": 8,
    "rejected": 21,
    "withdrawn": 7,
}
# The transitions behind each status (Action values), in order.
PATHS = {
    "submitted": ["submit"],
    "in_check": ["submit", "start_check"],
    "missing_items": ["submit", "start_check", "request_items"],
    "in_review": ["submit", "start_check", "pass_check"],
    "ready_for_decision": ["submit", "start_check", "pass_check", "mark_ready"],
    "approved": ["submit", "start_check", "pass_check", "mark_ready", "approve"],
    "rejected": ["submit", "start_check", "pass_check", "reject"],  # after the jury's reviews
    "withdrawn": ["submit", "withdraw"],
}
REJECTED_AT_CHECK = ["submit", "start_check", "reject"]
# Two thirds of the rejections come at the formal check, before any review (so about 5,500
# reviews at N = 5,000, as in the issue).
REJECTED_AFTER_REVIEW_SHARE = 1 / 3
REVIEWED = {"in_review", "ready_for_decision", "approved", "rejected"}
JOINT_SHARE = 0.15
JURY_SIZE = 12
CRITERIA = (
    ("Sozialraumbezug", "1.00"),
    ("Kommunale Identität", "1.00"),
    ("Gesellschaftliche Teilhabe", "1.50"),
    ("Beteiligung und Erreichbarkeit aller Bevölkerungsgruppen", "1.50"),
    ("Plausibilität des Kosten- und Finanzierungsplans", "1.00"),
)
COST_CATEGORIES = (
    "Externe Prozessmoderation",
    "Beteiligungsformate und Veranstaltungen",
    "Öffentlichkeitsarbeit und Dokumentation",
    "Übersetzung und Dolmetschen",
    "Sachkosten",
)
# The strategy call's question set (issue 14): the long answers live in Application.answers.
LONG_ANSWERS = (
    "starting_situation", "aims", "social_space", "municipal_identity", "participation",
    "participation_formats", "outreach", "external_moderation", "milestones",
)  # fmt: skip


@dataclass
class SeededRound:
    round: object
    size: int
    reviewers: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


def ensure_municipalities(size: int, rng: random.Random) -> None:
    """Enough municipalities for ``size`` applications: leads of single applications between
    10,000 and 50,000 inhabitants, joint leads and partners below 10,000. The register's
    Hessian municipalities first, then synthetic ones (``common.synthetic_municipalities``)."""
    medium, small = _pools()
    need_medium = int(size * (1 - JOINT_SHARE)) + 150
    need_small = int(size * JOINT_SHARE * 2.6) + 100
    if need_medium > len(medium):
        synthetic_municipalities(need_medium - len(medium), rng, population=(10_000, 50_000))
    if need_small > len(small):
        synthetic_municipalities(need_small - len(small), rng, population=(1_500, 9_999))


def _pools(rng: random.Random | None = None):
    """(municipalities that may apply alone, those that may only apply jointly), the real
    Hessian ones first (shuffled by ``rng``), so a small N consists of Hessian places only."""
    from municipalities.models import Municipality

    active = Municipality.objects.filter(is_active=True).exclude(
        kind__in=["gemeindefrei", "landkreis"]
    )
    medium = list(active.filter(population__gte=10_000, population__lte=50_000).order_by("ags"))
    small = list(active.filter(population__gt=0, population__lt=10_000).order_by("ags"))

    def synthetic_last(m) -> tuple[bool, float]:
        return (m.ags.startswith(SYNTHETIC_PREFIX), rng.random() if rng else 0.0)

    return sorted(medium, key=synthetic_last), sorted(small, key=synthetic_last)


def people(password: str):
    """The case officer, and the TOTP device whose key the benchmark knows."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Role, User

    officer = User.objects.create_user(
        "sachbearbeitung@rpda.bench.example",
        password,
        full_name="Sabine Sachbearbeiterin",
        role=Role.CASE_OFFICER,
    )
    device = TOTPDevice.objects.create(user=officer, name="Bench", confirmed=True)
    return officer, device


def jury(label: str, password: str, rng: random.Random) -> list:
    from accounts.models import Role, User

    first = ("Anna", "Jonas", "Fatma", "Lukas", "Miriam", "Stefan", "Aylin", "Thomas")
    last = ("Becker", "Yılmaz", "Schneider", "Nowak", "Wagner", "Hoffmann", "Kaya", "Richter")
    reviewers = []
    for k in range(JURY_SIZE):
        user = User(
            email=f"jury{k + 1}-{label}@bench.example",
            full_name=f"{rng.choice(first)} {rng.choice(last)}",
            role=Role.REVIEWER,
        )
        reviewers.append(user)
    User.objects.bulk_create(reviewers)
    # One login password (hashed once: hashing is deliberately slow) for the one who logs in.
    reviewers[0].set_password(password)
    reviewers[0].save(update_fields=["password"])
    return reviewers


def _store_file(name: str, content: bytes) -> str:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(content))


def seed_round(size: int, officer, password: str, rng: random.Random, pdf: bytes) -> SeededRound:
    from django.db import transaction
    from django.utils import timezone

    from applications.calls import STANDARD_DECLARATION_KEYS, round_add_standard_set
    from applications.eligibility import freeze_figures
    from applications.models import (
        Application,
        ApplicationPartner,
        CostCategory,
        FundingRound,
        ReferenceCounter,
    )
    from applications.search import search_vectors_refresh
    from questionnaires.definitions import strategy_question_set
    from reviews.models import Criterion
    from reviews.stats import review_stats_refresh

    now = timezone.now()
    opens = now - dt.timedelta(days=120)
    deadline = now - dt.timedelta(days=60)
    with transaction.atomic():
        round_ = FundingRound.objects.create(
            question_set=strategy_question_set(),
            title=f"Förderrunde Benchmark N={size}",
            description="Kommunale Vielfalts- und Integrationsstrategien (Benchmark-Daten)",
            opens_at=opens,
            deadline=deadline,
            reference_prefix=f"BENCH-{size}",
            max_grant=Decimal("20000.00"),
            budget=Decimal(size * 7_000),  # about 40 % of what is requested
            population_reference_date=dt.date(2020, 12, 31),
            joint_allowed=True,
        )
        round_add_standard_set(round_, required_kinds=["konzept", "letter_of_intent"])
        categories = CostCategory.objects.bulk_create(
            CostCategory(round=round_, name=name, position=i)
            for i, name in enumerate(COST_CATEGORIES)
        )
        criteria = Criterion.objects.bulk_create(
            Criterion(round=round_, name=name, weight=Decimal(w), max_points=10, position=i)
            for i, (name, w) in enumerate(CRITERIA)
        )
        reviewers = jury(str(size), password, rng)
        seeded = SeededRound(round_, size, reviewers)

        medium, small = _pools(rng)
        statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=size)
        times = sorted(
            opens + dt.timedelta(seconds=rng.uniform(0, (deadline - opens).total_seconds()))
            for _ in range(size)
        )
        apps, partner_rows, joint = [], [], []
        m_i = s_i = 0
        for i in range(size):
            status = statuses[i]
            is_joint = rng.random() < JOINT_SHARE
            if is_joint:
                lead = small[s_i]
                partners = small[s_i + 1 : s_i + 1 + rng.choice((1, 1, 2))]
                s_i += 1 + len(partners)
            else:
                lead, partners = medium[m_i], []
                m_i += 1
            joint.append(partners)
            requested = Decimal(rng.randrange(8_000, 20_001, 500))
            own = (requested * Decimal(rng.choice(("0.10", "0.15", "0.20")))).quantize(
                Decimal("1.00")
            )
            third = rng.choice((Decimal("0.00"), Decimal("0.00"), Decimal("1500.00")))
            start = dt.date(2027, rng.randint(1, 6), 1)
            submitted = times[i]
            decided = status in ("approved", "rejected")
            apps.append(
                Application(
                    round=round_,
                    lead_municipality=lead,
                    status=status,
                    reference=f"{round_.reference_prefix}-{i + 1:04d}",
                    version=rng.randint(8, 30),
                    created_at=submitted - dt.timedelta(days=rng.randint(3, 40)),
                    updated_at=submitted,
                    submitted_at=submitted,
                    decided_at=now - dt.timedelta(days=2) if decided else None,
                    granted_amount=requested if status == "approved" else None,
                    submission_rules=freeze_figures(round_, [lead, *partners]),
                    street=f"{rng.choice(('Rathausplatz', 'Marktplatz', 'Hauptstraße'))} "
                    f"{rng.randint(1, 40)}",
                    postcode=lead.postcode or "64283",
                    city=lead.name.split(",")[0],
                    contact_name=rng.choice(("Erika Mustermann", "Deniz Aydın", "Jan Krüger")),
                    contact_function="Integrationsbeauftragte/r",
                    contact_email=f"integration{i}@gemeinde.bench.example",
                    contact_phone=f"0{rng.randint(6000, 6699)} {rng.randint(100, 999)}-0",
                    signatory_name=rng.choice(("Petra Schulz", "Martin Weber", "Leyla Demir")),
                    signatory_function="Bürgermeister/in",
                    iban="DE89370400440532013000",
                    account_holder=f"Gemeindekasse {lead.name.split(',')[0]}",
                    title=project_title(rng, lead.name),
                    summary=prose(rng, rng.randint(300, 900))[:2000],
                    start_date=start,
                    end_date=start + dt.timedelta(days=rng.choice((180, 270, 364, 500))),
                    own_funds=own,
                    third_party_funds=third,
                    requested_grant=requested,
                    declarations=dict.fromkeys(STANDARD_DECLARATION_KEYS, True),
                    question_set_id=round_.question_set_id,
                    answers={
                        "council_resolution": prose(rng, rng.randint(150, 400))[:2000],
                        **{n: prose(rng, rng.randint(500, 1800))[:5000] for n in LONG_ANSWERS},
                    },
                )
            )
        Application.objects.bulk_create(apps, batch_size=500)
        seeded.counts.update(statuses)
        for app in apps:
            # Not a field: which path led to the status (rp_seed only).
            app.bench_path = PATHS[app.status]
            if app.status == "rejected" and rng.random() >= REJECTED_AFTER_REVIEW_SHARE:
                app.bench_path = REJECTED_AT_CHECK
        for app, partners in zip(apps, joint, strict=True):
            for p in partners:
                partner_rows.append(
                    ApplicationPartner(
                        application=app,
                        municipality=p,
                        status="confirmed",
                        added_at=app.created_at,
                        decided_at=app.created_at + dt.timedelta(days=1),
                    )
                )
        ApplicationPartner.objects.bulk_create(partner_rows, batch_size=1000)
        seeded.counts["partners"] = len(partner_rows)
        _participations(round_, apps, joint)
        _costs(apps, categories, rng, seeded)
        _attachments(apps, joint, pdf, seeded)
        _events_and_checks(apps, officer, rng, seeded)
        _reviews(apps, reviewers, criteria, officer, rng, seeded)
        ReferenceCounter.objects.create(round=round_, last_number=size)
        # bulk_create bypasses the services that keep these current: the stored search
        # vector (applications/search.py) and the review statistics (reviews/stats.py).
        ids = [app.pk for app in apps]
        search_vectors_refresh(ids)
        review_stats_refresh(ids)
    return seeded


def _participations(round_, apps, joint) -> None:
    from applications.models import RoundParticipation

    rows = []
    for app, partners in zip(apps, joint, strict=True):
        if app.status == "withdrawn":
            continue  # a withdrawal frees the places in the round
        rows.append(
            RoundParticipation(
                round=round_, municipality=app.lead_municipality, application=app, role="lead"
            )
        )
        rows.extend(
            RoundParticipation(round=round_, municipality=p, application=app, role="partner")
            for p in partners
        )
    RoundParticipation.objects.bulk_create(rows, batch_size=1000)


def _costs(apps, categories, rng, seeded) -> None:
    from applications.models import CostLine

    descriptions = {
        0: "Moderation der Werkstätten durch ein Fachbüro",
        1: "Quartierswerkstätten, Auftakt- und Abschlussveranstaltung",
        2: "Flyer, Plakate, Dokumentation der Ergebnisse",
        3: "Übersetzung der Einladungen in fünf Sprachen",
        4: "Raummieten und Verpflegung",
    }
    rows = []
    for app in apps:
        total = app.own_funds + app.third_party_funds + app.requested_grant
        count = rng.randint(2, 5)
        shares = [rng.uniform(1, 3) for _ in range(count)]
        amounts = [(total * Decimal(s / sum(shares))).quantize(Decimal("1.00")) for s in shares]
        amounts[0] += total - sum(amounts)
        for position, amount in enumerate(amounts):
            rows.append(
                CostLine(
                    application=app,
                    category=categories[position],
                    description=descriptions[position],
                    amount=amount,
                    budget_year=app.start_date.year,
                    position=position,
                )
            )
    CostLine.objects.bulk_create(rows, batch_size=2000)
    seeded.counts["cost lines"] = len(rows)


def _attachments(apps, joint, pdf: bytes, seeded) -> None:
    """A Konzept and a letter of intent per partner; the rows share one stored PDF (the pages
    measured list attachments, they do not open them), and a receipt document each."""
    from applications.models import Attachment
    from documents.models import GeneratedDocument

    name = _store_file("bench/konzept.pdf", pdf)
    sha = hashlib.sha256(pdf).hexdigest()
    rows, receipts = [], []
    for app, partners in zip(apps, joint, strict=True):
        kinds = [("konzept", "Konzept.pdf")] + [
            ("letter_of_intent", f"Absichtserklaerung-{p.name.split(',')[0]}.pdf") for p in partners
        ]
        for kind, original in kinds:
            rows.append(
                Attachment(
                    application=app,
                    kind=kind,
                    file=name,
                    original_name=original[:200],
                    content_type="application/pdf",
                    size=len(pdf),
                    sha256=sha,
                    uploaded_at=app.submitted_at - dt.timedelta(days=1),
                )
            )
        receipts.append(
            GeneratedDocument(
                application=app,
                kind="receipt",
                file=name,
                filename=f"Eingangsbestaetigung-{app.reference}.pdf",
                size=len(pdf),
                sha256=sha,
                created_at=app.submitted_at,
            )
        )
    Attachment.objects.bulk_create(rows, batch_size=2000)
    GeneratedDocument.objects.bulk_create(receipts, batch_size=2000)
    seeded.counts["attachments"] = len(rows)


def _events_and_checks(apps, officer, rng, seeded) -> None:
    from applications.models import ApplicationEvent, ItemRequest
    from reviews.models import FormalCheck

    targets = {
        "submit": ("draft", "submitted"),
        "start_check": ("submitted", "in_check"),
        "request_items": ("in_check", "missing_items"),
        "pass_check": ("in_check", "in_review"),
        "mark_ready": ("in_review", "ready_for_decision"),
        "approve": ("ready_for_decision", "approved"),
        "withdraw": ("submitted", "withdrawn"),
    }
    events, checks, requests = [], [], []
    for app in apps:
        moment = app.created_at
        events.append(
            ApplicationEvent(
                application=app, action="created", to_status="draft", created_at=moment
            )
        )
        moment = app.submitted_at
        path = app.bench_path
        for action in path:
            if action == "reject":
                source = "in_review" if "pass_check" in path else "in_check"
                target = "rejected"
            else:
                source, target = targets[action]
            actor = None if action in ("submit", "withdraw") else officer
            events.append(
                ApplicationEvent(
                    application=app,
                    actor=actor,
                    action=action,
                    from_status=source,
                    to_status=target,
                    created_at=moment,
                    message="Die Unterlagen zum Sozialraumbezug fehlen."
                    if action == "request_items"
                    else "",
                )
            )
            moment += dt.timedelta(days=rng.randint(1, 10))
        if "pass_check" in path:
            checks.append(
                FormalCheck(
                    application=app,
                    eligible_population=True,
                    documents_complete=True,
                    financing_plausible=True,
                    declarations_given=True,
                    outcome="passed",
                    checked_by=officer,
                    checked_at=app.submitted_at + dt.timedelta(days=5),
                )
            )
        if app.status == "missing_items":
            requests.append(
                ItemRequest(
                    application=app,
                    sections=["project"],
                    message="Bitte ergänzen Sie die Angaben zum Sozialraumbezug.",
                    created_by=officer,
                    created_at=app.submitted_at + dt.timedelta(days=5),
                )
            )
    ItemRequest.objects.bulk_create(requests)
    FormalCheck.objects.bulk_create(
        [
            *checks,
            *(
                FormalCheck(
                    application_id=r.application_id,
                    documents_complete=True,
                    declarations_given=True,
                    outcome="items_requested",
                    item_request=r,
                    checked_by=officer,
                    checked_at=r.created_at,
                )
                for r in requests
            ),
        ],
        batch_size=2000,
    )
    ApplicationEvent.objects.bulk_create(events, batch_size=2000)
    seeded.counts["events"] = len(events)


def _reviews(apps, reviewers, criteria, officer, rng, seeded) -> None:
    """Two reviewers per checked application (a fifth of them three); a few declare a
    conflict; final reviews with points around the application's quality, some far apart
    (flagged); in applications still in review some reviews are drafts or not begun."""
    from applications.models import ApplicationEvent
    from reviews.models import Assignment, Review, Score
    from reviews.services.scoring import weighted_score

    assignments, plans = [], []
    for app in apps:
        if app.status not in REVIEWED or "pass_check" not in app.bench_path:
            continue
        chosen = rng.sample(reviewers, 3 if rng.random() < 0.2 else 2)
        quality = rng.uniform(3, 9)
        disagree = rng.random() < 0.12
        for reviewer in chosen:
            assigned = app.submitted_at + dt.timedelta(days=12)
            conflict = rng.random() < 0.03
            declared = None if app.status == "in_review" and rng.random() < 0.08 else assigned
            if conflict:
                declared = assigned
            assignments.append(
                Assignment(
                    application=app,
                    reviewer=reviewer,
                    assigned_by=officer,
                    assigned_at=assigned,
                    status="ended_conflict" if conflict else "active",
                    declared_at=declared,
                    conflict=conflict,
                    conflict_note="Ich wohne in der Gemeinde." if conflict else "",
                    ended_at=assigned + dt.timedelta(days=1) if conflict else None,
                    ended_reason="Befangenheit erklärt" if conflict else "",
                )
            )
            if conflict or declared is None:
                plans.append(None)
                continue
            if app.status == "in_review":
                kind = rng.choices(("final", "draft", None), weights=(80, 12, 8))[0]
            else:
                kind = "final"
            center = quality + (rng.choice((-3, 3)) if disagree else rng.uniform(-1, 1))
            plans.append((kind, center))
    Assignment.objects.bulk_create(assignments, batch_size=2000)

    reviews, points_of, events = [], [], []
    comments = (
        "Überzeugendes Konzept mit klarem Sozialraumbezug.",
        "Die Beteiligung der Zugewanderten ist gut durchdacht; der Zeitplan ist knapp.",
        "Der Finanzierungsplan ist plausibel, die Meilensteine bleiben vage.",
        "Gute Vernetzung mit Vereinen; die Erreichbarkeit aller Gruppen ist nicht belegt.",
    )
    for assignment, plan in zip(assignments, plans, strict=True):
        events.append(
            ApplicationEvent(
                application=assignment.application,
                actor=officer,
                action="review_assigned",
                internal=True,
                created_at=assignment.assigned_at,
            )
        )
        if plan is None or plan[0] is None:
            continue
        kind, center = plan
        points = {
            c.pk: max(0, min(10, round(rng.gauss(center, 1.0))))
            if kind == "final" or rng.random() < 0.6
            else None
            for c in criteria
        }
        score = weighted_score(points, criteria)
        final = kind == "final"
        finalized = assignment.assigned_at + dt.timedelta(days=rng.randint(3, 20))
        reviews.append(
            Review(
                assignment=assignment,
                status="final" if final else "draft",
                overall_comment=rng.choice(comments) + " " + prose(rng, 200),
                recommendation=(
                    (
                        "fund"
                        if score >= 7
                        else "fund_with_conditions"
                        if score >= 5
                        else "do_not_fund"
                    )
                    if final
                    else ""
                ),  # fmt: skip
                score=score,
                created_at=assignment.assigned_at,
                updated_at=finalized,
                finalized_at=finalized if final else None,
            )
        )
        points_of.append(points)
        if final:
            events.append(
                ApplicationEvent(
                    application=assignment.application,
                    actor=assignment.reviewer,
                    action="review_finalized",
                    internal=True,
                    created_at=finalized,
                )
            )
    Review.objects.bulk_create(reviews, batch_size=2000)
    scores = [
        Score(review=review, criterion_id=criterion_id, points=p)
        for review, points in zip(reviews, points_of, strict=True)
        for criterion_id, p in points.items()
    ]
    Score.objects.bulk_create(scores, batch_size=5000)
    ApplicationEvent.objects.bulk_create(events, batch_size=2000)
    seeded.counts["assignments"] = len(assignments)
    seeded.counts["reviews"] = len(reviews)
    seeded.counts["final reviews"] = sum(1 for r in reviews if r.status == "final")
    seeded.counts["scores"] = len(scores)
