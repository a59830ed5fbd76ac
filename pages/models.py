"""Texts of the legal and information pages (editable by admins without a deploy), the
accessibility feedback, and the video in German Sign Language."""

from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PageSlug(models.TextChoices):
    IMPRESSUM = "impressum", _("Impressum")
    DATENSCHUTZ = "datenschutz", _("Datenschutzerklärung")
    BARRIEREFREIHEIT = "barrierefreiheit", _("Erklärung zur Barrierefreiheit")
    LEICHTE_SPRACHE = "leichte-sprache", _("Leichte Sprache")
    GEBAERDENSPRACHE = "gebaerdensprache", _("Gebärdensprache")


class LegalPage(models.Model):
    """One page's text in Markdown (rendered sanitised, ``pages.rendering``)."""

    slug = models.CharField(_("Seite"), max_length=40, choices=PageSlug, unique=True)
    title = models.CharField(_("Überschrift"), max_length=200)
    body = models.TextField(
        _("Text (Markdown)"),
        help_text=_(
            "Markdown: ## Zwischenüberschrift, - Aufzählung, [Linktext](https://…). "
            "HTML wird nicht übernommen."
        ),
    )
    checked_on = models.DateField(
        _("Datum der letzten Prüfung"),
        null=True,
        blank=True,
        help_text=_("Nur für die Erklärung zur Barrierefreiheit."),
    )
    updated_at = models.DateTimeField(_("Zuletzt geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Seitentext")
        verbose_name_plural = _("Seitentexte")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class AccessibilityFeedback(models.Model):
    """A report of a barrier, sent with the form of the accessibility statement."""

    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"))
    page_url = models.CharField(_("Betroffene Seite"), max_length=500, blank=True)
    message = models.TextField(_("Beschreibung der Barriere"), max_length=5000)
    created_at = models.DateTimeField(_("Eingegangen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%d.%m.%Y})"


class SignLanguageVideo(models.Model):
    """The video in German Sign Language of the sign-language page, with its transcript and an
    optional captions track. Kept in the portal's (private) storage like every file and served
    by ``pages.views.sign_language_file`` to everyone while it is active: no second, public
    bucket for one video, and no signed URL that the CSP (media from the portal only) would
    block."""

    title = models.CharField(_("Titel"), max_length=200)
    video = models.FileField(
        _("Video (MP4 oder WebM)"),
        upload_to="dgs/",
        validators=[FileExtensionValidator(["mp4", "webm"])],
    )
    captions = models.FileField(
        _("Untertitel (WebVTT, optional)"),
        upload_to="dgs/",
        blank=True,
        validators=[FileExtensionValidator(["vtt"])],
    )
    transcript = models.TextField(_("Transkript"))
    active = models.BooleanField(_("Auf der Seite zeigen"), default=True)
    uploaded_at = models.DateTimeField(_("Hochgeladen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Video in Gebärdensprache")
        verbose_name_plural = _("Videos in Gebärdensprache")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title
