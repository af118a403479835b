"""The pamphlet's PDF: checked by its name, its content and its size, and named safely."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"
PDF_CONTENT_TYPE = "application/pdf"


def is_pdf(head: bytes) -> bool:
    """True when the first bytes of a file are a PDF header."""
    return head.startswith(PDF_MAGIC)


def validate_pamphlet_pdf(upload) -> None:
    """Accept a PDF only: a .pdf name, content that starts with %PDF-, within the size limit.

    Raises ValidationError (translated) otherwise. Used as the model field's validator, so the
    admin form shows the error next to the file field and saves nothing.
    """
    limit = settings.PAMPHLET_MAX_UPLOAD_BYTES
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The pamphlet can be %(megabytes)d MB at most."),
            code="too_large",
            params={"megabytes": limit // (1024 * 1024)},
        )
    if not (upload.name or "").lower().endswith(".pdf"):
        raise ValidationError(_("Upload the pamphlet as a PDF file (.pdf)."), code="extension")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if not is_pdf(head):
        raise ValidationError(
            _("This file is not a PDF, whatever its name says. Upload the pamphlet as a PDF."),
            code="content",
        )
    # A file that is both a PDF and a web page could run as HTML where a browser sniffs it.
    if b"<html" in head.lower() or b"<script" in head.lower():
        raise ValidationError(
            _("This PDF also looks like a web page and was refused."), code="polyglot"
        )


def safe_part(value: str, *, default: str) -> str:
    """`value` with anything but ASCII letters, digits, dots, dashes and underscores replaced,
    for a file name; `default` when nothing is left."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip(".-_")
    return cleaned[:40] or default


def pamphlet_upload_to(instance, filename: str) -> str:
    """Stored under a name of our own: the uploader's file name never reaches the disk."""
    version = safe_part(instance.version, default="version")
    return f"pamphlets/hokkaido-challenge-pamphlet-{instance.language}-{version}.pdf"


def pamphlet_download_name(*, language: str, version: str) -> str:
    return f"hokkaido-challenge-pamphlet-{language}-{safe_part(version, default='current')}.pdf"
