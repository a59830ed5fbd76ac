"""Django admin: admins manage funding rounds here; applications are read-mostly (their status
only changes through the workflow service, never by editing a field).

The rules of a round (``ROUND_RULE_FIELDS``) are locked, shown read-only with the reason, once
any application of the round was submitted: those applications were submitted under them (and
carry a copy in ``Application.submission_rules``). While only drafts exist, a change of the
rules needs an explicit confirmation that names the number of drafts affected."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import GermanNumbersAdminMixin
from questionnaires.services import question_set_copy

from .admin_calls import CONFIGURATION_INLINES, configuration_formset_initial, rules_locked
from .models import (
    ROUND_RULE_FIELDS,
    Application,
    ApplicationEvent,
    ApplicationPartner,
    Attachment,
    CostCategory,
    CostLine,
    EligibilityRule,
    FundingRound,
    ItemRequest,
    RoundParticipation,
)

CONFIRM_FIELD = "confirm_rule_change"


class CostCategoryInline(admin.TabularInline):
    model = CostCategory
    extra = 1
    fields = ["position", "name"]
    ordering = ["position", "name"]


class FundingRoundForm(forms.ModelForm):
    confirm_rule_change = forms.BooleanField(
        label=_("Änderung der Regeln trotz offener Antragsentwürfe bestätigen"),
        required=False,
    )

    copy_questions_from = forms.ModelChoiceField(
        label=_("Fragenkatalog kopieren aus Förderrunde"),
        queryset=FundingRound.objects.filter(question_set__isnull=False),
        required=False,
        help_text=_(
            "Legt beim Speichern eine Kopie des Fragenkatalogs dieser Förderrunde an und "
            "verwendet sie hier; die Kopie können Sie dann unter „Fragenkataloge“ bearbeiten."
        ),
    )

    # Set by FundingRoundAdmin.get_form: drafts of the round whose rules this form may change.
    draft_count = 0

    class Meta:
        model = FundingRound
        fields: list[str] = []  # the admin adds those of its fieldsets

    def changed_rules(self) -> list[str]:
        rules = (*ROUND_RULE_FIELDS, "allowed_municipalities")
        return [name for name in self.changed_data if name in rules]

    def clean(self):
        data = super().clean()
        if (
            data.get("eligibility_rule") == EligibilityRule.ALLOWED_LIST
            and "allowed_municipalities" in self.fields
            and not data.get("allowed_municipalities")
        ):
            self.add_error(
                "allowed_municipalities",
                _(
                    "Bitte wählen Sie die Kommunen aus, die in dieser Förderrunde "
                    "antragsberechtigt sind."
                ),
            )
        changed = self.changed_rules() if self.instance.pk else []
        if changed and self.draft_count and not data.get(CONFIRM_FIELD):
            labels = ", ".join(f"„{self.fields[name].label}“" for name in changed)
            self.add_error(
                CONFIRM_FIELD,
                ngettext(
                    "Diese Änderung der Regeln (%(fields)s) betrifft %(count)d Antragsentwurf "
                    "dieser Förderrunde. Er wird danach nach den neuen Regeln geprüft; eine "
                    "Kommune kann dadurch zum Beispiel nicht mehr antragsberechtigt sein. Bitte "
                    "bestätigen Sie die Änderung.",
                    "Diese Änderung der Regeln (%(fields)s) betrifft %(count)d Antragsentwürfe "
                    "dieser Förderrunde. Sie werden danach nach den neuen Regeln geprüft; eine "
                    "Kommune kann dadurch zum Beispiel nicht mehr antragsberechtigt sein. Bitte "
                    "bestätigen Sie die Änderung.",
                    self.draft_count,
                )
                % {"fields": labels, "count": self.draft_count},
            )
        return data


@admin.register(FundingRound)
class FundingRoundAdmin(GermanNumbersAdminMixin, admin.ModelAdmin):
    form = FundingRoundForm
    formfield_overrides = {
        **GermanNumbersAdminMixin.formfield_overrides,
        models.URLField: {"assume_scheme": "https"},
    }
    list_display = [
        "title",
        "programme_line",
        "reference_prefix",
        "opens_at",
        "deadline",
        "max_grant",
        "financing_type",
    ]
    list_filter = ["programme_line", "financing_type", "joint_allowed"]
    search_fields = ["title", "reference_prefix"]
    date_hierarchy = "deadline"
    inlines = [CostCategoryInline, *CONFIGURATION_INLINES]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("programme_line", "title", "description", "reference_prefix")}),
        (_("Förderaufruf"), {"fields": ("call_text", "call_url")}),
        (_("Fristen"), {"fields": ("opens_at", "deadline")}),
        (
            _("Antragsberechtigung"),
            {
                "fields": (
                    "eligibility_rule",
                    "allowed_municipalities",
                    "population_lower",
                    "population_upper",
                    "population_reference_date",
                    "joint_allowed",
                    "joint_max_partners",
                    "lead_between_bounds_may_be_joint",
                )
            },
        ),
        (
            _("Förderung"),
            {
                "fields": (
                    "max_grant",
                    "budget",
                    "financing_type",
                    "duration_min_months",
                    "duration_max_months",
                )
            },
        ),
        (_("Fragen des Antrags"), {"fields": ("question_set", "copy_questions_from")}),
        (_("Entscheidung und Bewertung"), {"fields": ("decision_notes", "score_spread_threshold")}),
        (_("Daten"), {"fields": ("created_at", "updated_at")}),
    )
    RULE_FIELDSETS = (_("Antragsberechtigung"), _("Förderung"))
    LOCKED_TEXT = _(
        "Gesperrt: In dieser Förderrunde wurden bereits Anträge eingereicht. Die Regeln, nach "
        "denen sie eingereicht wurden, können nicht mehr geändert werden; jeder eingereichte "
        "Antrag wird mit den Regeln und Einwohnerzahlen zum Zeitpunkt seiner Einreichung "
        "beurteilt. Für geänderte Regeln legen Sie bitte eine neue Förderrunde an."
    )

    def _locked(self, obj) -> bool:
        return rules_locked(obj)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        initial = configuration_formset_initial(inline, request, obj)
        if initial is not None:
            kwargs["initial"] = initial
        return kwargs

    def _drafts(self, obj) -> int:
        if obj is None or self._locked(obj):
            return 0
        cached = getattr(obj, "_draft_count", None)
        if cached is None:
            cached = obj._draft_count = obj.draft_count()
        return cached

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._locked(obj):
            locked = [*ROUND_RULE_FIELDS, "allowed_municipalities"]
            fields += [name for name in locked if name not in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            if self._locked(obj) and name in self.RULE_FIELDSETS:
                options = {**options, "description": self.LOCKED_TEXT}
            fieldsets.append((name, options))
        drafts = self._drafts(obj)
        if drafts:
            fieldsets.append(
                (
                    _("Offene Antragsentwürfe"),
                    {
                        "fields": (CONFIRM_FIELD,),
                        "description": ngettext(
                            "In dieser Förderrunde gibt es %(count)d Antragsentwurf. Eine "
                            "Änderung der Antragsberechtigung oder der Förderregeln gilt auch "
                            "für ihn; sie muss eigens bestätigt werden.",
                            "In dieser Förderrunde gibt es %(count)d Antragsentwürfe. Eine "
                            "Änderung der Antragsberechtigung oder der Förderregeln gilt auch "
                            "für sie; sie muss eigens bestätigt werden.",
                            drafts,
                        )
                        % {"count": drafts},
                    },
                )
            )
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.draft_count = self._drafts(obj)
        return form

    def save_model(self, request, obj, form, change):
        source = form.cleaned_data.get("copy_questions_from")
        if source is not None:
            obj.question_set = question_set_copy(source.question_set, title=obj.title)
        super().save_model(request, obj, form, change)
        if change and ("question_set" in form.changed_data or source is not None):
            # Drafts answer the round's current questions; submitted ones keep theirs.
            obj.applications.filter(submitted_at__isnull=True).update(question_set=obj.question_set)
        if change and form.draft_count and form.changed_rules():
            messages.warning(
                request,
                ngettext(
                    "Die Regeln der Förderrunde wurden geändert; %(count)d Antragsentwurf wird "
                    "künftig nach den neuen Regeln geprüft.",
                    "Die Regeln der Förderrunde wurden geändert; %(count)d Antragsentwürfe "
                    "werden künftig nach den neuen Regeln geprüft.",
                    form.draft_count,
                )
                % {"count": form.draft_count},
            )


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(_ReadOnlyInline):
    model = ApplicationEvent
    fields = ["created_at", "actor", "action", "from_status", "to_status", "message", "internal"]
    readonly_fields = fields
    ordering = ["created_at", "id"]


class PartnerInline(_ReadOnlyInline):
    model = ApplicationPartner
    fields = ["municipality", "status", "added_at", "decided_by", "decided_at"]
    readonly_fields = fields


class CostLineInline(_ReadOnlyInline):
    model = CostLine
    fields = ["position", "category", "description", "amount", "budget_year"]
    readonly_fields = fields


class AttachmentInline(_ReadOnlyInline):
    model = Attachment
    fields = ["kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields


class ItemRequestInline(_ReadOnlyInline):
    model = ItemRequest
    fields = ["created_at", "sections", "message", "due_date", "created_by", "resolved_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "lead_municipality", "round", "status", "submitted_at"]
    list_filter = ["round", "status"]
    search_fields = ["reference", "title", "lead_municipality__name", "lead_municipality__ags"]
    list_select_related = ["round", "lead_municipality"]
    date_hierarchy = "created_at"
    inlines = [
        PartnerInline,
        CostLineInline,
        AttachmentInline,
        ItemRequestInline,
        EventInline,
    ]

    def get_readonly_fields(self, request, obj=None):
        # Everything but the search vector (machine text, applications/search.py).
        return [f.name for f in self.model._meta.concrete_fields if f.name != "search_vector"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing only: the change form is shown read-only. Changes go through the services.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoundParticipation)
class RoundParticipationAdmin(admin.ModelAdmin):
    list_display = ["round", "municipality", "role", "application", "created_at"]
    list_filter = ["round", "role"]
    search_fields = ["municipality__name", "municipality__ags", "application__reference"]
    list_select_related = ["round", "municipality", "application__lead_municipality"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "application", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "internal"]
    search_fields = ["application__reference", "message"]
    list_select_related = ["application__lead_municipality", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
