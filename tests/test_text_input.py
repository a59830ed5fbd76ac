"""Issue 9.11: every text input goes through one hygiene step in the shared form base
(``core.forms.TextInputHygieneMixin``): control characters other than tab and line
breaks are removed, the text is normalised to NFC, every text field has a maximum length, a
text that is too long is refused with a German message and shown again as typed, and text
areas carry a character counter ("Höchstens … Zeichen")."""

import re
import unicodedata

import pytest
from django import forms
from django.urls import reverse

from accounts.forms import InvitationAcceptForm, RegistrationConfirmForm, RegistrationForm
from accounts.models import User
from applications.forms import ConfirmForm, CostLineForm, ResubmitForm, SectionForm
from applications.models import Application
from core.forms import KernFormMixin
from core.text import clean_text
from reviews.forms import NoteForm
from tests.factories import ApplicationFactory, FundingRoundFactory, MunicipalityFactory, staff_for

CONTROL_CHARACTERS = [
    chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
]


def _section_form(value):
    return SectionForm({"version": "0", "summary": value}, section="project"), "summary"


def _cost_line_form(value):
    return CostLineForm({"description": value}, categories=[]), "description"


def _confirm_form(value):
    return ConfirmForm({"reason": value}), "reason"


def _resubmit_form(value):
    return ResubmitForm({"message": value}), "message"


def _note_form(value):
    return NoteForm({"text": value}), "text"


def _registration_form(value):
    return RegistrationForm({"email": "a@example.org", "full_name": value}), "full_name"


def _invitation_accept_form(value):
    class Invitation:
        email = "b@example.org"

    return InvitationAcceptForm(
        {"full_name": value, "password1": "x", "password2": "x"}, invitation=Invitation()
    ), "full_name"


FORMS = [
    _section_form,
    _cost_line_form,
    _confirm_form,
    _resubmit_form,
    _note_form,
    _registration_form,
    _invitation_accept_form,
]


@pytest.mark.django_db
@pytest.mark.parametrize("make_form", FORMS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_are_removed_from_every_text_input(make_form, char):
    form, name = make_form(f"Dorf{char}gemeinschaft\tund\r\nmehr")
    form.is_valid()
    assert name not in form.errors, form.errors
    value = form.cleaned_data[name]
    assert char not in value
    expected = "Dorfgemeinschaft\tund\nmehr" if "\n" in value else "Dorfgemeinschaft"
    assert value.startswith(expected.split("\t")[0])
    assert not any(unicodedata.category(c) == "Cc" and c not in "\t\n" for c in value)


@pytest.mark.django_db
@pytest.mark.parametrize("make_form", FORMS, ids=lambda f: f.__name__.strip("_"))
def test_text_is_normalised_to_nfc(make_form):
    decomposed = "Bu\u0308dingen"  # "ü" as "u" plus combining diaeresis
    form, name = make_form(decomposed)
    form.is_valid()
    assert form.cleaned_data[name] == "Büdingen"


def test_tabs_and_line_breaks_stay_and_line_breaks_become_newlines():
    assert clean_text("a\tb\r\nc\rd\ne\x00\x1b[31m\x85\x7f") == "a\tb\nc\nd\ne[31m"


def test_every_text_field_gets_a_limit_also_without_one_of_its_own():
    class Free(KernFormMixin, forms.Form):
        line = forms.CharField(required=False)
        text = forms.CharField(required=False, widget=forms.Textarea)

    form = Free({"line": "x" * 1001, "text": "y" * 10_001})
    assert not form.is_valid()
    assert form.errors["line"] == [
        "Bitte kürzen Sie den Text auf höchstens 1.000 Zeichen. Er hat jetzt 1.001 Zeichen."
    ]
    assert form.errors["text"] == [
        "Bitte kürzen Sie den Text auf höchstens 10.000 Zeichen. Er hat jetzt 10.001 Zeichen."
    ]


@pytest.mark.django_db
def test_passwords_are_taken_exactly_as_typed():
    user = User(email="a@example.org", full_name="A")
    form = RegistrationConfirmForm(
        {"full_name": "A", "password1": "p\x01", "password2": "p\x01"}, user=user
    )
    form.is_valid()
    assert form.cleaned_data.get("password2") == "p\x01"


# The short summary in the application form -------------------------------------------------


@pytest.fixture
def draft(db):
    town = MunicipalityFactory(name="Lautertal (Odenwald)", population=7_000)
    staff = staff_for(town)
    app = ApplicationFactory(round=FundingRoundFactory(), lead_municipality=town, created_by=staff)
    return app, staff


def test_too_long_summary_is_refused_and_shown_again_as_typed(client, draft):
    app, staff = draft
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("applications:project", args=[app.pk])
    typed = "Wir bauen Brücken." * 11_112  # 200.016 characters
    response = client.post(url, {"version": app.version, "title": "Titel", "summary": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Bitte kürzen Sie den Text auf höchstens 2.000 Zeichen. Er hat jetzt 200.016 Zeichen."
        in page
    )
    textarea = re.search(r'<textarea[^>]*name="summary"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea.group(1).strip() == typed
    assert "maxlength" not in textarea.group(0)  # the browser must not cut pasted text off
    app.refresh_from_db()
    assert app.summary == ""
    assert app.title == ""  # nothing of the refused page is saved


def test_answers_show_their_limit_as_a_counter_hint(client, draft):
    app, staff = draft
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("applications:project", args=[app.pk])).content.decode()
    hint = re.search(
        r'<div class="kern-hint wir-char-count" id="id_summary-count"[^>]*>(.*?)</div>', page
    )
    assert hint.group(1) == "Höchstens 2.000 Zeichen."
    assert 'data-char-count="2000"' in hint.group(0)
    textarea = re.search(r'<textarea[^>]*name="summary"[^>]*>', page).group(0)
    assert "id_summary-count" in textarea  # aria-describedby names the counter
    # The other answers: the question set's long texts, on its own steps (issue 14).
    section = app.question_set.sections.first()
    step = client.get(reverse("applications:questions", args=[app.pk, section.key]))
    assert 'data-char-count="8000"' in step.content.decode()


def test_control_characters_typed_into_the_form_are_not_stored(client, draft):
    app, staff = draft
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("applications:project", args=[app.pk])
    client.post(
        url, {"version": app.version, "title": "Zu\x00sam\x1bmen\u0085", "summary": "a\x07b"}
    )
    app.refresh_from_db()
    assert (app.title, app.summary) == ("Zusammen", "ab")


def test_the_model_refuses_too_long_answers_too():
    field = Application._meta.get_field("summary")
    with pytest.raises(Exception, match="höchstens 2.000 Zeichen"):
        field.run_validators("x" * 2_001)
