from django.contrib import admin

from .models import AccessibilityFeedback, LegalPage, SignLanguageVideo


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "checked_on", "updated_at"]
    readonly_fields = ["slug", "updated_at"]
    fields = ["slug", "title", "body", "checked_on", "updated_at"]

    def has_add_permission(self, request):  # one row per page, from the data migration
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "page_url"]
    readonly_fields = ["name", "email", "page_url", "message", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SignLanguageVideo)
class SignLanguageVideoAdmin(admin.ModelAdmin):
    list_display = ["title", "active", "uploaded_at"]
