"""Joint applications: adding and removing partner municipalities, their answers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import permissions
from applications.eligibility import check_partner, municipality_label
from applications.models import (
    Application,
    ApplicationPartner,
    EligibilityRule,
    EventAction,
    ParticipationRole,
    PartnerStatus,
    RoundParticipation,
    Section,
)
from applications.search import search_vectors_refresh
from applications.selectors import open_item_request
from core.formatting import de_number
from municipalities.models import Municipality
from municipalities.selectors import member_municipality_ids

from .base import (
    ApplicationFrozenError,
    lock_application,
    record_event,
    require_editable,
    require_lead_staff,
    sync_instance,
    touch,
)


# Partners -------------------------------------------------------------------------------------
def _joint_problems(app: Application, *, adding: int = 1) -> list[str]:
    r = app.round
    lead = app.lead_municipality
    if not r.joint_allowed:
        return [_("In dieser Förderrunde sind gemeinsame Anträge nicht vorgesehen.")]
    band = r.eligibility_rule == EligibilityRule.POPULATION_BAND
    if band and lead.population >= r.population_lower and not r.lead_between_bounds_may_be_joint:
        return [
            _(
                "%(municipality)s kann in dieser Förderrunde allein einen Antrag stellen; "
                "einen gemeinsamen Antrag führen nur Kommunen mit weniger als "
                "%(population)s Einwohnerinnen und Einwohnern."
            )
            % {
                "municipality": municipality_label(lead),
                "population": de_number(r.population_lower),
            }
        ]
    current = app.partners.exclude(status=PartnerStatus.DECLINED).count()
    if current + adding > r.joint_max_partners:
        return [
            _("Ein gemeinsamer Antrag kann höchstens %(count)s Partnerkommunen umfassen.")
            % {"count": r.joint_max_partners}
        ]
    return []


@transaction.atomic
def partner_add(
    *, application: Application, user, municipality: Municipality
) -> ApplicationPartner:
    """Name ``municipality`` as partner (pending until its staff confirm). The partner's place
    in the round is taken at once (RoundParticipation as partner) and freed when it declines
    or is removed."""
    app = lock_application(application)
    require_lead_staff(user, app)
    require_editable(app, Section.PARTNERS)
    existing = ApplicationPartner.objects.filter(application=app, municipality=municipality).first()
    if existing and existing.status != PartnerStatus.DECLINED:
        raise ValidationError(
            _("%(municipality)s ist bereits als Partnerkommune angegeben.")
            % {"municipality": municipality_label(municipality)}
        )
    problems = _joint_problems(app) + check_partner(
        app.round, municipality, lead=app.lead_municipality, application=app
    )
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    if existing:
        partner = existing
        partner.status = PartnerStatus.PENDING
        partner.added_by, partner.added_at = user, now
        partner.decided_by, partner.decided_at = None, None
        partner.save()
    else:
        partner = ApplicationPartner.objects.create(
            application=app, municipality=municipality, added_by=user, added_at=now
        )
    try:
        with transaction.atomic():
            RoundParticipation.objects.create(
                round=app.round,
                municipality=municipality,
                application=app,
                role=ParticipationRole.PARTNER,
                created_at=now,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(municipality)s nimmt an der Förderrunde bereits teil.")
            % {"municipality": municipality_label(municipality)}
        ) from None
    touch(app, [], now, bump=False)
    search_vectors_refresh([app.pk])
    record_event(
        app,
        user,
        EventAction.PARTNER_ADDED,
        data={"municipality": municipality.pk, "name": municipality.name},
        now=now,
    )
    sync_instance(application, app)
    return partner


def _free_participation(partner: ApplicationPartner) -> None:
    RoundParticipation.objects.filter(
        application_id=partner.application_id,
        municipality_id=partner.municipality_id,
        role=ParticipationRole.PARTNER,
    ).delete()


@transaction.atomic
def partner_remove(*, partner: ApplicationPartner, user) -> None:
    """The lead removes a partner (draft, or a Nachforderung reopening the partners)."""
    app = lock_application(partner.application_id)
    require_lead_staff(user, app)
    require_editable(app, Section.PARTNERS)
    partner = ApplicationPartner.objects.select_related("municipality").get(pk=partner.pk)
    _free_participation(partner)
    partner.delete()
    touch(app, [], bump=False)
    search_vectors_refresh([app.pk])
    record_event(
        app,
        user,
        EventAction.PARTNER_REMOVED,
        data={"municipality": partner.municipality_id, "name": partner.municipality.name},
    )


@transaction.atomic
def partner_respond(
    *, partner: ApplicationPartner, user, confirm: bool, message: str = ""
) -> ApplicationPartner:
    """The partner municipality's staff confirm or decline (or withdraw a confirmation before
    submission). Declining frees the municipality's place in the round."""
    app = lock_application(partner.application_id)
    partner = ApplicationPartner.objects.select_related("municipality").get(pk=partner.pk)
    partner.application = app
    member_ids = member_municipality_ids(user)
    if not permissions.can_respond_as_partner(
        user, partner, member_ids=member_ids, open_request=open_item_request(app)
    ):
        if not permissions.is_member(user, partner.municipality_id, member_ids=member_ids):
            raise PermissionDenied(
                _(
                    "Nur Beschäftigte der %(municipality)s können "
                    "diese Partnerschaft bestätigen oder ablehnen."
                )
                % {"municipality": municipality_label(partner.municipality)}
            )
        raise ApplicationFrozenError(
            _("Die Partnerschaft kann in diesem Stand des Antrags nicht mehr geändert werden.")
        )
    target = PartnerStatus.CONFIRMED if confirm else PartnerStatus.DECLINED
    if partner.status == target:
        return partner
    now = timezone.now()
    previous = partner.status
    partner.status = target
    partner.decided_by, partner.decided_at = user, now
    partner.save(update_fields=["status", "decided_by", "decided_at"])
    if not confirm:
        _free_participation(partner)
    touch(app, [], now, bump=False)
    if PartnerStatus.DECLINED in (previous, target):  # declined partners are not searched
        search_vectors_refresh([app.pk])
    record_event(
        app,
        user,
        EventAction.PARTNER_CONFIRMED if confirm else EventAction.PARTNER_DECLINED,
        message=message,
        data={"municipality": partner.municipality_id, "name": partner.municipality.name},
        now=now,
    )
    return partner
