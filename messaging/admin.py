"""Messages in the admin: to look at, never to change (they are part of the record)."""

from django.contrib import admin

from .models import Message, MessageAttachment, MessageRead


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = MessageAttachment
    fields = ("original_name", "content_type", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "application", "side", "sender", "audience", "subject")
    list_filter = ("side", "audience")
    list_select_related = ("application", "sender")
    search_fields = ("application__reference", "subject")
    date_hierarchy = "sent_at"
    inlines = [AttachmentInline]


@admin.register(MessageRead)
class MessageReadAdmin(ReadOnlyAdmin):
    list_display = ("read_at", "message", "user")
    list_select_related = ("message", "user")
