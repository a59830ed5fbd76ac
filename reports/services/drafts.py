"""Opening a report and saving its parts while it is a draft (or the parts a Nachforderung
reopens): the Sachbericht, the numbers, the Belegliste, the attachments. Drafts may be saved
incomplete; ``transitions._before_submit`` checks completeness."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import CostCategory
from applications.services.costs import parse_amount
from core.validators import validate_upload
from reports import grant_facts
from reports.models import (
    ReceiptLine,
    Report,
    ReportAttachment,
    ReportAttachmentKind,
    ReportCostLine,
    ReportEvent,
    ReportKind,
    ReportPart,
)

from .base import lock_report, report_event, require_editable, require_filer, sync_report, touch


def _amount_or_none(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return parse_amount(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@transaction.atomic
def report_open(*, grant, user, kind: str, budget_year: int | None = None) -> Report:
    """The report of ``grant`` of this kind (and year), created as a draft on first use."""
    if kind not in ReportKind.values:
        raise ValueError(f"Unknown report kind {kind!r}")
    if kind == ReportKind.FINAL:
        budget_year = None
    elif budget_year not in {year for year, _d in grant_facts.interim_due_dates(grant)}:
        raise ValidationError(
            _("Für dieses Haushaltsjahr ist kein Zwischennachweis vorgesehen."), code="year"
        )
    draft = Report(grant=grant, kind=kind, budget_year=budget_year)
    require_filer(user, draft)
    report = Report.objects.filter(grant=grant, kind=kind, budget_year=budget_year).first()
    if report is not None:
        return report
    draft.receipts_required = kind == ReportKind.FINAL and grant_facts.receipts_required(grant)
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
    except IntegrityError:  # a colleague opened it at the same moment
        return Report.objects.get(grant=grant, kind=kind, budget_year=budget_year)
    return draft


@transaction.atomic
def report_save_factual(
    *,
    report: Report,
    user,
    activities: str = "",
    participants: str = "",
    strategy: str = "",
    council_adopted: bool | None = None,
    council_date: dt.date | None = None,
) -> Report:
    locked = lock_report(report)
    require_filer(user, locked)
    require_editable(locked, ReportPart.FACTUAL)
    if council_date and council_date > timezone.localdate():
        raise ValidationError(
            {"council_date": [_("Das Datum des Beschlusses darf nicht in der Zukunft liegen.")]}
        )
    if council_adopted is not True:
        council_date = None
    locked.activities = (activities or "").strip()
    locked.participants = (participants or "").strip()
    locked.strategy = (strategy or "").strip()
    locked.council_adopted = council_adopted
    locked.council_date = council_date
    locked.full_clean(
        exclude=[f.name for f in Report._meta.fields if f.name not in _FACTUAL_FIELDS]
    )
    touch(locked, _FACTUAL_FIELDS)
    sync_report(report, locked)
    return locked


_FACTUAL_FIELDS = ("activities", "participants", "strategy", "council_adopted", "council_date")


@transaction.atomic
def report_save_numbers(
    *,
    report: Report,
    user,
    own_funds=None,
    third_party_funds=None,
    amounts: Mapping[int, object] | None = None,
) -> Report:
    """The actual own and third-party funds and (for a simple report) the actual expenses per
    cost category of the round (``amounts``: category id -> amount or empty)."""
    locked = lock_report(report)
    require_filer(user, locked)
    require_editable(locked, ReportPart.NUMBERS)
    errors: dict[str, list[str]] = {}
    values = {}
    for field, raw in (("own_funds", own_funds), ("third_party_funds", third_party_funds)):
        try:
            values[field] = _amount_or_none(raw, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    parsed: dict[int, Decimal | None] = {}
    if not locked.receipts_required:
        categories = set(
            CostCategory.objects.filter(round_id=locked.grant.application.round_id).values_list(
                "pk", flat=True
            )
        )
        for category_id, raw in (amounts or {}).items():
            if int(category_id) not in categories:
                raise ValueError(f"Cost category {category_id} is not of this round")
            try:
                parsed[int(category_id)] = _amount_or_none(raw, f"amount_{category_id}")
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    locked.own_funds = values["own_funds"]
    locked.third_party_funds = values["third_party_funds"]
    for category_id, amount in parsed.items():
        if amount is None:
            ReportCostLine.objects.filter(report=locked, category_id=category_id).delete()
        else:
            ReportCostLine.objects.update_or_create(
                report=locked, category_id=category_id, defaults={"amount": amount}
            )
    touch(locked, ["own_funds", "third_party_funds"])
    sync_report(report, locked)
    return locked


@transaction.atomic
def receipt_add(
    *,
    report: Report,
    user,
    category_id: int,
    paid_on: dt.date,
    payee: str,
    purpose: str,
    amount,
) -> ReceiptLine:
    """One line of the Belegliste."""
    locked = lock_report(report)
    require_filer(user, locked)
    require_editable(locked, ReportPart.RECEIPTS)
    errors: dict[str, list[str]] = {}
    if not CostCategory.objects.filter(
        pk=category_id, round_id=locked.grant.application.round_id
    ).exists():
        errors["category"] = [_("Bitte wählen Sie eine Kostenart des Finanzierungsplans.")]
    if paid_on is None:
        errors["paid_on"] = [_("Bitte geben Sie das Datum der Zahlung an.")]
    elif paid_on > timezone.localdate():
        errors["paid_on"] = [_("Das Datum der Zahlung darf nicht in der Zukunft liegen.")]
    if not (payee or "").strip():
        errors["payee"] = [_("Bitte geben Sie an, an wen gezahlt wurde.")]
    if not (purpose or "").strip():
        errors["purpose"] = [_("Bitte geben Sie den Zweck der Zahlung an.")]
    try:
        value = parse_amount(amount)
    except ValidationError as exc:
        errors["amount"] = exc.messages
    if errors:
        raise ValidationError(errors)
    position = locked.receipt_lines.count() + 1
    line = ReceiptLine.objects.create(
        report=locked,
        category_id=category_id,
        paid_on=paid_on,
        payee=payee.strip()[:200],
        purpose=purpose.strip()[:300],
        amount=value,
        position=position,
    )
    touch(locked, [])
    return line


@transaction.atomic
def receipt_remove(*, report: Report, user, receipt_id: int) -> None:
    locked = lock_report(report)
    require_filer(user, locked)
    require_editable(locked, ReportPart.RECEIPTS)
    deleted, _rows = ReceiptLine.objects.filter(report=locked, pk=receipt_id).delete()
    if not deleted:
        raise ValidationError(_("Diesen Beleg gibt es in der Belegliste nicht (mehr)."))
    touch(locked, [])


@transaction.atomic
def report_attachment_add(*, report: Report, user, kind: str, uploaded_file) -> ReportAttachment:
    """Store an uploaded file privately with the checks of the application's attachments
    (recognised by content, at most ``settings.WIR_UPLOAD_MAX_BYTES``)."""
    locked = lock_report(report)
    require_filer(user, locked)
    require_editable(locked, ReportPart.ATTACHMENTS)
    if kind not in ReportAttachmentKind.values:
        raise ValidationError({"kind": [_("Bitte wählen Sie die Art der Anlage.")]})
    try:
        checked = validate_upload(uploaded_file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    now = timezone.now()
    attachment = ReportAttachment(
        report=locked,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
        uploaded_at=now,
    )
    uploaded_file.seek(0)
    attachment.file.save(checked.original_name, uploaded_file, save=False)
    try:
        attachment.save()
        touch(locked, [], now)
        report_event(
            locked,
            user,
            ReportEvent.ATTACHMENT_ADDED,
            data={"attachment": attachment.pk, "name": attachment.original_name,
                  "sha256": attachment.sha256},
            now=now,
        )  # fmt: skip
    except Exception:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def report_attachment_remove(*, report: Report, user, attachment_id: int) -> None:
    locked = lock_report(report)
    require_filer(user, locked)
    require_editable(locked, ReportPart.ATTACHMENTS)
    attachment = ReportAttachment.objects.filter(report=locked, pk=attachment_id).first()
    if attachment is None:
        raise ValidationError(_("Diese Anlage gibt es nicht (mehr)."))
    storage, name = attachment.file.storage, attachment.file.name
    data = {"attachment": attachment.pk, "name": attachment.original_name}
    attachment.delete()
    touch(locked, [])
    report_event(locked, user, ReportEvent.ATTACHMENT_REMOVED, data=data)
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)
