"""Forms of the grant pages: input is parsed here, the rules live in the services."""

from __future__ import annotations

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import GermanDecimalField, KernFormMixin

from .models import ChangeKind, NoticeKind

ITEM_ROWS = 4
TEXT_MAX = 5000


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein gültiges Datum an.")},
        **kwargs,
    )


def _money(label, *, required=True, **kwargs) -> GermanDecimalField:
    return GermanDecimalField(
        label=label,
        min_value=0,
        max_digits=12,
        required=required,
        error_messages={"required": _("Bitte geben Sie einen Betrag an.")},
        **kwargs,
    )


def _text(label, *, required=True, help_text="", rows=4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        error_messages={"required": _("Bitte füllen Sie dieses Feld aus.")},
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ServiceErrorsMixin:
    """Attach a service's ValidationError to the fields it names (others: the whole form).
    The page writes the form tag and the buttons itself, so crispy renders the fields only."""

    field_map: dict[str, str] = {}

    def build_helper(self):
        helper = super().build_helper()  # type: ignore[misc]
        helper.form_tag = False
        return helper

    def add_service_errors(self, exc) -> None:
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                field = self.field_map.get(key, key)
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        else:
            for message in exc.messages:
                self.add_error(None, message)


class AcceptForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    waive_appeal = forms.BooleanField(
        label=_("Wir verzichten auf Rechtsbehelfe gegen den Zuwendungsbescheid."),
        required=False,
        help_text=_(
            "Mit dem Verzicht wird der Bescheid sofort bestandskräftig und Sie können Mittel "
            "abrufen. Ohne Verzicht wird er erst nach Ablauf der Rechtsbehelfsfrist "
            "bestandskräftig."
        ),
    )


class PaymentRequestForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    """Amount, account and up to ``ITEM_ROWS`` payments the money is needed for."""

    amount = _money(
        _("Abzurufender Betrag in Euro"),
        required=False,
        help_text=_("Leer lassen, um die Summe der genannten Zahlungen abzurufen."),
    )
    account_holder = forms.CharField(label=_("Kontoinhaber/in"), max_length=200)
    iban = forms.CharField(label=_("IBAN"), max_length=42)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, ITEM_ROWS + 1):
            first = n == 1
            self.fields[f"item_{n}_description"] = forms.CharField(
                label=_("Zahlung für"), max_length=300, required=first
            )
            self.fields[f"item_{n}_due_on"] = _date_field(_("Fällig am"), required=first)
            self.fields[f"item_{n}_amount"] = _money(_("Betrag in Euro"), required=first)
        self.prepare_text_fields()
        self.helper = self.build_helper()

    def build_helper(self):
        helper = super().build_helper()
        rows = [
            Fieldset(
                _("Zahlung %(n)s") % {"n": n} if n > 1 else _("Zahlung 1 (Pflichtangabe)"),
                f"item_{n}_description",
                f"item_{n}_due_on",
                f"item_{n}_amount",
            )
            for n in range(1, ITEM_ROWS + 1)
        ]
        helper.layout = Layout(
            *rows,
            Fieldset(_("Betrag und Konto"), "amount", "account_holder", "iban"),
        )
        return helper

    def clean(self):
        cleaned = super().clean()
        for n in range(2, ITEM_ROWS + 1):
            values = [cleaned.get(f"item_{n}_{k}") for k in ("description", "due_on", "amount")]
            if any(v not in (None, "") for v in values) and not all(
                v not in (None, "") for v in values
            ):
                self.add_error(
                    f"item_{n}_description",
                    _("Bitte füllen Sie für Zahlung %(n)s alle drei Angaben aus oder keine.")
                    % {"n": n},
                )
        return cleaned

    def items(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "description": data[f"item_{n}_description"],
                "due_on": data[f"item_{n}_due_on"],
                "amount": data[f"item_{n}_amount"],
            }
            for n in range(1, ITEM_ROWS + 1)
            if data.get(f"item_{n}_description")
        ]

    def amount_or_total(self):
        amount = self.cleaned_data.get("amount")
        return amount if amount is not None else sum(i["amount"] for i in self.items())


class NoticeForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Anlass der Mitteilung"), choices=NoticeKind.choices, widget=forms.RadioSelect
    )
    text = _text(_("Erläuterung"), help_text=_("Was hat sich geändert, seit wann und warum?"))
    amount = _money(
        _("Betrag in Euro"),
        required=False,
        help_text=_(
            "Bei gesunkenen Kosten: die neuen Gesamtkosten; bei weiteren Drittmitteln: deren "
            "Höhe; bei nicht verwendbaren Mitteln: der Betrag."
        ),
    )


class ChangeRequestForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Art der Änderung"), choices=ChangeKind.choices, widget=forms.RadioSelect
    )
    new_end_date = _date_field(
        _("Neues Ende des Bewilligungszeitraums"),
        required=False,
        help_text=_("Nur bei einer Verlängerung."),
    )
    text = _text(_("Begründung"), help_text=_("Was soll sich ändern und warum?"))


class ApprovePaymentForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    approved_amount = _money(
        _("Freizugebender Betrag in Euro"),
        help_text=_("Höchstens der abgerufene Betrag; ein niedrigerer Betrag bitte begründen."),
    )
    message = _text(_("Begründung"), required=False, rows=2)


class ReasonForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    """A refusal: the reason is required."""

    reason = _text(_("Begründung"), rows=3)
    field_map = {"message": "reason"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Bitte geben Sie eine Begründung an.")


class NoteForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    message = _text(_("Vermerk"), required=False, rows=2)


class PaidForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    paid_on = _date_field(_("Ausgezahlt am"))


class LowerGrantForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    new_amount = _money(_("Neue Zuwendung in Euro"))
    reason = _text(_("Begründung"), rows=3)
    field_map = {"message": "reason"}


class OrdersDayForm(forms.Form):
    day = _date_field(_("Tag der Anordnung"))
