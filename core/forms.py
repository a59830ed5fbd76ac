"""Form helpers shared by the apps: the crispy set-up of every form (rendered by the KERN
template pack, ``CRISPY_TEMPLATE_PACK = "kern"``), the hygiene of every text input (control
characters, Unicode normalisation, length limits; ``core.text``) and German number input
(``core.formatting.parse_german_decimal``)."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .formatting import de_number, parse_german_decimal
from .text import (
    DEFAULT_MAX_LENGTH_INPUT,
    DEFAULT_MAX_LENGTH_TEXTAREA,
    TextLengthValidator,
    clean_text,
)


def prepare_text_field(field: forms.Field) -> None:
    """Make one form field follow the portal's rules for text input (idempotent).

    Every ``CharField`` (and subclass: e-mail, URL …) except passwords: control characters
    are removed and the text is normalised to NFC before any other check; it gets a maximum
    length (its own, else a default for one line or a text area) checked with a German
    message. A text area gets no ``maxlength`` attribute: the browser would cut pasted text
    off silently, while the server refuses it and shows it again for shortening (the
    character counter under the field says how much is too much, like GOV.UK's)."""
    if not isinstance(field, forms.CharField) or getattr(field, "_text_prepared", False):
        return
    if isinstance(field.widget, forms.PasswordInput):
        return  # a password is taken exactly as typed
    field._text_prepared = True
    is_textarea = isinstance(field.widget, forms.Textarea)
    if field.max_length is None:
        field.max_length = DEFAULT_MAX_LENGTH_TEXTAREA if is_textarea else DEFAULT_MAX_LENGTH_INPUT
        if not is_textarea:
            field.widget.attrs.setdefault("maxlength", str(field.max_length))
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)] + [
        TextLengthValidator(int(field.max_length))
    ]
    if is_textarea:
        field.widget.attrs.pop("maxlength", None)
    to_python = field.to_python
    field.to_python = lambda value: to_python(
        clean_text(value) if isinstance(value, str) else value
    )


class TextInputHygieneMixin:
    """Applies ``prepare_text_field`` to every field of a form, also to fields a subclass adds
    after ``__init__``. Part of ``KernFormMixin``; forms without crispy use it directly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepare_text_fields()

    def prepare_text_fields(self) -> None:
        for field in self.fields.values():
            prepare_text_field(field)

    def full_clean(self):
        self.prepare_text_fields()
        super().full_clean()


class KernFormMixin(TextInputHygieneMixin):
    """Gives a form a crispy ``FormHelper`` for the KERN template pack.

    ``{% crispy form %}`` then renders the form tag (POST, ``novalidate``, CSRF token), the
    error summary, every field as a KERN component, and a primary submit button labelled
    ``submit_label`` if one is set. Override ``build_helper`` for a layout of your own::

        class ContactForm(KernFormMixin, forms.Form):
            submit_label = _("Speichern")

            def build_helper(self):
                helper = super().build_helper()
                helper.layout = Layout(Fieldset(_("Kontakt"), "name", "email"))
                return helper
    """

    submit_label: str | None = None
    submit_name = "submit"
    form_action = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()

    def build_helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "post"
        if self.form_action:
            helper.form_action = self.form_action
        if self.submit_label:
            helper.add_input(Submit(self.submit_name, self.submit_label))
        return helper


class GermanDecimalField(forms.DecimalField):
    """A decimal field for amounts typed the German way ("1.234,56").

    Defaults to two decimal places (cents). ``min_value``/``max_value`` are checked with
    messages that show the limit in German notation. The input is a text box with
    ``inputmode="decimal"``: a browser's number input would refuse the comma.
    """

    widget = forms.TextInput

    default_error_messages = {
        "invalid": _("Bitte geben Sie eine Zahl ein, zum Beispiel 1.234,56."),
        "max_decimal_places": ngettext_lazy(
            "Bitte geben Sie höchstens %(max)s Nachkommastelle an.",
            "Bitte geben Sie höchstens %(max)s Nachkommastellen an.",
            "max",
        ),
        "max_digits": ngettext_lazy(
            "Bitte geben Sie höchstens %(max)s Ziffer ein.",
            "Bitte geben Sie höchstens %(max)s Ziffern ein.",
            "max",
        ),
        "max_whole_digits": ngettext_lazy(
            "Bitte geben Sie höchstens %(max)s Stelle vor dem Komma ein.",
            "Bitte geben Sie höchstens %(max)s Stellen vor dem Komma ein.",
            "max",
        ),
        "negative": _("Bitte geben Sie keine negative Zahl ein."),
        "min_value": _("Bitte geben Sie mindestens %(limit_value)s ein."),
        "max_value": _("Bitte geben Sie höchstens %(limit_value)s ein."),
    }

    def __init__(self, *, max_value=None, min_value=None, decimal_places=2, **kwargs):
        # The limits are checked in validate(), for messages with German numbers; Django's
        # validators would print "1234.5".
        super().__init__(decimal_places=decimal_places, **kwargs)
        self.max_value = Decimal(max_value) if max_value is not None else None
        self.min_value = Decimal(min_value) if min_value is not None else None

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.TextInput) and not isinstance(widget, forms.NumberInput):
            attrs.setdefault("inputmode", "decimal")
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int):
            return Decimal(value)
        parsed = parse_german_decimal(str(value))
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        if self.min_value is not None and value < self.min_value:
            if self.min_value == 0:
                raise ValidationError(self.error_messages["negative"], code="min_value")
            raise ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"limit_value": de_number(self.min_value)},
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit_value": de_number(self.max_value)},
            )

    def prepare_value(self, value):
        """Show stored amounts the German way; leave what the person typed as it was."""
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return de_number(value, self.decimal_places)
        return value


class GermanNumbersAdminMixin:
    """For a ``ModelAdmin`` or inline: decimal fields typed and shown the German way
    ("30.000,00"), not in a browser number box that shows "30000,00"."""

    formfield_overrides = {models.DecimalField: {"form_class": GermanDecimalField}}
