"""The question sets in the Django admin: sections and questions edited inline and in order,
a preview of the form as applicants see it, a copy for another round, and a new version of a
frozen set (a frozen set itself is shown read-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import QuestionSetPreviewForm
from .models import LIST_TYPES, Question, QuestionSection, QuestionSet, QuestionType
from .registry import ATTACHMENT_KINDS, RESERVED_KEYS, attachment_kind_choices
from .selectors import question_set_structure
from .services import question_set_copy, question_set_new_version


class QuestionSectionInline(admin.TabularInline):
    model = QuestionSection
    extra = 0
    fields = ["position", "key", "title_de", "title_en", "intro_de", "intro_en"]
    ordering = ["position", "id"]
    formfield_overrides = {
        QuestionSection._meta.get_field("intro_de").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 30})
        }
    }


class QuestionForm(forms.ModelForm):
    attachment_kind = forms.ChoiceField(
        label=gettext_lazy("Art der Anlage"),
        required=False,
        help_text=gettext_lazy("Für Anlagenfragen."),
    )

    class Meta:
        model = Question
        fields = [
            "section", "position", "key", "type", "required", "label_de", "label_en",
            "hint_de", "hint_en", "max_length", "choices", "attachment_kind",
            "condition_question", "condition_value",
        ]  # fmt: skip
        widgets = {
            "hint_de": forms.Textarea(attrs={"rows": 2}),
            "hint_en": forms.Textarea(attrs={"rows": 2}),
            "choices": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment_kind"].choices = [("", "—"), *ATTACHMENT_KINDS.items()]

    def set_attachment_kinds(self, choices: list[tuple[str, str]]) -> None:
        self.fields["attachment_kind"].choices = [("", "—"), *choices]

    def clean_key(self):
        key = self.cleaned_data["key"]
        if key in RESERVED_KEYS:
            raise ValidationError(
                _("„%(key)s“ ist ein fester Name des Antrags. Bitte wählen Sie einen anderen.")
                % {"key": key}
            )
        return key


class QuestionFormSet(forms.BaseInlineFormSet):
    """Checks across the questions: a condition names an earlier question of the set whose
    answer is yes/no or a choice."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The kinds of the rounds asking this set (their own, from the round's configuration).
        if not hasattr(self, "_kind_choices"):
            self._kind_choices = attachment_kind_choices(self.instance)
        form.set_attachment_kinds(self._kind_choices)

    def clean(self):
        super().clean()
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("key"):
                continue
            section = data.get("section")
            rows.append(((section.position if section else 0, data.get("position") or 0), form))
        rows.sort(key=lambda row: row[0])
        seen: dict[str, str] = {}
        for _order, form in rows:
            data = form.cleaned_data
            condition = data.get("condition_question")
            if condition:
                if condition not in seen:
                    form.add_error(
                        "condition_question",
                        _("Die Bedingung muss eine Frage davor nennen (Schlüssel)."),
                    )
                elif seen[condition] not in (QuestionType.YES_NO, *LIST_TYPES):
                    form.add_error(
                        "condition_question",
                        _("Eine Bedingung kann nur eine Ja/Nein- oder Auswahlfrage nennen."),
                    )
            seen[data["key"]] = data.get("type")


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0
    ordering = ["section__position", "position", "id"]
    fieldsets = (
        (None, {"fields": (("section", "position"), ("key", "type", "required"))}),
        (None, {"fields": (("label_de", "label_en"), ("hint_de", "hint_en"))}),
        (
            gettext_lazy("Je nach Art der Antwort"),
            {"fields": ("max_length", "choices", "attachment_kind")},
        ),
        (
            gettext_lazy("Bedingung"),
            {"fields": (("condition_question", "condition_value"),)},
        ),
    )

    def get_formset(self, request, obj=None, **kwargs):
        self._parent = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            parent = getattr(self, "_parent", None)
            kwargs["queryset"] = (
                QuestionSection.objects.filter(question_set=parent)
                if parent is not None
                else QuestionSection.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "is_frozen_display", "round_titles", "preview_link"]
    search_fields = ["title"]
    inlines = [QuestionSectionInline, QuestionInline]
    readonly_fields = ["version", "previous", "frozen_at", "created_at", "tools"]
    fields = ["title", "version", "previous", "frozen_at", "created_at", "tools"]
    actions = ["copy_sets", "new_versions"]

    @admin.display(boolean=True, description=gettext_lazy("eingefroren"))
    def is_frozen_display(self, obj):
        return obj.is_frozen

    @admin.display(description=gettext_lazy("Förderrunden"))
    def round_titles(self, obj):
        return ", ".join(r.title for r in obj.rounds.all())

    @admin.display(description=gettext_lazy("Vorschau"))
    def preview_link(self, obj):
        url = reverse("admin:questionnaires_questionset_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Vorschau"))

    @admin.display(description=gettext_lazy("Hinweise"))
    def tools(self, obj):
        if obj is None or obj.pk is None:
            return _("Nach dem ersten Speichern: Abschnitte anlegen, speichern, dann Fragen.")
        text = _(
            "Neue Abschnitte erst speichern, dann ihnen Fragen zuordnen. Die Reihenfolge "
            "bestimmen die Felder „Reihenfolge“."
        )
        if obj.is_frozen:
            text = _(
                "Eingefroren: Ein danach beantworteter Antrag wurde eingereicht. Ändern Sie den "
                "Katalog über die Aktion „Neue Fassung anlegen“ in der Liste der Fragenkataloge; "
                "eingereichte Anträge behalten diese Fassung."
            )
        url = reverse("admin:questionnaires_questionset_preview", args=[obj.pk])
        return format_html('{} <a href="{}">{}</a>', text, url, _("Vorschau des Formulars"))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rounds")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_frozen or obj.rounds.exists()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=gettext_lazy("Kopie anlegen (für eine andere Förderrunde)"))
    def copy_sets(self, request, queryset):
        for question_set in queryset:
            copy = question_set_copy(question_set)
            self.message_user(
                request,
                _("„%(copy)s“ angelegt. Wählen Sie ihn in der Förderrunde aus.") % {"copy": copy},
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Neue Fassung anlegen (zum Ändern)"))
    def new_versions(self, request, queryset):
        for question_set in queryset:
            new = question_set_new_version(question_set)
            self.message_user(
                request,
                _(
                    "„%(new)s“ angelegt; die Förderrunden und ihre Entwürfe verwenden jetzt "
                    "diese Fassung."
                )
                % {"new": new},
                messages.SUCCESS,
            )

    def get_urls(self):
        return [
            path(
                "<int:pk>/vorschau/",
                self.admin_site.admin_view(self.preview_view),
                name="questionnaires_questionset_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The form as applicants see it, all sections on one page; sending it checks the
        answers as the form would (nothing is saved)."""
        if not self.has_view_permission(request):
            return redirect("admin:index")
        question_set = get_object_or_404(QuestionSet, pk=pk)
        parts = question_set_structure(question_set)
        form = QuestionSetPreviewForm(
            request.POST if request.method == "POST" else None, parts=parts
        )
        checked = request.method == "POST" and form.is_valid()
        return render(
            request,
            "questionnaires/preview.html",
            {"question_set": question_set, "form": form, "checked": checked, "parts": parts},
        )
