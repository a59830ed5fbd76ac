from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MUNICIPAL_STAFF = "municipal_staff", _("Antragsteller/in (Kommune)")
    CASE_OFFICER = "case_officer", _("Sachbearbeitung RP Darmstadt")
    REVIEWER = "reviewer", _("Jury / Gutachter/in")
    ADMIN = "admin", _("Administration")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
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
    role = models.CharField(
        _("Rolle"), max_length=32, choices=Role.choices, default=Role.MUNICIPAL_STAFF
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("Zugang zur Django-Administration"),
        default=False,
    )
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
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
