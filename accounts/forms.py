from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.forms import TextInputHygieneMixin
from municipalities.models import Municipality

from .models import Role, User


class LoginForm(TextInputHygieneMixin, AuthenticationForm):
    """Django's login form with a German e-mail field and KERN rendering."""

    username = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "E-Mail-Adresse oder Passwort ist nicht richtig. Bitte prüfen Sie Ihre Eingabe. "
            "Nach mehreren Fehlversuchen wird die Anmeldung vorübergehend gesperrt."
        ),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Anmelden")))


def _helper(submit_label, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", submit_label))
    return helper


class SetPasswordFieldsMixin(TextInputHygieneMixin, forms.Form):
    """Two password fields checked with Django's validators (at least 12 characters)."""

    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Mindestens 12 Zeichen; nicht nur Ziffern, kein häufig verwendetes Passwort und "
            "nicht zu ähnlich zu Ihrem Namen oder Ihrer E-Mail-Adresse."
        ),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def user_for_validation(self) -> User:
        raise NotImplementedError

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(
                _("Die beiden Passwörter stimmen nicht überein."), code="password_mismatch"
            )
        return password2

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password and not self.has_error("password1"):
            try:
                password_validation.validate_password(password, self.user_for_validation())
            except forms.ValidationError as error:
                self.add_error("password1", error)


class InvitationForm(TextInputHygieneMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.active(),
        required=False,
        help_text=_("Nur für Antragsteller/innen: die Kommune, für die die Person handelt."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Einladung senden"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.MUNICIPAL_STAFF and not cleaned.get("municipality"):
            self.add_error(
                "municipality", _("Bitte wählen Sie die Kommune, für die die Person handelt.")
            )
        return cleaned


class InvitationAcceptForm(SetPasswordFieldsMixin):
    full_name = forms.CharField(
        label=_("Ihr Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["full_name", "password1", "password2"]

    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Konto anlegen"))

    def user_for_validation(self) -> User:
        return User(email=self.invitation.email, full_name=self.cleaned_data.get("full_name", ""))


class RegistrationForm(TextInputHygieneMixin, forms.Form):
    """Address and name only: the password is chosen after following the link in the mail
    (``RegistrationConfirmForm``), so only who reads the address can set it."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Ihre dienstliche E-Mail-Adresse bei der Kommune."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    full_name = forms.CharField(
        label=_("Ihr Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Registrieren"))


class RegistrationConfirmForm(SetPasswordFieldsMixin):
    """Following the link from the mail: name (as registered, can be corrected) and the
    password of the new account."""

    full_name = forms.CharField(
        label=_("Ihr Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["full_name", "password1", "password2"]

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        kwargs.setdefault("initial", {"full_name": user.full_name})
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("E-Mail-Adresse bestätigen und Konto anlegen"))

    def user_for_validation(self) -> User:
        return User(email=self.user.email, full_name=self.cleaned_data.get("full_name", ""))


class JoinRequestForm(TextInputHygieneMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.active(),
        help_text=_("Ein Mitglied dieser Kommune oder die Administration entscheidet."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Beitritt anfragen"))


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Bisheriges Passwort")
        self.fields["new_password1"].label = _("Neues Passwort")
        self.fields["new_password2"].label = _("Neues Passwort wiederholen")
        self.fields["new_password1"].help_text = SetPasswordFieldsMixin.base_fields[
            "password1"
        ].help_text
        self.helper = _helper(_("Passwort ändern"))


class TokenForm(TextInputHygieneMixin, forms.Form):
    token = forms.CharField(
        label=_("Sicherheitscode"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, submit_label=None, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["token"].help_text = help_text
        # The page wraps the fields in its own <form> (with the ``next`` field).
        self.helper = _helper(submit_label or _("Bestätigen"), form_tag=False)
        self.helper.disable_csrf = True
