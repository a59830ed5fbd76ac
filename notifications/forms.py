"""The preferences form: one choice per notification type a person may choose for."""

from __future__ import annotations

from django import forms

from .catalogue import catalogue
from .models import Delivery


class PreferencesForm(forms.Form):
    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for ntype in catalogue:
            if ntype.legally_relevant:
                continue
            self.fields[ntype.kind] = forms.ChoiceField(
                label=ntype.label,
                help_text=ntype.audience,
                choices=Delivery.choices,
                initial=initial_choices.get(ntype.kind, Delivery.IMMEDIATE),
                widget=forms.RadioSelect,
            )
