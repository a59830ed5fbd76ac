from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Membership, Municipality, SizeBand, german_order
from .services import IMPORTED_FIELDS

# What the register import (GV100AD) owns: shown read-only, never typed by hand.
REGISTER_FIELDS = ("ags", *IMPORTED_FIELDS)


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
    ordering = [german_order().asc(), "ags"]
    readonly_fields = [*REGISTER_FIELDS, "updated_at"]
    fieldsets = (
        (
            _("Gemeindeverzeichnis"),
            {
                "fields": REGISTER_FIELDS,
                "description": _(
                    "Diese Angaben stammen aus dem Gemeindeverzeichnis (GV100AD) des "
                    "Statistischen Bundesamts und werden nur durch dessen Import geändert "
                    "(manage.py import_municipalities). Von Hand geänderte Einwohnerzahlen "
                    "würden die Antragsberechtigung verfälschen."
                ),
            },
        ),
        (_("Daten"), {"fields": ("updated_at",)}),
    )

    def has_add_permission(self, request):
        # Municipalities come from the register import only.
        return False

    def has_delete_permission(self, request, obj=None):
        # Applications and memberships refer to municipalities; the import marks former ones
        # inactive instead of deleting them.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "created_at"]
    search_fields = ["user__email", "municipality__name", "municipality__ags"]
    autocomplete_fields = ["user", "municipality"]
    list_select_related = ["user", "municipality"]
