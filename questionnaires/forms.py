"""Form fields built from a question set, rendered through the KERN crispy pack.

Every field is optional in the form (a draft may be incomplete); each answer is parsed and
checked by ``answers.clean_answer`` (German messages), which the services run again. A date
range is two date fields (``<key>__start``, ``<key>__end``) in a fieldset of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import de_number
from core.forms import KernFormMixin

from .answers import clean_answer
from .models import Question, QuestionType
from .selectors import SectionQuestions

START, END = "__start", "__end"
YES_NO_CHOICES = (("ja", gettext_lazy("Ja")), ("nein", gettext_lazy("Nein")))


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _hint(question: Question, labels: Mapping[str, str]) -> str:
    hint = question.hint
    if question.condition_question:
        controller = labels.get(question.condition_question, question.condition_question)
        value = question.condition_value.strip() or _("Ja")
        if value.lower() in ("ja", "nein"):
            value = _("Ja") if value.lower() == "ja" else _("Nein")
        condition = _(
            "Nur zu beantworten, wenn Sie „%(question)s“ mit „%(value)s“ beantworten."
        ) % {
            "question": controller,
            "value": value,
        }
        hint = f"{hint} {condition}".strip()
    return hint


def question_form_fields(question: Question, labels: Mapping[str, str]) -> dict[str, forms.Field]:
    """The form field(s) of one question (none for an attachment question)."""
    common = {"required": False, "label": question.label, "help_text": _hint(question, labels)}
    kind = question.type
    if kind == QuestionType.ATTACHMENT:
        return {}
    if kind == QuestionType.DATE_RANGE:
        return {
            question.key + START: forms.DateField(
                required=False, label=_("Beginn"), widget=_date_widget(), localize=False
            ),
            question.key + END: forms.DateField(
                required=False, label=_("Ende"), widget=_date_widget(), localize=False
            ),
        }
    if kind == QuestionType.LONG_TEXT:
        field: forms.Field = forms.CharField(
            max_length=question.limit, widget=forms.Textarea(attrs={"rows": 5}), **common
        )
    elif kind == QuestionType.SHORT_TEXT:
        field = forms.CharField(max_length=question.limit, **common)
    elif kind == QuestionType.INTEGER:
        field = forms.CharField(max_length=20, **common)
        field.widget.attrs["inputmode"] = "numeric"
    elif kind == QuestionType.MONEY:
        field = forms.CharField(max_length=30, **common)
        field.widget.attrs["inputmode"] = "decimal"
    elif kind == QuestionType.DATE:
        field = forms.CharField(max_length=10, widget=_date_widget(), **common)
    elif kind == QuestionType.YES_NO:
        field = forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    elif kind == QuestionType.CHOICE:
        field = forms.ChoiceField(choices=question.options, widget=forms.RadioSelect, **common)
    elif kind == QuestionType.MULTIPLE_CHOICE:
        field = forms.MultipleChoiceField(
            choices=question.options, widget=forms.CheckboxSelectMultiple, **common
        )
    elif kind == QuestionType.EMAIL:
        field = forms.CharField(max_length=300, **common)
        field.widget.attrs.update(type="email", autocomplete="email")
    elif kind == QuestionType.PHONE:
        field = forms.CharField(max_length=40, **common)
        field.widget.attrs.update(type="tel", autocomplete="tel")
    else:  # URL
        field = forms.CharField(max_length=300, **common)
        field.widget.attrs.update(type="url")
    field.error_messages["invalid_choice"] = _(
        "Bitte wählen Sie eine der angebotenen Möglichkeiten."
    )
    return {question.key: field}


def initial_value(question: Question, stored: Any) -> dict[str, Any]:
    """The form's initial value(s) for a stored answer."""
    kind = question.type
    if kind == QuestionType.DATE_RANGE:
        stored = stored or {}
        return {question.key + START: stored.get("start"), question.key + END: stored.get("end")}
    if stored is None:
        return {}
    if kind == QuestionType.YES_NO:
        return {question.key: "ja" if stored else "nein"}
    if kind == QuestionType.MONEY:
        return {question.key: de_number(Decimal(stored), 2)}
    if kind == QuestionType.INTEGER:
        return {question.key: de_number(stored)}
    return {question.key: stored}


def initial_answers(questions: Sequence[Question], answers: Mapping[str, Any]) -> dict:
    initial: dict[str, Any] = {}
    for question in questions:
        initial.update(initial_value(question, answers.get(question.key)))
    return initial


class QuestionFieldsMixin:
    """Adds the fields of some questions to a form and collects their answers, checked, in
    ``self.answers`` (stored form, None for no answer)."""

    questions: list[Question]

    def add_questions(self, questions: Sequence[Question], labels: Mapping[str, str]) -> None:
        self.questions = list(questions)
        for question in self.questions:
            self.fields.update(question_form_fields(question, labels))

    def question_layout(
        self, parts: Sequence[SectionQuestions], attachments_html=None, *, legends: bool = True
    ) -> list:
        """Layout items: a fieldset per section (a plain group without ``legends``: the page's
        heading names its one section), a date range in a fieldset of its own."""
        items = []
        keys = {q.key for q in self.questions}
        for part in parts:
            inner: list = []
            if part.section.intro:
                inner.append(HTML(format_html('<p class="kern-body">{}</p>', part.section.intro)))
            for question in part.questions:
                if question.key not in keys:
                    continue
                if question.type == QuestionType.DATE_RANGE:
                    legend = question.label
                    if question.hint:
                        legend = format_html(
                            '{}<span class="kern-hint">{}</span>', question.label, question.hint
                        )
                    inner.append(
                        Fieldset(legend, Field(question.key + START), Field(question.key + END))
                    )
                elif question.type == QuestionType.ATTACHMENT:
                    if attachments_html is not None:
                        inner.append(HTML(attachments_html(question)))
                else:
                    inner.append(Field(question.key))
            items.append(Fieldset(part.title, *inner) if legends else Div(*inner))
        return items

    def clean_questions(self) -> None:
        self.answers: dict[str, Any] = {}
        for question in self.questions:
            if question.type == QuestionType.ATTACHMENT:
                continue
            if question.type == QuestionType.DATE_RANGE:
                start = self.cleaned_data.get(question.key + START)
                end = self.cleaned_data.get(question.key + END)
                if question.key + START in self.errors or question.key + END in self.errors:
                    continue
                raw: Any = {"start": start, "end": end}
                error_field = question.key + (START if not start else END)
            else:
                if question.key not in self.cleaned_data:
                    continue
                raw = self.cleaned_data[question.key]
                error_field = question.key
            try:
                self.answers[question.key] = clean_answer(question, raw)
            except ValidationError as exc:
                for message in exc.messages:
                    self.add_error(error_field, message)


class QuestionSetPreviewForm(QuestionFieldsMixin, KernFormMixin, forms.Form):
    """The whole set as the applicant sees it (every section), for the admin's preview."""

    def __init__(self, *args, parts: Sequence[SectionQuestions], **kwargs):
        super().__init__(*args, **kwargs)
        questions = [q for part in parts for q in part.questions]
        self.add_questions(questions, {q.key: q.label for q in questions})
        self.prepare_text_fields()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.optional_marker = False
        self.helper.layout = Layout(
            *self.question_layout(
                parts,
                attachments_html=lambda q: format_html(
                    '<p class="kern-body"><strong>{}</strong><br>{}</p>',
                    q.label,
                    _("Hier laden Antragstellende eine Anlage hoch."),
                ),
            )
        )

    def clean(self):
        cleaned = super().clean()
        self.clean_questions()
        return cleaned
