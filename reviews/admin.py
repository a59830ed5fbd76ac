"""Admins configure each round's criteria inline on the funding round (the round's admin is
extended here, so applications/admin.py stays as it is). Assignments, reviews and formal
checks are shown read-only: they change only through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from applications.admin import FundingRoundAdmin
from applications.models import FundingRound
from core.forms import GermanNumbersAdminMixin

from .models import Assignment, Criterion, FormalCheck, Review, Score


class CriterionInline(GermanNumbersAdminMixin, admin.TabularInline):
    """Criteria of the round. Once a review of the round has points, they are read-only:
    changing a weight afterwards would silently change finished scores."""

    model = Criterion
    extra = 1
    fields = ["position", "name", "description", "weight", "max_points"]
    ordering = ["position", "id"]
    verbose_name = _("Bewertungskriterium")
    verbose_name_plural = _("Bewertungskriterien (Jury)")

    def _scored(self, obj) -> bool:
        return obj is not None and Score.objects.filter(criterion__round=obj).exists()

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._scored(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._scored(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._scored(obj)


admin.site.unregister(FundingRound)


@admin.register(FundingRound)
class FundingRoundWithCriteriaAdmin(FundingRoundAdmin):
    inlines = [*FundingRoundAdmin.inlines, CriterionInline]


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(_ReadOnlyAdmin):
    list_display = ["application", "reviewer", "status", "declared_at", "conflict", "assigned_at"]
    list_filter = ["status", "conflict", "application__round"]
    search_fields = ["application__reference", "reviewer__email", "reviewer__full_name"]
    list_select_related = ["application__lead_municipality", "reviewer"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    can_delete = False
    fields = ["criterion", "points", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(_ReadOnlyAdmin):
    list_display = ["assignment", "status", "score", "recommendation", "finalized_at"]
    list_filter = ["status", "recommendation"]
    search_fields = ["assignment__application__reference", "assignment__reviewer__email"]
    list_select_related = ["assignment__application__lead_municipality", "assignment__reviewer"]
    inlines = [ScoreInline]


@admin.register(FormalCheck)
class FormalCheckAdmin(_ReadOnlyAdmin):
    list_display = ["application", "outcome", "checked_by", "checked_at"]
    list_filter = ["outcome"]
    search_fields = ["application__reference"]
    list_select_related = ["application__lead_municipality", "checked_by"]
