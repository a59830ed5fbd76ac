"""Shared factory_boy factories. Import from here in any test module:

    from tests.factories import ApplicationFactory, MunicipalStaffFactory, ...

``ApplicationFactory`` creates the lead's RoundParticipation as the service would;
``ApplicationFactory(complete=True)`` fills every section so the application passes
``application_validate_for_submission`` (with the factory round's defaults), and
``ApplicationFactory(status=Status.IN_CHECK)`` gives a reference number and submission time
to anything past draft. ``staff_for(municipality)`` creates a member of staff of it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Invitation, JoinRequest, LoginEvent, LoginEventKind, Role, User
from applications.calls import (
    STANDARD_DECLARATION_KEYS,
    round_add_standard_set,
    round_attachment_kinds,
    round_declarations,
)
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationPartner,
    Attachment,
    AttachmentKind,
    CostCategory,
    CostLine,
    FinancingType,
    FundingRound,
    ItemRequest,
    ParticipationRole,
    PartnerStatus,
    ProgrammeLine,
    RoundParticipation,
)
from applications.search import search_vectors_refresh
from applications.workflow import Status
from municipalities.models import Membership, Municipality, MunicipalityKind
from questionnaires.definitions import strategy_question_set


def _minimal_pdf() -> bytes:
    """A tiny valid PDF (one empty A4 page), usable as attachment content."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


MINIMAL_PDF = _minimal_pdf()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.MUNICIPAL_STAFF
    password = factory.django.Password("geheimes-passwort-123")
    email_confirmed_at = factory.LazyFunction(timezone.now)


class MunicipalStaffFactory(UserFactory):
    role = Role.MUNICIPAL_STAFF


class CaseOfficerFactory(UserFactory):
    role = Role.CASE_OFFICER
    email = factory.Sequence(lambda n: f"sachbearbeitung{n}@rpda.hessen.example")


class ReviewerFactory(UserFactory):
    role = Role.REVIEWER
    email = factory.Sequence(lambda n: f"jury{n}@example.org")


class AdminFactory(UserFactory):
    role = Role.ADMIN
    email = factory.Sequence(lambda n: f"admin{n}@hsm.hessen.example")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("ags",)

    ags = factory.Sequence(lambda n: f"06{100000 + n:06d}")
    name = factory.Sequence(lambda n: f"Musterhausen {n}")
    kind = MunicipalityKind.GEMEINDE
    kreis = "Landkreis Darmstadt-Dieburg"
    regierungsbezirk = "Darmstadt"
    population = 20_000
    population_date = dt.date(2020, 12, 31)
    territory_date = dt.date(2021, 11, 30)  # the GV100AD edition of the register
    area_ha = 1_000
    postcode = "64283"
    is_active = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(MunicipalStaffFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    user = factory.SubFactory(MunicipalStaffFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation of a member of municipal staff (the token itself is not kept)."""

    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"eingeladen{n}@musterhausen.example")
    role = Role.MUNICIPAL_STAFF
    municipality = factory.SubFactory(MunicipalityFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    invited_by = factory.SubFactory(AdminFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class LoginEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoginEvent

    user = factory.SubFactory(MunicipalStaffFactory)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "")
    kind = LoginEventKind.LOGIN
    ip_address = "192.0.2.1"


def staff_for(municipality: Municipality, **kwargs) -> User:
    """A member of municipal staff of ``municipality``."""
    user = MunicipalStaffFactory(**kwargs)
    MembershipFactory(user=user, municipality=municipality)
    return user


DEFAULT_COST_CATEGORIES = (
    "Externe Prozessmoderation",
    "Veranstaltungen und Beteiligungsformate",
    "Öffentlichkeitsarbeit und Übersetzungen",
    "Sachkosten",
)


class FundingRoundFactory(factory.django.DjangoModelFactory):
    """An open round with the rules of the second KIV round (2019): 10,000–50,000
    inhabitants, joint applications below 10,000 with up to two partners, up to 20,000 EUR,
    Fehlbedarfsfinanzierung, 1–18 months. Open from 30 days ago until 30 days ahead."""

    class Meta:
        model = FundingRound
        skip_postgeneration_save = True

    programme_line = ProgrammeLine.KIV
    title = factory.Sequence(lambda n: f"KIV – Förderrunde {n}")
    description = "Kommunale Vielfalts- und Integrationsstrategien"
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    reference_prefix = factory.Sequence(lambda n: f"KIV-T{n}")
    max_grant = Decimal("20000.00")
    budget = Decimal("400000.00")
    population_lower = 10_000
    population_upper = 50_000
    population_reference_date = dt.date(2020, 12, 31)
    joint_allowed = True
    joint_max_partners = 2
    lead_between_bounds_may_be_joint = False
    financing_type = FinancingType.FEHLBEDARF
    duration_min_months = 1
    duration_max_months = 18
    decision_notes = ""
    question_set = factory.LazyFunction(strategy_question_set)

    @factory.post_generation
    def required_attachment_kinds(obj, create, extracted, **kwargs):
        """The standard declarations and attachment kinds; ``required_attachment_kinds=[...]``
        names the required kinds (default: Konzept and, per partner, Absichtserklärung)."""
        if not create:
            return
        kinds = (
            [AttachmentKind.KONZEPT, AttachmentKind.LETTER_OF_INTENT]
            if extracted is None
            else extracted
        )
        round_add_standard_set(obj, required_kinds=kinds)

    @factory.post_generation
    def cost_categories(obj, create, extracted, **kwargs):
        if not create:
            return
        names = DEFAULT_COST_CATEGORIES if extracted is None else extracted
        for position, name in enumerate(names):
            CostCategory.objects.create(round=obj, name=name, position=position)


class CostCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostCategory

    round = factory.SubFactory(FundingRoundFactory, cost_categories=[])
    name = factory.Sequence(lambda n: f"Kostenart {n}")
    position = factory.Sequence(int)


# The answers of a complete application to the strategy call's question set.
STRATEGY_ANSWERS = {
    "starting_situation": "Ausgangslage",
    "aims": "Ziele",
    "social_space": "Sozialräume Nord und Süd",
    "municipal_identity": "Kommunale Identität",
    "participation": "Teilhabe",
    "participation_formats": "Zukunftswerkstätten",
    "outreach": "Mehrsprachige Einladungen, aufsuchende Beteiligung",
    "external_moderation": "Externe Prozessmoderation durch ein Fachbüro",
    "milestones": "Auftakt, Werkstätten, Entwurf, Beschluss",
    "council_resolution": "Beschluss der Gemeindevertretung im letzten Quartal",
}


def _reference(app) -> str | None:
    if app.status == Status.DRAFT:
        return None
    return f"{app.round.reference_prefix}-{app.reference_number:04d}"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True
        exclude = ("reference_number",)

    round = factory.SubFactory(FundingRoundFactory)
    lead_municipality = factory.SubFactory(MunicipalityFactory)
    status = Status.DRAFT
    reference_number = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(_reference)
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.status == Status.DRAFT else timezone.now()
    )
    granted_amount = factory.LazyAttribute(
        lambda o: Decimal("20000.00") if o.status == Status.APPROVED else None
    )
    created_by = None
    question_set = factory.LazyAttribute(lambda o: o.round.question_set)

    class Params:
        complete = factory.Trait(
            street="Marktplatz 1",
            postcode="64283",
            city="Musterhausen",
            contact_name="Erika Mustermann",
            contact_function="Integrationsbeauftragte",
            contact_email="integration@musterhausen.example",
            contact_phone="06151 12-3456",
            signatory_name="Max Mustermann",
            signatory_function="Bürgermeister",
            iban="DE89370400440532013000",
            account_holder="Gemeindekasse Musterhausen",
            title="Musterhausen für alle",
            summary="Eine Vielfalts- und Integrationsstrategie, gemeinsam erarbeitet.",
            start_date=factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60)),
            end_date=factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=364)),
            answers=factory.LazyFunction(lambda: dict(STRATEGY_ANSWERS)),
            own_funds=Decimal("2000.00"),
            third_party_funds=Decimal("0.00"),
            requested_grant=Decimal("18000.00"),
            declarations=factory.LazyAttribute(
                lambda o: (
                    {d.key: True for d in round_declarations(o.round)}
                    if o.round.pk
                    else dict.fromkeys(STANDARD_DECLARATION_KEYS, True)
                )
            ),
        )

    @factory.post_generation
    def lead_participation(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            RoundParticipation.objects.get_or_create(
                round=obj.round,
                municipality=obj.lead_municipality,
                defaults={"application": obj, "role": ParticipationRole.LEAD},
            )

    # Cost plan and attachments of a complete application (see the functions below).
    with_cost_plan = factory.Maybe(
        "complete", factory.PostGeneration(lambda *a, **kw: _make_cost_plan(*a, **kw))
    )
    with_attachments = factory.Maybe(
        "complete", factory.PostGeneration(lambda *a, **kw: _make_attachments(*a, **kw))
    )

    @factory.post_generation
    def search_vector(obj, create, extracted, **kwargs):
        """Rows written directly refresh their vector as the services do (search.py)."""
        if create:
            search_vectors_refresh([obj.pk])


def _make_cost_plan(obj, create, extracted, **kwargs):
    """Two cost lines adding up to own funds + third-party funds + requested grant."""
    if not create or extracted is False:
        return
    categories = list(obj.round.cost_categories.all()[:2])
    if not categories:
        categories = [CostCategory.objects.create(round=obj.round, name="Sachkosten")]
    year = obj.start_date.year if obj.start_date else timezone.localdate().year
    total = obj.own_funds + obj.third_party_funds + obj.requested_grant
    first = (total * Decimal("0.75")).quantize(Decimal("0.01"))
    for position, amount in enumerate([first, total - first]):
        CostLine.objects.create(
            application=obj,
            category=categories[position % len(categories)],
            description=f"Kostenposition {position + 1}",
            amount=amount,
            budget_year=year,
            position=position,
        )


def _make_attachments(obj, create, extracted, **kwargs):
    """One attachment of each kind the round requires (letters of intent come with the
    partners, see ``ApplicationPartnerFactory(with_letter=True)``)."""
    if not create or extracted is False:
        return
    for kind in round_attachment_kinds(obj.round):
        if kind.required and not kind.per_partner:
            AttachmentFactory(application=obj, kind=kind.key, kind_label=kind.label)


class ApplicationPartnerFactory(factory.django.DjangoModelFactory):
    """A partner; creates its RoundParticipation unless declined."""

    class Meta:
        model = ApplicationPartner
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    municipality = factory.SubFactory(MunicipalityFactory, population=6_000)
    status = PartnerStatus.CONFIRMED
    decided_at = factory.LazyAttribute(
        lambda o: None if o.status == PartnerStatus.PENDING else timezone.now()
    )

    @factory.post_generation
    def search_vector(obj, create, extracted, **kwargs):
        if create:
            search_vectors_refresh([obj.application_id])

    @factory.post_generation
    def participation(obj, create, extracted, **kwargs):
        if create and obj.status != PartnerStatus.DECLINED and extracted is not False:
            RoundParticipation.objects.create(
                round=obj.application.round,
                municipality=obj.municipality,
                application=obj.application,
                role=ParticipationRole.PARTNER,
            )

    @factory.post_generation
    def with_letter(obj, create, extracted, **kwargs):
        """``with_letter=True``: also upload the partner's letter of intent."""
        if create and extracted:
            AttachmentFactory(
                application=obj.application,
                kind=AttachmentKind.LETTER_OF_INTENT,
                original_name=f"absichtserklaerung-{obj.municipality.pk}.pdf",
            )


class CostLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostLine

    application = factory.SubFactory(ApplicationFactory)
    category = factory.LazyAttribute(
        lambda o: (
            o.application.round.cost_categories.first()
            or CostCategory.objects.create(round=o.application.round, name="Sachkosten")
        )
    )
    description = "Externe Moderation"
    amount = Decimal("1000.00")
    budget_year = factory.LazyFunction(lambda: timezone.localdate().year)
    position = factory.Sequence(int)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    kind = AttachmentKind.KONZEPT
    kind_label = factory.LazyAttribute(
        lambda o: str(AttachmentKind(o.kind).label) if o.kind in AttachmentKind.values else o.kind
    )
    file = factory.django.FileField(data=MINIMAL_PDF, filename="konzept.pdf")
    original_name = "konzept.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    sha256 = factory.LazyFunction(lambda: __import__("hashlib").sha256(MINIMAL_PDF).hexdigest())


class ItemRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemRequest

    application = factory.SubFactory(ApplicationFactory, status=Status.MISSING_ITEMS)
    sections = factory.LazyFunction(lambda: ["project"])
    message = "Bitte ergänzen Sie die Angaben zum Sozialraumbezug."


class ApplicationEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationEvent

    application = factory.SubFactory(ApplicationFactory)
    action = "created"
    to_status = Status.DRAFT
