"""Django admin: the grant rules of each round are edited here; grants and their objects are
read-only (their states change only through the transition service)."""

from django.contrib import admin

from core.forms import GermanNumbersAdminMixin

from .models import ChangeRequest, Grant, GrantRules, Notice, PaymentOrder, PaymentRequest


@admin.register(GrantRules)
class GrantRulesAdmin(GermanNumbersAdminMixin, admin.ModelAdmin):
    list_display = [
        "round",
        "appeal_period_months",
        "payment_window_months",
        "interim_report_months",
        "final_report_months",
        "receipts_required",
    ]
    list_select_related = ["round"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "granted_amount", "notified_on", "binding_on"]
    list_filter = ["state"]
    list_select_related = ["application"]
    search_fields = ["application__reference", "application__title"]


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "grant", "state", "amount", "approved_amount", "paid_on"]
    list_filter = ["state"]
    list_select_related = ["grant__application"]


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "ordered_on", "amount", "account_holder"]
    date_hierarchy = "ordered_on"


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "grant", "state", "filed_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["grant__application"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "grant", "state", "requested_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["grant__application"]
