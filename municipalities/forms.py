from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TextInputHygieneMixin

from .models import SizeBand


class MunicipalityFilterForm(TextInputHygieneMixin, forms.Form):
    """Search and filters of the public register (a GET form; every field is optional)."""

    q = forms.CharField(
        label=_("Name oder AGS"),
        help_text=_("Ein Teil des Namens oder der Anfang des Gemeindeschlüssels, z. B. 06411."),
        required=False,
        max_length=100,
    )
    regierungsbezirk = forms.ChoiceField(label=_("Regierungsbezirk"), required=False)
    kreis = forms.ChoiceField(label=_("Kreis"), required=False)
    groesse = forms.ChoiceField(
        label=_("Einwohnerzahl"),
        required=False,
        choices=[("", _("alle Größen")), *SizeBand.choices],
    )

    def __init__(self, *args, kreise: list[tuple[str, str, str]], **kwargs):
        """``kreise``: (Regierungsbezirk, Kreis key, Kreis name) of the register."""
        super().__init__(*args, **kwargs)
        regierungsbezirke = sorted({regierungsbezirk for regierungsbezirk, _key, _name in kreise})
        self.fields["regierungsbezirk"].choices = [
            ("", _("alle Regierungsbezirke")),
            *((name, name) for name in regierungsbezirke),
        ]
        # The Kreise grouped by their Regierungsbezirk; the value is the Kreis part of the AGS,
        # since Kreis names need not be unique (Kassel is a city and a Landkreis).
        self.fields["kreis"].choices = [
            ("", _("alle Kreise")),
            *(
                (
                    regierungsbezirk,
                    [
                        (key, name)
                        for rb, key, name in sorted(kreise, key=lambda k: k[2])
                        if rb == regierungsbezirk
                    ],
                )
                for regierungsbezirk in regierungsbezirke
            ),
        ]

    def filter(self, queryset):
        """Narrow ``queryset`` by the valid fields (an invalid field is ignored and shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("regierungsbezirk"):
            queryset = queryset.in_regierungsbezirk(data["regierungsbezirk"])
        if data.get("kreis"):
            queryset = queryset.in_kreis(data["kreis"])
        if data.get("groesse"):
            queryset = queryset.in_size_band(data["groesse"])
        return queryset
