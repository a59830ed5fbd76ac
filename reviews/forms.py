"""Forms of the review pages. They parse and show input; the rules live in ``services.py`` and
come back as ValidationErrors that ``add_service_errors`` attaches to the fields."""

from __future__ import annotations

from crispy_forms.layout import Field, Fieldset, Layout
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applications.financing import FinancingAdjustment, approved_plan
from applications.models import Section
from applications.workflow import Status
from core.forms import GermanDecimalField, KernFormMixin, TextInputHygieneMixin

from .models import CHECKLIST, CheckOutcome, Recommendation
from .selectors import SORTS, OverviewFilters
from .templatetags.review_tags import weight as weight_label


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


# Rendered filter forms of this process (``OverviewFilterForm.rendered``), at most this many.
_RENDERED: dict[tuple, str] = {}
_RENDERED_MAX = 256


def _values(data, name: str) -> tuple:
    return tuple(data.getlist(name)) if hasattr(data, "getlist") else (data.get(name),)


# Round overview ---------------------------------------------------------------------------------
class OverviewFilterForm(TextInputHygieneMixin, forms.Form):
    """Search, filters and sorting of the round overview (a GET form; all optional)."""

    q = forms.CharField(
        label=_("Suche"),
        help_text=_("Kommune, Titel oder Aktenzeichen; Wortanfänge genügen."),
        required=False,
        max_length=100,
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    regierungsbezirk = forms.ChoiceField(label=_("Regierungsbezirk"), required=False)
    kreis = forms.ChoiceField(label=_("Kreis"), required=False)
    joint = forms.ChoiceField(
        label=_("Antragsart"),
        required=False,
        choices=[
            ("", _("alle Anträge")),
            ("single", _("einzelne Kommune")),
            ("joint", _("gemeinsamer Antrag")),
        ],
    )
    flagged = forms.BooleanField(label=_("Nur stark abweichende Bewertungen"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, regierungsbezirke=(), kreise=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("alle Status")),
            *((value, label) for value, label in Status.choices if value != Status.DRAFT),
        ]
        self.fields["regierungsbezirk"].choices = [
            ("", _("alle Regierungsbezirke")),
            *((rb, rb) for rb in regierungsbezirke),
        ]
        self.fields["kreis"].choices = [("", _("alle Kreise")), *((k, k) for k in kreise)]

    def rendered(self) -> str:
        """The form as ``{{ form|crispy }}`` renders it, kept per process for the same values,
        choices and language: rendering its seven fields through the KERN templates (every
        option of a select is a template) took a fifth of the overview's time, and people
        mostly ask for the same few filters. Bounded; emptied when full."""
        key = (
            get_language(),
            self.is_bound,
            tuple(c for c, _ in self.fields["regierungsbezirk"].choices),
            tuple(c for c, _ in self.fields["kreis"].choices),
            tuple((name, _values(self.data, name)) for name in self.fields),
        )
        html = _RENDERED.get(key)
        if html is None:
            if len(_RENDERED) >= _RENDERED_MAX:
                _RENDERED.clear()
            html = _RENDERED[key] = as_crispy_form(self)
        return html

    def filters(self) -> OverviewFilters:
        """The valid values (an invalid field is ignored and shown with its error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or ""
        if sort.removeprefix("-") not in SORTS:
            sort = "reference"
        return OverviewFilters(
            q=data.get("q") or "",
            status=data.get("status") or "",
            regierungsbezirk=data.get("regierungsbezirk") or "",
            kreis=data.get("kreis") or "",
            joint=data.get("joint") or "",
            flagged=bool(data.get("flagged")),
            sort=sort,
        )


# Formal check -----------------------------------------------------------------------------------
class FormalCheckForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    eligible_population = forms.BooleanField(
        label=CHECKLIST["eligible_population"],
        required=False,
        help_text=_("Einwohnerzahl zum Stichtag der Förderrunde, bei gemeinsamen Anträgen auch "
                    "die der Partnerkommunen."),
    )  # fmt: skip
    documents_complete = forms.BooleanField(
        label=CHECKLIST["documents_complete"],
        required=False,
        help_text=_("Antragsformular, Konzept, Kosten- und Finanzierungsplan und die "
                    "Absichtserklärungen der Partnerkommunen."),
    )  # fmt: skip
    financing_plausible = forms.BooleanField(label=CHECKLIST["financing_plausible"], required=False)
    declarations_given = forms.BooleanField(label=CHECKLIST["declarations_given"], required=False)
    notes = forms.CharField(
        label=_("Vermerk zur Prüfung (intern)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nur für das Regierungspräsidium sichtbar."),
    )
    outcome = forms.ChoiceField(
        label=_("Ergebnis"),
        choices=CheckOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie das Ergebnis der formalen Prüfung.")},
    )
    sections = forms.MultipleChoiceField(
        label=_("Nachzureichende Abschnitte"),
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nur diese Abschnitte kann die Kommune ändern."),
    )
    message = forms.CharField(
        label=_("Nachricht an die Kommune"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Was fehlt oder zu ergänzen ist. Die Kommune erhält diesen Text per E-Mail."),
    )
    due_date = forms.DateField(
        label=_("Frist"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    submit_label = _("Prüfergebnis speichern")

    def build_helper(self):
        helper = super().build_helper()
        helper.layout = Layout(
            Fieldset(_("Prüfliste"), *CHECKLIST.keys(), "notes"),
            Fieldset(_("Ergebnis"), "outcome"),
            Fieldset(_("Bei einer Nachforderung"), "sections", "message", Field("due_date")),
        )
        return helper

    def checklist(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in CHECKLIST}


class NoteForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Vermerk"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Interner Vermerk; die Kommune sieht ihn nicht."),
        error_messages={"required": _("Bitte geben Sie den Text des Vermerks ein.")},
    )
    submit_label = _("Vermerk speichern")

    def __init__(self, *args, **kwargs):
        # Ids of its own: the detail page also holds the Postfach's form, whose text field
        # would otherwise share "id_text" and take this form's label.
        kwargs.setdefault("auto_id", "id_note_%s")
        super().__init__(*args, **kwargs)


# Assignments ------------------------------------------------------------------------------------
class AssignForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=None,
        label=_("Gutachter/in"),
        empty_label=_("Bitte wählen"),
        help_text=_("Personen, die einer Kommune des Antrags angehören oder Befangenheit "
                    "erklärt haben, stehen nicht zur Auswahl."),
        error_messages={
            "required": _("Bitte wählen Sie eine Person aus."),
            "invalid_choice": _("Bitte wählen Sie eine Person aus der Liste."),
        },
    )  # fmt: skip
    submit_label = _("Zuweisen")
    submit_name = "assign"

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda u: u.get_full_name()


class BulkAssignForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    per_application = forms.TypedChoiceField(
        label=_("Gutachten je Antrag"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        initial=2,
    )
    reviewers = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Jury"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Die Anträge werden gleichmäßig auf diese Personen verteilt."),
        error_messages={"required": _("Bitte wählen Sie mindestens eine Person aus.")},
    )
    submit_label = _("Gleichmäßig zuweisen")

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewers
        self.fields["reviewers"].label_from_instance = lambda u: u.get_full_name()
        if not self.is_bound:
            self.initial.setdefault("reviewers", list(reviewers))


class EndAssignmentForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Grund"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Bitte geben Sie einen Grund an.")},
    )
    submit_label = _("Zuweisung beenden")


class ReopenForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Grund der Wiederöffnung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wird im Verlauf des Antrags vermerkt."),
        error_messages={
            "required": _("Bitte begründen Sie, warum die Bewertung wieder geöffnet wird.")
        },
    )
    submit_label = _("Bewertung wieder öffnen")


# The reviewer -----------------------------------------------------------------------------------
class DeclarationForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Erklärung zur Befangenheit"),
        coerce=lambda v: v == "yes",
        choices=[
            ("no", _("Ich bin nicht befangen.")),
            ("yes", _("Ich bin befangen und kann diesen Antrag nicht bewerten.")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte geben Sie Ihre Erklärung ab.")},
    )
    note = forms.CharField(
        label=_("Begründung (nur bei Befangenheit)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zum Beispiel eine persönliche oder berufliche Verbindung zur Kommune."),
    )
    submit_label = _("Erklärung abgeben")


class ReviewForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    """Points and a comment per criterion, the overall comment and the recommendation. Two
    buttons: save as draft, or finalize."""

    overall_comment = forms.CharField(
        label=_("Gesamteinschätzung"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    recommendation = forms.ChoiceField(
        label=_("Empfehlung"),
        required=False,
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, criteria, **kwargs):
        self.criteria = list(criteria)
        super().__init__(*args, **kwargs)
        fields = {}
        for criterion in self.criteria:
            fields[f"points_{criterion.pk}"] = forms.IntegerField(
                label=_("Punkte (0 bis %(max)s)") % {"max": criterion.max_points},
                help_text=criterion.description,
                required=False,
                min_value=0,
                max_value=criterion.max_points,
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "class": "kern-form-input__input--width-4"}
                ),
                error_messages={
                    "invalid": _("Bitte geben Sie eine ganze Zahl ein."),
                    "min_value": _("Bitte vergeben Sie mindestens 0 Punkte."),
                    "max_value": _("Bitte vergeben Sie höchstens %(limit_value)s Punkte."),
                },
            )
            fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Anmerkung zu diesem Kriterium"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields = {**fields, **self.fields}
        self.helper = self.build_helper()

    def build_helper(self):
        helper = super().build_helper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.optional_marker = False
        criteria = getattr(self, "criteria", [])
        helper.layout = Layout(
            *(
                Fieldset(
                    _("%(name)s (Gewichtung %(weight)s)")
                    % {"name": c.name, "weight": weight_label(c.weight)},
                    f"points_{c.pk}",
                    f"comment_{c.pk}",
                )
                for c in criteria
            ),
            Fieldset(_("Gesamtbewertung"), "overall_comment", "recommendation"),
        )
        return helper

    def points(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"points_{c.pk}") for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}") or "" for c in self.criteria}


# Decisions --------------------------------------------------------------------------------------
class ApproveForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    granted_amount = GermanDecimalField(
        label=_("Bewilligter Betrag in Euro"),
        min_value=0,
        max_digits=12,
        help_text=_("Höchstens die beantragte Zuwendung; vorausgefüllt mit dem beantragten "
                    "Betrag."),
        error_messages={"required": _("Bitte geben Sie den bewilligten Betrag an.")},
    )  # fmt: skip
    financing_adjustment = forms.ChoiceField(
        label=_("Ausgleich des Finanzierungsplans"),
        required=False,
        choices=[
            (
                FinancingAdjustment.REDUCE_COST,
                _("Zuwendungsfähige Gesamtkosten verringern (Eigen- und Drittmittel bleiben)"),
            ),
            (
                FinancingAdjustment.RAISE_OWN_FUNDS,
                _("Eigenmittel erhöhen (die Gesamtkosten bleiben)"),
            ),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Nur wenn weniger als der Fehlbedarf bewilligt wird: Der bewilligte "
            "Finanzierungsplan muss ausgeglichen sein. Er steht im Zuwendungsbescheid."
        ),
    )
    reason = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Erscheint im Zuwendungsbescheid."),
    )
    submit_label = _("Bewilligen")
    submit_name = "approve"

    def __init__(self, *args, application, **kwargs):
        self.application = application
        self.plan = None
        super().__init__(*args, **kwargs)

    def clean(self):
        """The approved financing plan that results (shown before the decision is made)."""
        cleaned = super().clean()
        amount = cleaned.get("granted_amount")
        if amount is not None and not self.errors:
            app = self.application
            try:
                self.plan = approved_plan(
                    total_cost=app.total_cost,
                    own_funds=app.own_funds,
                    third_party_funds=app.third_party_funds,
                    grant=amount,
                    adjustment=cleaned.get("financing_adjustment"),
                )
            except ValidationError as exc:
                self.add_service_errors(exc)
        return cleaned


class RejectForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Begründung der Ablehnung"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Erscheint im Ablehnungsbescheid."),
        error_messages={"required": _("Bitte begründen Sie die Ablehnung.")},
    )
    submit_label = _("Ablehnen")
    submit_name = "reject"


class ItemRequestExtendForm(ServiceErrorsMixin, KernFormMixin, forms.Form):
    """A later due date for the open Nachforderung (the rules: ``item_request_extend``)."""

    due_date = forms.DateField(
        label=_("Neue Frist"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Die Kommune wird benachrichtigt; die Erinnerungen beginnen für die neue Frist neu."
        ),
        error_messages={
            "required": _("Bitte geben Sie die neue Frist an."),
            "invalid": _("Bitte geben Sie die neue Frist als Datum an, zum Beispiel 31.12.2026."),
        },
    )
    submit_label = _("Frist verlängern")
