from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MUNICIPAL_STAFF = "municipal_staff", _("Antragsteller/in (Kommune)")
    CASE_OFFICER = "case_officer", _("Sachbearbeitung RP Darmstadt")
    REVIEWER = "reviewer", _("Jury / Gutachter/in")
    ADMIN = "admin", _("Administration")


# What an anonymised person is called everywhere (User.__str__, lists, the audit trail).
ANONYMISED_NAME = _("ehemalige Person")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        # Active accounts made by an operator (createsuperuser, scripts) count as confirmed;
        # self-registration confirms in accounts.services.registration_confirm.
        if extra.get("is_active", True):
            extra.setdefault("email_confirmed_at", timezone.now())
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the portal; the e-mail address is the login name.

    Municipal staff belong to municipalities through ``municipalities.Membership``; the other
    roles are a property of the person."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    full_name = models.CharField(_("Name"), max_length=200, blank=True)
    role = models.CharField(_("Rolle"), max_length=32, choices=Role, default=Role.MUNICIPAL_STAFF)
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("Zugang zur Django-Administration"),
        default=False,
    )
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(
        _("E-Mail-Adresse bestätigt am"), null=True, blank=True
    )
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)
    # Wrong second-factor codes in a row (accounts.services.second_factor_verify). Kept in
    # the database, not the cache, so that logging in works while Redis is down.
    otp_failures = models.PositiveSmallIntegerField(
        _("falsche Sicherheitscodes in Folge"), default=0, editable=False
    )
    otp_last_failure_at = models.DateTimeField(
        _("letzter falscher Sicherheitscode"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        if self.anonymised_at:
            return str(ANONYMISED_NAME)
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_municipal_staff(self) -> bool:
        return self.role == Role.MUNICIPAL_STAFF

    @property
    def is_case_officer(self) -> bool:
        return self.role == Role.CASE_OFFICER

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_portal_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_rp(self) -> bool:
        """Case officers and admins act for RP Darmstadt / HMSI."""
        return self.is_case_officer or self.is_portal_admin


class Invitation(models.Model):
    """An admin invites a person by e-mail with a role (and, for municipal staff, a
    municipality). Only a hash of the link's token is stored; the link works once until
    ``expires_at``."""

    email = models.EmailField(_("E-Mail-Adresse"))
    role = models.CharField(_("Rolle"), max_length=32, choices=Role)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kommune"),
    )
    token_hash = models.CharField(_("Token (Hash)"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations_sent",
        verbose_name=_("eingeladen von"),
    )
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)
    expires_at = models.DateTimeField(_("gültig bis"))
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegtes Konto"),
    )

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="municipal_staff", municipality__isnull=False)
                | (~Q(role="municipal_staff") & Q(municipality__isnull=True)),
                name="invitation_municipality_only_for_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_expired(self) -> bool:
        return not self.is_accepted and self.expires_at <= timezone.now()


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("offen")
    APPROVED = "approved", _("angenommen")
    REFUSED = "refused", _("abgelehnt")


class JoinRequest(models.Model):
    """A member of municipal staff asks to act for a municipality; an existing member of it
    or an admin decides."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="join_requests",
        verbose_name=_("Person"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="join_requests",
        verbose_name=_("Kommune"),
    )
    status = models.CharField(
        _("Status"),
        max_length=16,
        choices=JoinRequestStatus,
        default=JoinRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("gestellt am"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entschieden von"),
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Beitrittsanfrage")
        verbose_name_plural = _("Beitrittsanfragen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending_per_user_and_municipality",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="joinrequest_decided_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.municipality}"

    @property
    def is_pending(self) -> bool:
        return self.status == JoinRequestStatus.PENDING


class LoginEventKind(models.TextChoices):
    LOGIN = "login", _("Anmeldung")
    LOGOUT = "logout", _("Abmeldung")
    LOGIN_FAILED = "login_failed", _("fehlgeschlagene Anmeldung")
    OTP_VERIFIED = "otp_verified", _("zweiter Faktor bestätigt")
    OTP_FAILED = "otp_failed", _("zweiter Faktor falsch")


class LoginEvent(models.Model):
    """One login, logout or failed attempt (recorded from Django's auth signals). Never
    holds a password; anonymisation clears the e-mail address and the IP address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="login_events",
        verbose_name=_("Person"),
    )
    email = models.CharField(_("angegebene E-Mail-Adresse"), max_length=254, blank=True)
    kind = models.CharField(_("Art"), max_length=16, choices=LoginEventKind)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)
    user_agent = models.CharField(_("Browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Anmeldeereignis")
        verbose_name_plural = _("Anmeldeereignisse")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        who = self.email or self.user_id
        return f"{self.get_kind_display()} {who} {self.created_at:%Y-%m-%d %H:%M}"
