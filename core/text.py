"""Hygiene of text that people type: control characters, Unicode normalisation and length
limits with a German message. The forms apply it to every text input (``core.forms``); models
use ``TextLengthValidator`` for their own limits."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .formatting import de_number

# C0 control characters except tab, line feed and carriage return; DEL; the C1 block.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Limits for text fields that set none themselves: a one-line input, a text area.
DEFAULT_MAX_LENGTH_INPUT = 1_000
DEFAULT_MAX_LENGTH_TEXTAREA = 10_000


def clean_text(value: str) -> str:
    """``value`` without control characters (tab and line breaks stay), line breaks as "\\n"
    (browsers send "\\r\\n", which would count twice against a limit), in Unicode NFC, so an
    "ä" typed as "a" plus combining diaeresis is stored, searched and sorted as one "ä"."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROL_CHARACTERS.sub("", value))


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """Django's ``MaxLengthValidator`` with a German message that says by how much, the
    numbers grouped the German way ("höchstens 2.000 Zeichen")."""

    message = _(
        "Bitte kürzen Sie den Text auf höchstens %(limit)s Zeichen. Er hat jetzt %(count)s Zeichen."
    )

    def __call__(self, value):
        length = len(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit": de_number(self.limit_value),
                    "count": de_number(length),
                    "limit_value": self.limit_value,
                    "show_value": length,
                    "value": value,
                },
            )
