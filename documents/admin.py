"""Django admin of generated documents: read-only, shown with their application.

``applications`` does not know this app, so the application's admin is extended here: the same
``ApplicationAdmin`` with the documents inline before the events (where it always was),
registered again in place of the original."""

from django.contrib import admin

from applications import admin as applications_admin
from applications.models import Application

from .models import GeneratedDocument


class DocumentInline(admin.TabularInline):
    model = GeneratedDocument
    fields = ["kind", "version", "filename", "size", "sha256", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApplicationAdmin(applications_admin.ApplicationAdmin):
    inlines = [
        *(
            inline
            for inline in applications_admin.ApplicationAdmin.inlines
            if inline is not applications_admin.EventInline
        ),
        DocumentInline,
        applications_admin.EventInline,
    ]


admin.site.unregister(Application)
admin.site.register(Application, ApplicationAdmin)
