"""The admin's inlines of a round's configuration (issue 14): its declarations and its kinds of
attachment, ordered by position. A new round starts with the standard set prefilled; once an
application of the round was submitted they are locked like the round's rules."""

from __future__ import annotations

from django.contrib import admin

from .calls import STANDARD_ATTACHMENT_KINDS, STANDARD_DECLARATIONS, declaration_link
from .models import RoundAttachmentKind, RoundDeclaration


def rules_locked(obj) -> bool:
    """True once an application of the round ``obj`` was submitted (cached on ``obj``)."""
    if obj is None or obj.pk is None:
        return False
    cached = getattr(obj, "_rules_locked", None)
    if cached is None:
        cached = obj._rules_locked = obj.has_submitted_applications()
    return cached


class _RoundConfigurationInline(admin.StackedInline):
    extra = 0
    ordering = ["position", "pk"]
    standard: tuple[dict, ...] = ()

    def initial_for_new_round(self) -> list[dict]:
        fields = set(self.fields)
        rows = []
        for i, values in enumerate(self.standard, start=1):
            row = {"position": i, **{k: v for k, v in values.items() if k in fields}}
            if row.get("link_url"):  # a page of the portal, by its address
                row["link_url"] = declaration_link(RoundDeclaration(link_url=row["link_url"]))
            rows.append(row)
        return rows

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None and request.method == "GET":
            return len(self.standard)
        return 1 if obj is not None and not rules_locked(obj) else 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not rules_locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not rules_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not rules_locked(obj)


class RoundDeclarationInline(_RoundConfigurationInline):
    model = RoundDeclaration
    fields = ["position", "text", "hint", "link_url", "link_text", "required"]
    standard = STANDARD_DECLARATIONS


class RoundAttachmentKindInline(_RoundConfigurationInline):
    model = RoundAttachmentKind
    fields = ["position", "label", "hint", "required", "per_partner"]
    standard = STANDARD_ATTACHMENT_KINDS


CONFIGURATION_INLINES = [RoundDeclarationInline, RoundAttachmentKindInline]


def configuration_formset_initial(inline, request, obj) -> list[dict] | None:
    """The prefilled standard set of ``inline`` on the page that adds a round, else None."""
    if (
        (obj is None or obj.pk is None)
        and request.method == "GET"
        and isinstance(inline, _RoundConfigurationInline)
    ):
        return inline.initial_for_new_round()
    return None
