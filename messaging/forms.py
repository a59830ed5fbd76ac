from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import KernFormMixin

from .models import SUBJECT_MAX_LENGTH, TEXT_MAX_LENGTH, Audience


class MessageForm(KernFormMixin, forms.Form):
    """A new message. ``audiences``: the choices the writer has (``permissions``); with only
    one the field is left out."""

    audience = forms.ChoiceField(
        label=_("Wer soll die Nachricht lesen?"),
        widget=forms.RadioSelect,
        choices=Audience.choices,
        initial=Audience.ALL,
        error_messages={"required": _("Bitte wählen Sie, wer die Nachricht lesen soll.")},
    )
    subject = forms.CharField(
        label=_("Betreff"),
        required=False,
        max_length=SUBJECT_MAX_LENGTH,
    )
    text = forms.CharField(
        label=_("Nachricht"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Bitte geben Sie den Text Ihrer Nachricht ein.")},
    )
    file = forms.FileField(
        label=_("Anlage"),
        required=False,
        help_text=_("PDF, DOCX, ODT, XLSX, ODS, JPEG oder PNG, höchstens %(size)s MB."),
        error_messages={
            "empty": _("Die Datei ist leer."),
            "invalid": _("Die Datei konnte nicht gelesen werden. Bitte versuchen Sie es erneut."),
        },
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, audiences=(Audience.ALL,), **kwargs):
        super().__init__(*args, **kwargs)
        if len(audiences) > 1:
            self.fields["audience"].choices = [
                (value, label) for value, label in Audience.choices if value in audiences
            ]
        else:
            del self.fields["audience"]
        max_mb = settings.WIR_UPLOAD_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = self.fields["file"].help_text % {"size": max_mb}
        self.helper.form_tag = False

    @property
    def chosen_audience(self) -> str:
        return self.cleaned_data.get("audience") or Audience.ALL
