"""Forms of the application pages. They only parse and show input; the rules live in
``applications.services`` and come back as ValidationErrors that the views attach here."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from core.formatting import de_number
from core.forms import GermanDecimalField, KernFormMixin, TextInputHygieneMixin
from municipalities.models import Municipality
from questionnaires.answers import shown_keys
from questionnaires.forms import QuestionFieldsMixin
from questionnaires.selectors import SectionQuestions

from .calls import declaration_help
from .models import SECTION_FIELDS, Application, Section

LONG_TEXT = {"summary"}


HINTS = {
    "contact_phone": _("Mit Vorwahl, zum Beispiel 06151 12-3456 oder +49 6151 123456."),
    "iban": _("Die IBAN des Kontos, auf das die Zuwendung überwiesen werden soll."),
    "summary": _("Höchstens eine halbe Seite: Worum geht es, wer ist beteiligt, was entsteht?"),
    "start_date": _("Mit dem Vorhaben darf erst nach dem Zuwendungsbescheid begonnen werden."),
}

SECTION_LEGENDS = {
    Section.APPLICANT: (
        (_("Anschrift"), ("street", "postcode", "city")),
        (
            _("Ansprechperson"),
            ("contact_name", "contact_function", "contact_email", "contact_phone"),
        ),
        (_("Zeichnungsberechtigte Person"), ("signatory_name", "signatory_function")),
        (_("Bankverbindung"), ("iban", "account_holder")),
    ),
    Section.PROJECT: (
        (_("Vorhaben"), ("title", "summary", "start_date", "end_date")),
    ),
}  # fmt: skip


class VersionedForm(KernFormMixin, forms.Form):
    """Carries the ``Application.version`` the page was loaded with, so a save from a second
    browser tab that is out of date is refused instead of overwriting."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    submit_label = _("Speichern und weiter")

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


class SectionForm(VersionedForm):
    """The plain fields of one section (applicant, project, declarations), built from the
    model's fields and labels. Nothing is required for a draft; only malformed values block."""

    def __init__(self, *args, section: str, **kwargs):
        self.section = Section(section)
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(Application, fields=SECTION_FIELDS[section]).items():
            field.required = False
            # The model's own checks (IBAN checksum, phone format) show next to the field at
            # once, together with the form's, instead of one after the other.
            field.validators.extend(
                v
                for v in Application._meta.get_field(name).validators
                if not isinstance(v, MaxLengthValidator | ProhibitNullCharactersValidator)
            )
            if name in LONG_TEXT:
                field.widget = forms.Textarea(attrs={"rows": 5})
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            if name in HINTS:
                field.help_text = HINTS[name]
            if name == "contact_email":
                field.widget.attrs["autocomplete"] = "email"
            if name == "contact_phone":
                field.widget.attrs["autocomplete"] = "tel"
            self.fields[name] = field
        self.prepare_text_fields()
        self.helper = self.build_helper()

    def build_helper(self) -> FormHelper:
        helper = super().build_helper()
        helper.optional_marker = False  # a draft needs nothing; submission says what is missing
        if getattr(self, "section", None) is None:
            return helper
        helper.layout = Layout(
            "version",
            *(
                Fieldset(legend, *(Field(name) for name in names))
                for legend, names in SECTION_LEGENDS[self.section]
            ),
        )
        return helper

    def section_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in SECTION_FIELDS[self.section]}


class AnswersForm(QuestionFieldsMixin, VersionedForm):
    """One section of the round's question set (a step of the form). A question whose
    condition names a question of an earlier step shows only when that answer meets it; one
    whose condition names a question of this step shows with a hint saying when to answer it
    (its answer is dropped on saving when the condition is not met: no script needed)."""

    def __init__(
        self,
        *args,
        part: SectionQuestions,
        all_questions,
        answers: dict,
        attachments_html=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        here = {q.key for q in part.questions}
        shown = shown_keys(all_questions, answers)
        questions = [q for q in part.questions if q.key in shown or q.condition_question in here]
        self.part = SectionQuestions(part.section, questions)
        self.attachments_html = attachments_html
        self.add_questions(questions, {q.key: q.label for q in all_questions})
        self.prepare_text_fields()
        self.helper = self.build_helper()

    def build_helper(self) -> FormHelper:
        helper = super().build_helper()
        helper.optional_marker = False
        if getattr(self, "part", None) is None:
            return helper
        helper.layout = Layout(
            "version",
            *self.question_layout([self.part], self.attachments_html, legends=False),
        )
        return helper

    def clean(self):
        cleaned = super().clean()
        self.clean_questions()
        return cleaned


class CostLineForm(TextInputHygieneMixin, forms.Form):
    # Choices, not a queryset: the categories are read once for all lines of the page.
    category = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Kostenart"),
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Kostenart aus der Liste.")},
    )  # fmt: skip
    description = forms.CharField(required=False, max_length=300, label=_("Beschreibung"))
    amount = GermanDecimalField(
        required=False, min_value=0, max_digits=12, label=_("Betrag in Euro")
    )
    budget_year = forms.IntegerField(
        required=False, min_value=2000, max_value=2100, label=_("Haushaltsjahr"),
        error_messages={"invalid": _("Bitte geben Sie ein Jahr ein, zum Beispiel 2020.")},
    )  # fmt: skip

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Bitte wählen")), *(categories or [])]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.optional_marker = False
        self.helper.error_summary = False
        self.helper.layout = Layout(
            Row(
                Column("category", css_class="kern-col-12 kern-col-md-6"),
                Column("description", css_class="kern-col-12 kern-col-md-6"),
                Column("amount", css_class="kern-col-12 kern-col-md-6"),
                Column("budget_year", css_class="kern-col-12 kern-col-md-6"),
            )
        )

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) not in (None, "") for name in self.fields)


CostLineFormSet = forms.formset_factory(CostLineForm, extra=0, can_delete=False)


class FinancingForm(VersionedForm):
    own_funds = GermanDecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        label=_("Eigenmittel in Euro"),
        help_text=_("Mittel der Kommune, die in das Vorhaben fließen."),
    )
    third_party_funds = GermanDecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        label=_("Drittmittel in Euro"),
        help_text=_("Zum Beispiel Spenden oder Mittel anderer Förderprogramme."),
    )
    requested_grant = GermanDecimalField(
        required=False, min_value=0, max_digits=12, label=_("Beantragte Zuwendung in Euro"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []
        self.helper.optional_marker = False
        self.helper.error_summary = False  # the page shows one summary for all its forms


def kreis_label(kreis: str) -> str:
    """ "Gießen" → "Landkreis Gießen"; names that say what they are stay ("Wetteraukreis")."""
    return kreis if "kreis" in kreis.lower() else _("Landkreis %(name)s") % {"name": kreis}


def partner_label(municipality: Municipality) -> str:
    """ "Allendorf (Lumda), Stadt (Landkreis Gießen, 4.034 Einwohnerinnen und Einwohner)"."""
    return _("%(name)s (%(kreis)s, %(population)s Einwohnerinnen und Einwohner)") % {
        "name": municipality.name,
        "kreis": kreis_label(municipality.kreis),
        "population": de_number(municipality.population),
    }


class PartnerAddForm(KernFormMixin, forms.Form):
    """One of the municipalities shown (a search result) as radio buttons; any partner
    candidate is accepted, the list only narrows what is shown."""

    suche = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        widget=forms.RadioSelect,
        label=_("Partnerkommune"),
        help_text=_("Die Beschäftigten der Partnerkommune werden benachrichtigt und bestätigen "
                    "die Partnerschaft im Portal."),
        error_messages={
            "required": _("Bitte wählen Sie eine Partnerkommune aus."),
            "invalid_choice": _("Diese Kommune kann nicht Partnerkommune werden. Bitte wählen "
                                "Sie eine Kommune aus der Liste."),
        },
    )  # fmt: skip
    submit_label = _("Partnerkommune hinzufügen")
    submit_name = "add_partner"

    def __init__(self, *args, candidates, shown, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        field.queryset = candidates
        field.label_from_instance = partner_label
        field.widget.choices = [(m.pk, partner_label(m)) for m in shown]


class AttachmentForm(KernFormMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[("", _("Bitte wählen"))],
        label=_("Art der Anlage"),
        error_messages={"required": _("Bitte wählen Sie die Art der Anlage.")},
    )
    file = forms.FileField(
        label=_("Datei"),
        help_text=_("PDF, DOCX, ODT, XLSX, ODS, JPEG oder PNG, höchstens %(size)s MB."),
        error_messages={
            "required": _("Bitte wählen Sie eine Datei aus."),
            "empty": _("Die Datei ist leer."),
            "invalid": _("Die Datei konnte nicht gelesen werden. Bitte versuchen Sie es erneut."),
        },
    )  # fmt: skip
    submit_label = _("Hochladen")
    submit_name = "upload"

    def __init__(self, *args, max_mb: int = 20, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Bitte wählen")), *((k.key, k.label) for k in kinds)]
        self.fields["file"].help_text = self.fields["file"].help_text % {"size": max_mb}
        self.helper.form_enctype = "multipart/form-data"
        self.helper.attrs = {"enctype": "multipart/form-data"}


class DeclarationsForm(VersionedForm):
    """One checkbox per declaration of the round (``RoundDeclaration``), named by its key."""

    def __init__(self, *args, declarations, **kwargs):
        super().__init__(*args, **kwargs)
        self.declarations = list(declarations)
        for d in self.declarations:
            self.fields[f"decl:{d.key}"] = forms.BooleanField(
                label=d.text, required=False, help_text=declaration_help(d)
            )
        self.helper = self.build_helper()

    def build_helper(self) -> FormHelper:
        helper = super().build_helper()
        helper.optional_marker = False
        if not getattr(self, "declarations", None):
            return helper
        helper.layout = Layout(
            "version",
            Fieldset(
                _("Erklärungen der antragstellenden Kommune"),
                *(Field(f"decl:{d.key}") for d in self.declarations),
            ),
        )
        return helper

    def confirmed(self) -> set[str]:
        return {d.key for d in self.declarations if self.cleaned_data.get(f"decl:{d.key}")}


class ConfirmForm(KernFormMixin, forms.Form):
    """A confirmation step with an optional reason (withdrawal, partner decline)."""

    reason = forms.CharField(
        required=False, max_length=2000, label=_("Begründung"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ResubmitForm(KernFormMixin, forms.Form):
    message = forms.CharField(
        required=False, max_length=4000, label=_("Nachricht an das Regierungspräsidium"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    submit_label = _("Nachgeforderte Angaben einreichen")
