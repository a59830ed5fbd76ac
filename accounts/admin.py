from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Membership

from . import permissions, services
from .models import Invitation, JoinRequest, LoginEvent, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    actions = ["deactivate_users", "anonymise_users"]
    readonly_fields = ["email_confirmed_at", "anonymised_at"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "role")}),
        (
            _("Berechtigungen"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (
            _("Daten"),
            {"fields": ("last_login", "date_joined", "email_confirmed_at", "anonymised_at")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "role", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        if not change and obj.email_confirmed_at is None:
            obj.email_confirmed_at = timezone.now()  # the admin vouches for the address
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # Accounts are never deleted: deactivate or anonymise them, so history stays.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not permissions.can_manage_accounts(request.user):
            actions.pop("deactivate_users", None)
            actions.pop("anonymise_users", None)
        return actions

    @admin.action(description=_("Ausgewählte Konten deaktivieren"))
    def deactivate_users(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                services.user_deactivate(user=user, actor=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d Konto/Konten deaktiviert.") % {"count": done})

    @admin.action(description=_("Ausgewählte Konten anonymisieren …"))
    def anonymise_users(self, request, queryset):
        if not permissions.can_manage_accounts(request.user):
            raise PermissionDenied
        if request.POST.get("confirm") == "yes":
            done = 0
            for user in queryset:
                try:
                    services.user_anonymise(user=user, actor=request.user)
                    done += 1
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
            if done:
                self.message_user(
                    request, _("%(count)d Konto/Konten anonymisiert.") % {"count": done}
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Konten anonymisieren"),
            "users": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "anonymise_users",
        }
        return TemplateResponse(request, "admin/accounts/user/anonymise_confirmation.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "email", "user", "ip_address"]
    list_filter = ["kind", "created_at"]
    search_fields = ["email", "user__email", "ip_address"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "role", "municipality", "invited_by", "created_at", "expires_at",
                    "accepted_at"]  # fmt: skip
    list_filter = ["role", "accepted_at"]
    search_fields = ["email"]
    list_select_related = ["municipality", "invited_by"]
    exclude = ["token_hash"]


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ["user", "municipality", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "municipality__name", "municipality__ags"]
    list_select_related = ["user", "municipality", "decided_by"]
