"""Template tags of the KERN template pack (``kern/templates/kern/``).

The templates hold the markup; this module holds what templates cannot work out by
themselves: which KERN component a widget becomes, the ids of hint and error
(``<id>-hint``, ``<id>-error``), the ``aria-describedby`` list, the classes to add to
the widget without losing its own attributes, and the error summary's list of links.

Django still renders every widget; we only hand it extra attributes, the way
crispy-bootstrap5 does with ``{% crispy_field %}``, but without changing the widget's
own ``attrs`` (so rendering a form twice gives the same markup).
"""

import os
import re

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.forms.utils import flatatt
from django.utils import numberformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Set on a form (or formset) once its error summary has been rendered on the page, so the
# pack does not render a second one when a page template already put the summary on top.
SUMMARY_RENDERED = "_kern_error_summary_rendered"

# Classes crispy-forms' own layout objects bring along for Bootstrap, and what they mean.
_BOOTSTRAP_BUTTON_VARIANTS = {
    "btn-primary": "kern-btn--primary",
    "btn-secondary": "kern-btn--secondary",
    "btn-outline-primary": "kern-btn--secondary",
    "btn-outline-secondary": "kern-btn--secondary",
    "btn-link": "kern-btn--tertiary",
}
_BOOTSTRAP_DROPPED = {"btn", "btn-inverse", "btn-default", "hidden", "alert"}
_KERN_BUTTON_VARIANTS = {"kern-btn--primary", "kern-btn--secondary", "kern-btn--tertiary"}


def join_classes(*parts: str | None) -> str:
    """Join class strings, dropping empty parts and repeated classes, keeping the order."""
    seen: list[str] = []
    for part in parts:
        for token in (part or "").split():
            if token not in seen:
                seen.append(token)
    return " ".join(seen)


def widget_kind(widget: forms.Widget) -> str:
    """The KERN component a Django widget is rendered as."""
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
        return "choices"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Select):
        return "select_multiple" if widget.allow_multiple_selected else "select"
    if widget.use_fieldset:  # MultiWidget, SelectDateWidget: several inputs, one legend
        return "group"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


_CONTROL_CLASSES = {
    "checkbox": ("kern-form-check__checkbox", "kern-form-check__checkbox--error"),
    "select": ("kern-form-input__select", "kern-form-input__select--error"),
}
_INPUT_CLASSES = ("kern-form-input__input", "kern-form-input__input--error")


class KernField:
    """One bound field as the KERN templates see it."""

    def __init__(self, bound_field, show_errors=True):
        self.field = bound_field
        self.widget = bound_field.field.widget
        self.kind = widget_kind(self.widget)
        # Only an explicit False (crispy's form_show_errors) hides the errors.
        self.show_errors = show_errors is not False and bool(bound_field.errors)
        self.base_id = bound_field.auto_id or bound_field.html_name
        self.hint_id = f"{self.base_id}-hint"
        self.error_id = f"{self.base_id}-error"
        self.count_id = f"{self.base_id}-count"

    # What the templates ask ------------------------------------------------------------
    @property
    def is_group(self) -> bool:
        """Rendered as a fieldset with a legend instead of a label."""
        return self.kind in ("choices", "group")

    @property
    def required(self) -> bool:
        return self.field.field.required

    @property
    def has_hint(self) -> bool:
        return bool(self.field.help_text)

    @property
    def max_length(self) -> int | None:
        """A text area's maximum length: shown as a hint that a script turns into a counter."""
        if self.kind != "textarea":
            return None
        return getattr(self.field.field, "max_length", None)

    @property
    def max_length_text(self) -> str:
        if not self.max_length:
            return ""
        # Grouped the German way ("10.000"), like the pack's German source texts.
        return numberformat.format(
            self.max_length,
            decimal_sep=",",
            grouping=3,
            thousand_sep=".",
            force_grouping=True,
            use_l10n=False,
        )

    @property
    def errors(self):
        return self.field.errors if self.show_errors else []

    @property
    def describedby_ids(self) -> list[str]:
        ids = []
        if self.has_hint:
            ids.append(self.hint_id)
        if self.max_length:
            ids.append(self.count_id)
        if self.show_errors:
            ids.append(self.error_id)
        return ids

    @property
    def describedby(self) -> str:
        return " ".join(self.describedby_ids)

    @property
    def anchor_id(self) -> str:
        """The id the error summary links to: the input itself, or a group's first input."""
        if self.kind == "hidden":
            return ""
        if self.kind == "choices":
            for group in self.option_groups:
                for option in group["options"]:
                    if option["id"]:
                        return option["id"]
            return ""
        if self.field.id_for_label:
            return self.field.id_for_label
        if self.kind == "group" and self.field.auto_id:
            return f"{self.field.auto_id}_0"
        return ""

    # Rendering ---------------------------------------------------------------------------
    def _control_classes(self) -> str:
        base, error = _CONTROL_CLASSES.get(self.kind, _INPUT_CLASSES)
        return join_classes(self.widget.attrs.get("class"), base, error if self.show_errors else "")

    def _widget_attrs(self, extra_describedby=()) -> dict:
        attrs = {"class": self._control_classes()}
        if not self.is_group:
            describedby = join_classes(
                self.widget.attrs.get("aria-describedby"), *extra_describedby, *self.describedby_ids
            )
            if describedby:
                # Given explicitly, so Django does not add its own "<id>_helptext".
                attrs["aria-describedby"] = describedby
            form = self.field.form
            native_required = self.widget.use_required_attribute(self.field.initial)
            if (
                self.required
                and form.use_required_attribute
                and not native_required
                and self.kind in ("input", "textarea", "select", "select_multiple")
            ):
                # e.g. a required <select> without an empty first option: no `required`.
                attrs["aria-required"] = "true"
        return attrs

    @property
    def widget_html(self):
        return self.render_widget()

    def render_widget(self, extra_describedby=()):
        attrs = self._widget_attrs(extra_describedby)
        if self.kind == "file":
            # A plain file input: Django's ClearableFileInput would link the current file
            # to MEDIA_URL, which the portal does not serve. The pack shows its name instead.
            widget = forms.FileInput(attrs=self.widget.attrs)
            return self.field.as_widget(widget=widget, attrs=attrs)
        return self.field.as_widget(attrs=attrs)

    @property
    def option_groups(self) -> list[dict]:
        """Radios and checkboxes of a RadioSelect/CheckboxSelectMultiple, with KERN classes."""
        if self.kind != "choices":
            return []
        if hasattr(self, "_option_groups"):
            return self._option_groups
        id_ = self.widget.attrs.get("id") or self.field.auto_id
        attrs = self.field.build_widget_attrs({"id": id_} if id_ else {})
        values = self.widget.format_value(self.field.value())
        is_checkbox = isinstance(self.widget, forms.CheckboxSelectMultiple)
        base = "kern-form-check__checkbox" if is_checkbox else "kern-form-check__radio"
        groups = []
        for group_name, options, _index in self.widget.optgroups(
            self.field.html_name, values, attrs
        ):
            rendered = []
            for option in options:
                option_attrs = dict(option["attrs"])
                option_attrs["class"] = join_classes(
                    option_attrs.get("class"), base, f"{base}--error" if self.show_errors else ""
                )
                rendered.append(
                    {
                        "id": option_attrs.get("id", ""),
                        "label": option["label"],
                        "input": format_html(
                            '<input type="{}" name="{}" value="{}"{}>',
                            option["type"],
                            option["name"],
                            "" if option["value"] is None else option["value"],
                            flatatt(option_attrs),
                        ),
                    }
                )
            groups.append({"name": group_name, "options": rendered})
        self._option_groups = groups
        return groups

    # File inputs -------------------------------------------------------------------------
    @property
    def current_file_name(self) -> str:
        """Name of the file already stored (not of one just uploaded with other errors)."""
        if self.kind != "file":
            return ""
        value = self.field.value()
        try:
            if not value or not getattr(value, "url", False):
                return ""
        except ValueError:  # a FieldFile without a file
            return ""
        return os.path.basename(value.name)

    @property
    def clear_checkbox(self) -> dict | None:
        widget = self.widget
        if not (
            isinstance(widget, forms.ClearableFileInput)
            and self.current_file_name
            and not self.required
            and not self.field.field.disabled
        ):
            return None
        name = widget.clear_checkbox_name(self.field.html_name)
        return {"name": name, "id": widget.clear_checkbox_id(name)}


@register.simple_tag
def kern_field(bound_field, show_errors=True):
    """``{% kern_field field form_show_errors as kf %}``: the field as KERN sees it."""
    return KernField(bound_field, show_errors=show_errors)


@register.simple_tag
def kern_widget(kf, *extra_describedby):
    """``{% kern_widget kf "id_amount-suffix" %}``: the widget, with more describedby ids."""
    return kf.render_widget(extra_describedby=[i for i in extra_describedby if i])


# Buttons ---------------------------------------------------------------------------------
def _kern_button_classes(classes: str, default_variant: str) -> str:
    """KERN button classes: an explicit ``kern-btn--*`` variant wins over a Bootstrap one
    (``btn-primary`` → ``kern-btn--primary``), which wins over the default."""
    tokens = classes.split()
    mapped = [_BOOTSTRAP_BUTTON_VARIANTS[t] for t in tokens if t in _BOOTSTRAP_BUTTON_VARIANTS]
    tokens = [
        t for t in tokens if t not in _BOOTSTRAP_DROPPED and t not in _BOOTSTRAP_BUTTON_VARIANTS
    ]
    if _KERN_BUTTON_VARIANTS.intersection(tokens):
        variant = ""
    else:
        variant = mapped[-1] if mapped else default_variant
    return join_classes("kern-btn", variant, *tokens)


@register.filter
def kern_button_class(input_object) -> str:
    """Classes of a crispy Submit/Button/Reset: primary for submit, secondary otherwise.

    ``css_class="kern-btn--tertiary"`` (or any other KERN variant) replaces the default.
    """
    default = "kern-btn--primary" if input_object.input_type == "submit" else "kern-btn--secondary"
    return _kern_button_classes(getattr(input_object, "field_classes", ""), default)


_CLASS_ATTR = re.compile(r'class="([^"]*)"')


@register.filter
def kern_strict_button_attrs(flat_attrs: str):
    """A StrictButton's attributes with its Bootstrap ``btn`` class turned into KERN's."""
    flat_attrs = str(flat_attrs)
    if _CLASS_ATTR.search(flat_attrs):
        flat_attrs = _CLASS_ATTR.sub(
            lambda m: f'class="{_kern_button_classes(m.group(1), "kern-btn--secondary")}"',
            flat_attrs,
            count=1,
        )
    else:
        flat_attrs += ' class="kern-btn kern-btn--secondary"'
    return mark_safe(flat_attrs)  # noqa: S308 - crispy built it with flatatt, already escaped


# Layout ----------------------------------------------------------------------------------
@register.filter
def kern_alert_class(css_class) -> str:
    """A crispy Alert's classes: ``kern-alert`` with a variant (info unless one is given)."""
    tokens = [t for t in (css_class or "").split() if t not in _BOOTSTRAP_DROPPED]
    variant = "" if any(t.startswith("kern-alert--") for t in tokens) else "kern-alert--info"
    return join_classes("kern-alert", variant, *tokens)


@register.filter
def kern_column_class(css_class) -> str:
    """A crispy Column's classes: KERN's ``kern-col`` unless a ``kern-col-*`` width is given."""
    tokens = (css_class or "").split()
    if any(t.startswith("kern-col") for t in tokens):
        return join_classes(*tokens)
    return join_classes("kern-col", *tokens)


# Error summary ---------------------------------------------------------------------------
def _summary_label(label) -> str:
    """A label without closing punctuation, for "label: message" (no "Angaben.: ...")."""
    return str(label or "").strip().rstrip(".:?!").strip()


def _form_summary_items(form) -> list[dict]:
    items = [{"href": "", "label": "", "message": e} for e in form.non_field_errors()]
    for bound_field in form:
        if not bound_field.errors:
            continue
        anchor = KernField(bound_field).anchor_id
        label = _summary_label(bound_field.label)
        for message in bound_field.errors:
            items.append(
                {"href": f"#{anchor}" if anchor else "", "label": label, "message": message}
            )
    return items


def error_summary_items(*forms_or_formsets) -> list[dict]:
    """Every error of the given forms and formsets, in field order: href, label, message.

    Non-field (and non-form) errors have no href; field errors link to their input.
    """
    items: list[dict] = []
    for obj in forms_or_formsets:
        if not obj:
            continue
        if isinstance(obj, BaseFormSet):
            if not obj.is_bound:
                continue
            items += [{"href": "", "label": "", "message": e} for e in obj.non_form_errors()]
            for form in obj.forms:
                items += _form_summary_items(form)
        elif getattr(obj, "is_bound", False):
            items += _form_summary_items(obj)
    return items


def _mark_summarised(obj) -> None:
    setattr(obj, SUMMARY_RENDERED, True)
    if isinstance(obj, BaseFormSet):
        for form in obj.forms:
            setattr(form, SUMMARY_RENDERED, True)


@register.simple_tag
def kern_error_summary_items(*forms_or_formsets):
    """``{% kern_error_summary_items form as items %}`` (used by the include)."""
    items = error_summary_items(*forms_or_formsets)
    if items:
        for obj in forms_or_formsets:
            if obj:
                _mark_summarised(obj)
    return items


@register.inclusion_tag("kern/error_summary.html")
def kern_error_summary(*forms_or_formsets, title=None):
    """``{% kern_error_summary form [other_form formset ...] [title="..."] %}``

    The KERN danger alert with a link to every field error, for the top of a page or a
    form. Renders nothing without errors. A form whose summary was already rendered on
    the page is skipped, so a page can put the summary above its own content and the
    pack will not repeat it at the top of the form.
    """
    pending = [
        obj for obj in forms_or_formsets if obj and not getattr(obj, SUMMARY_RENDERED, False)
    ]
    return {
        "error_summary_items": kern_error_summary_items(*pending),
        "error_summary_title": title,
    }
