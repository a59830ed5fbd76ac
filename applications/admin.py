"""Django admin: admins manage funding rounds here; applications are read-mostly (their status
only changes through the workflow service, never by editing a field)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Application,
    ApplicationEvent,
    ApplicationPartner,
    Attachment,
    AttachmentKind,
    CostCategory,
    CostLine,
    FundingRound,
    GeneratedDocument,
    ItemRequest,
    RoundParticipation,
)


class CostCategoryInline(admin.TabularInline):
    model = CostCategory
    extra = 1
    fields = ["position", "name"]
    ordering = ["position", "name"]


class FundingRoundForm(forms.ModelForm):
    required_attachment_kinds = forms.MultipleChoiceField(
        label=_("Pflichtanlagen"),
        choices=AttachmentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=FundingRound._meta.get_field("required_attachment_kinds").help_text,
    )

    class Meta:
        model = FundingRound
        fields = ["required_attachment_kinds"]  # the admin adds those of its fieldsets


@admin.register(FundingRound)
class FundingRoundAdmin(admin.ModelAdmin):
    form = FundingRoundForm
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
    inlines = [CostCategoryInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("programme_line", "title", "description", "reference_prefix")}),
        (_("Fristen"), {"fields": ("opens_at", "deadline")}),
        (
            _("Antragsberechtigung"),
            {
                "fields": (
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
                    "required_attachment_kinds",
                )
            },
        ),
        (_("Entscheidung und Bewertung"), {"fields": ("decision_notes", "score_spread_threshold")}),
        (_("Daten"), {"fields": ("created_at", "updated_at")}),
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


class DocumentInline(_ReadOnlyInline):
    model = GeneratedDocument
    fields = ["kind", "filename", "size", "sha256", "created_at"]
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
        DocumentInline,
        EventInline,
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]

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
    list_select_related = ["round", "municipality", "application"]

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
    list_select_related = ["application", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
