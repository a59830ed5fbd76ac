from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: operators see what is still owed and why it failed."""

    list_display = ("task_name", "args", "created_at", "attempts", "sent_at", "done_at")
    list_filter = ("task_name", ("done_at", admin.EmptyFieldListFilter))
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
