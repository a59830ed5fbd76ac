"""A round's question set (Fragenkatalog): ordered sections with typed questions, in versions.

A set belongs to no round by itself: ``applications.FundingRound.question_set`` names the
current version of a round's set, ``applications.Application.question_set`` the version an
application was answered under. Once an application answered under a version is submitted,
the version is frozen (``frozen_at``, set by the submission); the admin then cannot change it
but makes a new version (``services.question_set_new_version``), which the round and its drafts
move to, while submitted applications keep theirs.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

KEY_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_]{0,59}$",
    _("Nur Kleinbuchstaben ohne Umlaute, Ziffern und _, am Anfang ein Buchstabe."),
)


class QuestionType(models.TextChoices):
    SHORT_TEXT = "short_text", _("Kurzer Text (eine Zeile)")
    LONG_TEXT = "long_text", _("Langer Text (mit Zeichengrenze)")
    INTEGER = "integer", _("Ganze Zahl")
    MONEY = "money", _("Geldbetrag (Euro)")
    DATE = "date", _("Datum")
    DATE_RANGE = "date_range", _("Zeitraum (von – bis)")
    YES_NO = "yes_no", _("Ja oder nein")
    CHOICE = "choice", _("Eine Auswahl aus einer Liste")
    MULTIPLE_CHOICE = "multiple_choice", _("Mehrere Auswahlen aus einer Liste")
    EMAIL = "email", _("E-Mail-Adresse")
    PHONE = "phone", _("Telefonnummer")
    URL = "url", _("Internetadresse")
    ATTACHMENT = "attachment", _("Anlage einer bestimmten Art")


TEXT_TYPES = {QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT}
LIST_TYPES = {QuestionType.CHOICE, QuestionType.MULTIPLE_CHOICE}
SHORT_TEXT_DEFAULT_LIMIT = 200
LONG_TEXT_DEFAULT_LIMIT = 8_000


def localized(german: str, english: str) -> str:
    """The English text when the page is in English and there is one, else the German."""
    if english and (get_language() or "de").startswith("en"):
        return english
    return german


class QuestionSet(models.Model):
    title = models.CharField(_("Bezeichnung"), max_length=200)
    version = models.PositiveIntegerField(_("Fassung"), default=1)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vorherige Fassung"),
    )
    frozen_at = models.DateTimeField(
        _("eingefroren am"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Seit ein danach beantworteter Antrag eingereicht wurde; unveränderlich."),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Fragenkatalog")
        verbose_name_plural = _("Fragenkataloge")
        ordering = ["title", "-version", "id"]

    def __str__(self) -> str:
        return _("%(title)s (Fassung %(version)s)") % {"title": self.title, "version": self.version}

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class QuestionSection(models.Model):
    """A step of the form (one page in the task list)."""

    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="sections", verbose_name=_("Katalog")
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    key = models.CharField(_("Schlüssel"), max_length=60, validators=[KEY_VALIDATOR])
    title_de = models.CharField(_("Überschrift (deutsch)"), max_length=200)
    title_en = models.CharField(_("Überschrift (englisch)"), max_length=200, blank=True)
    intro_de = models.TextField(_("Einleitung (deutsch)"), blank=True)
    intro_en = models.TextField(_("Einleitung (englisch)"), blank=True)

    class Meta:
        verbose_name = _("Abschnitt")
        verbose_name_plural = _("Abschnitte")
        ordering = ["question_set", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "key"], name="section_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title_de

    @property
    def title(self) -> str:
        return localized(self.title_de, self.title_en)

    @property
    def intro(self) -> str:
        return localized(self.intro_de, self.intro_en)


class Question(models.Model):
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="questions", verbose_name=_("Katalog")
    )
    section = models.ForeignKey(
        QuestionSection,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("Abschnitt"),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    key = models.CharField(
        _("Schlüssel"),
        max_length=60,
        validators=[KEY_VALIDATOR],
        help_text=_("Bleibt über Fassungen gleich; Spaltenname in Exporten."),
    )
    label_de = models.CharField(_("Frage (deutsch)"), max_length=300)
    label_en = models.CharField(_("Frage (englisch)"), max_length=300, blank=True)
    hint_de = models.TextField(_("Hinweis (deutsch)"), blank=True)
    hint_en = models.TextField(_("Hinweis (englisch)"), blank=True)
    type = models.CharField(_("Art der Antwort"), max_length=20, choices=QuestionType)
    required = models.BooleanField(_("Pflichtfrage"), default=True)
    max_length = models.PositiveIntegerField(
        _("Höchstzahl der Zeichen"),
        null=True,
        blank=True,
        help_text=_("Für Textfragen; ohne Angabe 200 (kurz) oder 8.000 (lang)."),
    )
    choices = models.TextField(
        _("Auswahlmöglichkeiten"),
        blank=True,
        help_text=_("Für Auswahlfragen: eine je Zeile, als „wert | Deutsch | English“."),
    )
    attachment_kind = models.CharField(
        _("Art der Anlage"), max_length=32, blank=True, help_text=_("Für Anlagenfragen.")
    )
    condition_question = models.CharField(
        _("Nur zeigen, wenn Frage"),
        max_length=60,
        blank=True,
        help_text=_("Schlüssel einer Frage davor (ja/nein oder Auswahl)."),
    )
    condition_value = models.CharField(
        _("den Wert hat"),
        max_length=100,
        blank=True,
        help_text=_("Leer oder „ja“: mit Ja beantwortet; sonst der Wert einer Auswahl."),
    )

    class Meta:
        verbose_name = _("Frage")
        verbose_name_plural = _("Fragen")
        ordering = ["question_set", "section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "key"], name="question_key_unique"),
            models.CheckConstraint(
                condition=Q(type__in=QuestionType.values), name="question_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.label_de}"

    @property
    def label(self) -> str:
        return localized(self.label_de, self.label_en)

    @property
    def hint(self) -> str:
        return localized(self.hint_de, self.hint_en)

    @property
    def limit(self) -> int | None:
        if self.type not in TEXT_TYPES:
            return None
        if self.max_length:
            return self.max_length
        if self.type == QuestionType.LONG_TEXT:
            return LONG_TEXT_DEFAULT_LIMIT
        return SHORT_TEXT_DEFAULT_LIMIT

    @property
    def options(self) -> list[tuple[str, str]]:
        """(value, label) of a list question, in the language of the page."""
        result = []
        for line in self.choices.splitlines():
            parts = [part.strip() for part in line.split("|")]
            if not parts[0]:
                continue
            german = parts[1] if len(parts) > 1 and parts[1] else parts[0]
            english = parts[2] if len(parts) > 2 else ""
            result.append((parts[0], localized(german, english)))
        return result

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.type in LIST_TYPES and not self.options:
            errors["choices"] = _("Bitte geben Sie die Auswahlmöglichkeiten an.")
        if self.type == QuestionType.ATTACHMENT and not self.attachment_kind:
            errors["attachment_kind"] = _("Bitte geben Sie die Art der Anlage an.")
        if self.condition_value and not self.condition_question:
            errors["condition_question"] = _("Bitte nennen Sie die Frage der Bedingung.")
        if self.condition_question and self.condition_question == self.key:
            errors["condition_question"] = _("Eine Frage kann nicht von sich selbst abhängen.")
        if (
            self.question_set_id
            and self.section_id
            and self.section.question_set_id != self.question_set_id
        ):
            errors["section"] = _("Der Abschnitt gehört zu einem anderen Katalog.")
        if errors:
            raise ValidationError(errors)
