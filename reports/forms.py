"""Forms of the report pages. They parse and show input; the rules live in ``services`` and
come back as ValidationErrors that ``add_service_errors`` attaches to the fields."""

from __future__ import annotations

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.formatting import de_amount
from core.forms import GermanDecimalField, KernFormMixin

from .models import TEXT_MAX_LENGTH, ReportAttachmentKind, ReportPart

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES, NO = "yes", "no"


class ServiceErrorsMixin:
    def add_service_errors(self, exc) -> None:
        """Attach a services ValidationError to the fields it names (others: non-field)."""
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                field = key if key in self.fields else None
                for message in messages:
                    self.add_error(field, message)
        else:
            for message in exc.messages:
                self.add_error(None, message)


def _text(label, help_text="", rows=6, required=False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _money(label, help_text="") -> GermanDecimalField:
    return GermanDecimalField(
        label=label, required=False, min_value=0, max_digits=12, help_text=help_text
    )


# The municipality's report -----------------------------------------------------------------------
class FactualForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    activities = _text(
        _("Was wurde getan?"),
        _("Die Schritte des Vorhabens, die Beteiligungsformate und ihre Ergebnisse."),
    )
    participants = _text(
        _("Wer hat mitgewirkt?"),
        _("Beteiligte Gruppen, Vereine, Verwaltung, Prozessmoderation; ungefähre Zahl der "
          "Teilnehmenden."),
    )  # fmt: skip
    strategy = _text(
        _("Welche Strategie ist entstanden?"),
        _("Kurz die Inhalte der Vielfalts- und Integrationsstrategie; das Dokument laden Sie "
          "bei den Anlagen hoch."),
    )  # fmt: skip
    council_adopted = forms.ChoiceField(
        label=_("Hat die Gemeindevertretung die Strategie beschlossen?"),
        choices=[(YES, _("Ja")), (NO, _("Nein, noch nicht"))],
        widget=forms.RadioSelect,
        required=False,
    )
    council_date = forms.DateField(
        label=_("Datum des Beschlusses"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Nur wenn die Strategie beschlossen ist."),
    )
    submit_label = _("Speichern und weiter")

    def __init__(self, *args, interim: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if interim:
            for name in ("participants", "strategy", "council_adopted", "council_date"):
                del self.fields[name]
            self.fields["activities"].help_text = _(
                "Was im Haushaltsjahr getan wurde und wofür die Mittel verwendet wurden."
            )
            self.helper = self.build_helper()

    def build_helper(self):
        helper = super().build_helper()
        helper.layout = Layout(*self.fields)
        return helper

    def adopted(self) -> bool | None:
        value = self.cleaned_data.get("council_adopted")
        return {YES: True, NO: False}.get(value)


class NumbersForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    """The actual funds and, for a simple report, the actual expenses per cost category (the
    planned amount is named in each field's hint); with a Belegliste the expenses come from
    it."""

    own_funds = _money(_("Tatsächlich eingesetzte Eigenmittel (EUR)"))
    third_party_funds = _money(_("Tatsächlich erhaltene Drittmittel (EUR)"))
    submit_label = _("Speichern und weiter")

    def __init__(self, *args, planned=(), receipts_required=False, **kwargs):
        self.category_fields = []
        super().__init__(*args, **kwargs)
        if not receipts_required:
            for category_id, name, amount in planned:
                field_name = f"amount_{category_id}"
                self.fields[field_name] = _money(
                    name, _("Geplant: %(amount)s €") % {"amount": de_amount(amount)}
                )
                self.category_fields.append((field_name, category_id))
        self.helper = self.build_helper()

    def build_helper(self):
        helper = super().build_helper()
        parts = []
        if getattr(self, "category_fields", None):
            parts.append(
                Fieldset(
                    _("Tatsächliche Ausgaben nach Kostenarten"),
                    *(name for name, _c in self.category_fields),
                )
            )
        parts.append(Fieldset(_("Finanzierung"), "own_funds", "third_party_funds"))
        helper.layout = Layout(*parts)
        return helper

    def amounts(self) -> dict[int, object]:
        return {cid: self.cleaned_data.get(name) for name, cid in self.category_fields}


class ReceiptForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    paid_on = forms.DateField(
        label=_("Datum"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Bitte geben Sie das Datum der Zahlung an.")},
    )
    payee = forms.CharField(
        label=_("Empfänger/in"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie an, an wen gezahlt wurde.")},
    )
    purpose = forms.CharField(
        label=_("Zweck"),
        max_length=300,
        error_messages={"required": _("Bitte geben Sie den Zweck der Zahlung an.")},
    )
    category = forms.ModelChoiceField(
        queryset=None,
        label=_("Kostenart"),
        empty_label=_("Bitte wählen"),
        error_messages={
            "required": _("Bitte wählen Sie eine Kostenart des Finanzierungsplans."),
            "invalid_choice": _("Bitte wählen Sie eine Kostenart des Finanzierungsplans."),
        },
    )
    amount = GermanDecimalField(
        label=_("Betrag (EUR)"),
        min_value=0,
        max_digits=12,
        error_messages={"required": _("Bitte geben Sie einen Betrag an.")},
    )
    submit_label = _("Beleg hinzufügen")
    submit_name = "add_receipt"

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class ReportAttachmentForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Art der Anlage"),
        choices=[("", _("Bitte wählen")), *ReportAttachmentKind.choices],
        error_messages={"required": _("Bitte wählen Sie die Art der Anlage.")},
    )
    file = forms.FileField(
        label=_("Datei"),
        help_text=_("PDF, Word, Excel, OpenDocument, JPEG oder PNG."),
        error_messages={"required": _("Bitte wählen Sie eine Datei aus.")},
    )
    submit_label = _("Hochladen")
    submit_name = "upload"


class SubmitForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Die Angaben sind vollständig und richtig; die Ausgaben waren notwendig und "
                "wirtschaftlich."),
        error_messages={"required": _("Bitte bestätigen Sie die Richtigkeit der Angaben.")},
    )  # fmt: skip
    answer = _text(
        _("Antwort auf die Nachforderung"),
        _("Was Sie ergänzt oder geändert haben (für das Regierungspräsidium)."),
        rows=3,
    )

    def __init__(self, *args, resubmit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not resubmit:
            del self.fields["answer"]
        self.submit_label = (
            _("Nachgeforderte Angaben einreichen") if resubmit else _("Nachweis einreichen")
        )
        self.helper = self.build_helper()


# RP's check -------------------------------------------------------------------------------------
class RequestItemsForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    parts = forms.MultipleChoiceField(
        label=_("Nachzureichende Teile"),
        choices=ReportPart.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nur diese Teile kann die Kommune ändern."),
        error_messages={
            "required": _("Bitte wählen Sie mindestens einen Teil, der ergänzt werden soll.")
        },
    )
    message = _text(
        _("Nachricht an die Kommune"),
        _("Was fehlt oder zu ergänzen ist. Die Kommune erhält diesen Text per E-Mail."),
        rows=4,
        required=True,
    )
    due_date = forms.DateField(
        label=_("Frist"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Bitte setzen Sie eine Frist.")},
    )
    submit_label = _("Nachforderung senden")
    submit_name = "request_items"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].error_messages["required"] = _(
            "Bitte beschreiben Sie, welche Angaben oder Unterlagen fehlen."
        )


class SettlementForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    formal_ok = forms.BooleanField(
        label=_("Der Nachweis ist formal geprüft (vollständig, fristgerecht, unterschrieben)."),
        required=False,
    )
    content_ok = forms.BooleanField(
        label=_("Der Nachweis ist inhaltlich geprüft (Zweck erreicht, Ausgaben zuwendungsfähig)."),
        required=False,
    )
    not_recognised = _money(
        _("Nicht anerkannte Ausgaben (EUR)"),
        _("Ausgaben, die nicht zuwendungsfähig sind; sie mindern die zuwendungsfähigen Ausgaben."),
    )
    not_recognised_reason = _text(_("Begründung der Nichtanerkennung"), rows=2)
    payment_due_date = forms.DateField(
        label=_("Zahlungsfrist bei Rückforderung"),
        required=False,
        widget=DATE_WIDGET,
    )
    notes = _text(_("Prüfvermerk (intern)"), _("Nur für das Regierungspräsidium sichtbar."), rows=3)

    def build_helper(self):
        # Inside the page's own form with two buttons: "Neu berechnen" and "abschließen".
        helper = super().build_helper()
        helper.form_tag = False
        helper.layout = Layout(
            Fieldset(_("Prüfung"), "formal_ok", "content_ok", "notes"),
            Fieldset(_("Zuwendungsfähige Ausgaben"), "not_recognised", "not_recognised_reason"),
            Fieldset(_("Bei einer Rückforderung"), "payment_due_date"),
        )
        return helper
