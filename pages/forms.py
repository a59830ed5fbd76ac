from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import KernFormMixin

from .models import AccessibilityFeedback


class FeedbackForm(KernFormMixin, forms.ModelForm):
    submit_label = _("Rückmeldung senden")

    class Meta:
        model = AccessibilityFeedback
        fields = ["name", "email", "page_url", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "email": {
                "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
                "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an."),
            },
            "message": {
                "required": _("Bitte beschreiben Sie die Barriere."),
                "max_length": _("Bitte fassen Sie sich kürzer (höchstens 5.000 Zeichen)."),
            },
        }
        help_texts = {
            "page_url": _("Zum Beispiel die Adresse oder der Name der Seite."),
            "email": _("An diese Adresse senden wir eine Eingangsbestätigung und unsere Antwort."),
        }

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(
                _("Bitte beschreiben Sie die Barriere in mindestens 10 Zeichen.")
            )
        return message
