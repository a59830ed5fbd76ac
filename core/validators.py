"""Checks on single values: IBAN, phone number, uploaded files (recognised by content)."""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import formatting, pdf_inspection

# IBAN --------------------------------------------------------------------------------------------
# Lengths of the SEPA countries a Hessian municipality might bank in; others: 15 to 34.
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27, "GB": 22,
    "IE": 22, "IT": 27, "LI": 21, "LU": 20, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24,
}  # fmt: skip
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")


def normalize_iban(value: str) -> str:
    """Upper case without spaces: ``de89 3704 0044 0532 0130 00`` -> ``DE89370400440532013000``."""
    return re.sub(r"\s+", "", value or "").upper()


def iban_is_valid(value: str) -> bool:
    iban = normalize_iban(value)
    if not _IBAN_SHAPE.match(iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def validate_iban(value: str) -> None:
    if not value:
        return
    iban = normalize_iban(value)
    if not _IBAN_SHAPE.match(iban):
        raise ValidationError(
            _("Bitte geben Sie eine IBAN im Format DE00 0000 0000 0000 0000 00 an."),
            code="iban_format",
        )
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise ValidationError(
            _("Eine IBAN aus %(country)s hat %(expected)s Stellen, angegeben sind %(given)s.")
            % {"country": iban[:2], "expected": expected, "given": len(iban)},
            code="iban_length",
        )
    if not iban_is_valid(iban):
        raise ValidationError(
            _("Die IBAN ist ungültig: Die Prüfziffer stimmt nicht. Bitte prüfen Sie die Angabe."),
            code="iban_checksum",
        )


# Phone -------------------------------------------------------------------------------------------
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()/.\-]+$")


def validate_phone(value: str) -> None:
    """A phone number with area code: digits, spaces and ( ) / - . and a leading + or 0."""
    if not value:
        return
    text = value.strip()
    digits = re.sub(r"\D", "", text)
    if (
        not _PHONE_CHARS.match(text)
        or not (text.startswith("+") or text.startswith("0") or text.startswith("(0"))
        or not 6 <= len(digits) <= 20
    ):
        raise ValidationError(
            _(
                "Bitte geben Sie eine Telefonnummer mit Vorwahl an, "
                "z. B. 06151 12-3456 oder +49 6151 123456."
            ),
            code="phone",
        )


# File names --------------------------------------------------------------------------------------
MAX_FILENAME_LENGTH = 120


def sanitize_filename(name: str, *, max_length: int = MAX_FILENAME_LENGTH) -> str:
    """A safe, short file name: no path parts, only harmless characters, extension kept."""
    base = os.path.basename((name or "").replace("\\", "/")).strip().strip(".")
    try:
        base = get_valid_filename(base)
    except SuspiciousFileOperation:
        base = ""
    if not base or base in {".", ".."}:
        base = "datei"
    stem, ext = os.path.splitext(base)
    ext = ext[:16].lower()
    if len(stem) + len(ext) > max_length:
        stem = stem[: max_length - len(ext)]
    return f"{stem or 'datei'}{ext}"


# Uploaded files ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", gettext_lazy("PDF-Dokument"), (".pdf",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    gettext_lazy("Word-Dokument (DOCX)"),
    (".docx",),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    gettext_lazy("Excel-Tabelle (XLSX)"),
    (".xlsx",),
)
ODT = FileType(
    "application/vnd.oasis.opendocument.text", gettext_lazy("OpenDocument-Text (ODT)"), (".odt",)
)
ODS = FileType(
    "application/vnd.oasis.opendocument.spreadsheet",
    gettext_lazy("OpenDocument-Tabelle (ODS)"),
    (".ods",),
)
JPEG = FileType("image/jpeg", gettext_lazy("JPEG-Bild"), (".jpg", ".jpeg"))
PNG = FileType("image/png", gettext_lazy("PNG-Bild"), (".png",))
ALLOWED_FILE_TYPES = (PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG)
_BY_EXTENSION = {ext: ft for ft in ALLOWED_FILE_TYPES for ext in ft.extensions}
ALLOWED_EXTENSIONS_TEXT = gettext_lazy("PDF, DOCX, XLSX, ODT, ODS, JPG und PNG")

_HEAD_BYTES = 8192


def _zip_type(fileobj: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 200:
                    return None
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(mimetype)
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


def sniff_file_type(fileobj: IO[bytes]) -> FileType | None:
    """The allowed type the content is, whatever the file is called; None if none."""
    fileobj.seek(0)
    head = fileobj.read(_HEAD_BYTES)
    fileobj.seek(0)
    if not head:
        return None
    if head.lstrip(b"\r\n\t \x00\xef\xbb\xbf")[:5] == b"%PDF-":
        return PDF
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if mime == "image/png" and head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if mime == "image/jpeg" and head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            return _zip_type(fileobj)
        finally:
            fileobj.seek(0)
    return None


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    content_type: str
    size: int
    sha256: str


def _format_mb(size: int, limit: int | None = None) -> str:
    return formatting.format_file_size(size, limit=limit, lang="de")


def validate_upload(uploaded_file, *, max_bytes: int | None = None) -> CheckedUpload:
    """Checks an uploaded file: size, type by content, extension matching the content; a PDF
    must open, be neither encrypted nor carry JavaScript, and unpack to a bounded size.

    Returns the sanitised name, detected content type, size and SHA-256; raises a German
    ValidationError otherwise."""
    if max_bytes is None:
        max_bytes = getattr(settings, "WIR_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    name = sanitize_filename(getattr(uploaded_file, "name", "") or "")
    size = uploaded_file.size
    if not size:
        raise ValidationError(_("Die Datei „%(name)s“ ist leer.") % {"name": name}, code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("Die Datei „%(name)s“ ist zu groß (%(size)s). Erlaubt sind höchstens %(limit)s.")
            % {"name": name, "size": _format_mb(size, max_bytes), "limit": _format_mb(max_bytes)},
            code="too_large",
        )
    fileobj = uploaded_file.file if hasattr(uploaded_file, "file") else uploaded_file
    detected = sniff_file_type(fileobj)
    ext = os.path.splitext(name)[1].lower()
    claimed = _BY_EXTENSION.get(ext)
    if detected is None:
        if claimed is not None:
            raise ValidationError(
                _(
                    "Die Datei „%(name)s“ trägt die Endung %(ext)s, ist aber kein %(type)s. "
                    "Bitte laden Sie eine echte Datei in einem dieser Formate hoch: "
                    "%(allowed)s."
                )
                % {
                    "name": name,
                    "ext": ext,
                    "type": claimed.label,
                    "allowed": ALLOWED_EXTENSIONS_TEXT,
                },
                code="content_mismatch",
            )
        raise ValidationError(
            _(
                "Die Datei „%(name)s“ hat ein nicht zugelassenes Format. "
                "Zugelassen sind %(allowed)s."
            )
            % {"name": name, "allowed": ALLOWED_EXTENSIONS_TEXT},
            code="file_type",
        )
    if claimed is not detected:
        raise ValidationError(
            (
                _(
                    "Die Datei „%(name)s“ ist ein %(type)s, trägt aber die Endung %(ext)s. "
                    "Bitte benennen Sie sie mit der Endung %(expected)s."
                )
                if ext
                else _(
                    "Die Datei „%(name)s“ ist ein %(type)s, trägt aber keine Dateiendung. "
                    "Bitte benennen Sie sie mit der Endung %(expected)s."
                )
            )
            % {
                "name": name,
                "type": detected.label,
                "ext": ext,
                "expected": detected.extensions[0],
            },
            code="content_mismatch",
        )
    if detected is PDF:
        check_pdf(fileobj, name)
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return CheckedUpload(
        original_name=name, content_type=detected.content_type, size=size, sha256=digest.hexdigest()
    )


def check_pdf(fileobj: IO[bytes], name: str) -> pdf_inspection.PdfReport:
    """Refuses a PDF that does not open (damaged, truncated), is encrypted, carries JavaScript
    or unpacks to more than ``WIR_PDF_MAX_INFLATED_BYTES`` (see ``pdf_inspection``)."""
    resave = _(
        "Bitte speichern Sie das Dokument neu als PDF (z. B. über „Drucken“ → „Als PDF "
        "speichern“) und laden Sie es noch einmal hoch."
    )
    try:
        report = pdf_inspection.inspect_pdf(fileobj)
    except pdf_inspection.PdfProblem as problem:
        if problem.code == pdf_inspection.ENCRYPTED:
            raise _encrypted(name) from None
        if problem.code == pdf_inspection.TOO_LARGE:
            limit = pdf_inspection.max_inflated_bytes()
            raise ValidationError(
                _(
                    "Die Datei „%(name)s“ enthält sehr stark gepackte Daten: Entpackt wäre sie "
                    "größer als %(limit)s MB. Das Portal nimmt höchstens %(limit)s MB "
                    "entpackte Daten je PDF an. Bitte verkleinern Sie das PDF oder teilen Sie "
                    "es auf mehrere Dateien auf."
                )
                % {"name": name, "limit": _format_mb(limit)},
                code="pdf_too_much_data",
            ) from None
        if problem.code == pdf_inspection.NO_PAGES:
            raise ValidationError(
                _("Die Datei „%(name)s“ enthält keine Seiten.") % {"name": name},
                code="pdf_no_pages",
            ) from None
        raise ValidationError(
            _(
                "Die Datei „%(name)s“ lässt sich nicht öffnen: Das PDF ist beschädigt oder "
                "unvollständig (z. B. weil das Herunterladen oder Speichern abgebrochen wurde)."
            )
            % {"name": name}
            + " "
            + resave,
            code="pdf_damaged",
        ) from None
    if report.encrypted:
        raise _encrypted(name)
    if report.active_content:
        raise ValidationError(
            _(
                "Die Datei „%(name)s“ enthält JavaScript oder andere ausführbare Inhalte. "
                "Solche PDFs nimmt das Portal aus Sicherheitsgründen nicht an."
            )
            % {"name": name}
            + " "
            + resave,
            code="pdf_javascript",
        )
    return report


def _encrypted(name: str) -> ValidationError:
    return ValidationError(
        _(
            "Die Datei „%(name)s“ ist verschlüsselt oder durch ein Kennwort geschützt. Bitte "
            "laden Sie eine Fassung ohne Kennwort und ohne Schutz hoch."
        )
        % {"name": name},
        code="pdf_encrypted",
    )
