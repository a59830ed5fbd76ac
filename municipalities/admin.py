from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Membership, Municipality, SizeBand


class SizeBandFilter(admin.SimpleListFilter):
    title = _("Größenklasse")
    parameter_name = "groesse"

    def lookups(self, request, model_admin):
        return SizeBand.choices

    def queryset(self, request, queryset):
        if self.value() in SizeBand.values:
            return queryset.in_size_band(self.value())
        return queryset


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "kind", "kreis", "regierungsbezirk", "population", "is_active"]
    list_filter = ["regierungsbezirk", SizeBandFilter, "kind", "is_active", "kreis"]
    search_fields = ["name", "ags", "postcode"]
    ordering = ["name"]
    readonly_fields = ["updated_at"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "created_at"]
    search_fields = ["user__email", "municipality__name", "municipality__ags"]
    autocomplete_fields = ["user", "municipality"]
    list_select_related = ["user", "municipality"]
