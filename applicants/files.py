"""Checking uploaded pre-assignment files by their content, not their name."""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_ENTRY = 5
# A .docx/.xlsx/.pptx is a zip: refuse one that unpacks to far more than it weighs.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("application/pdf", (".pdf",))
PNG = Kind("image/png", (".png",))
JPEG = Kind("image/jpeg", (".jpg", ".jpeg"))
GIF = Kind("image/gif", (".gif",))
WEBP = Kind("image/webp", (".webp",))
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
OFFICE_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


def _sniff(head: bytes) -> Kind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _office_kind(upload) -> Kind | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names:
                return None
            unpacked = sum(info.file_size for info in infos)
            packed = max(1, sum(info.compress_size for info in infos))
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
                raise ValidationError(
                    _("This file unpacks to far more than its size and was refused."),
                    code="zip_bomb",
                )
            for prefix, kind in OFFICE_PARTS.items():
                if any(name.startswith(prefix) for name in names):
                    return kind
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    return None


def validate_upload(upload) -> Kind:
    """The kind of an uploaded file, checked by content and extension together.

    Raises ValidationError (translated) for an empty or oversized file, a type outside the
    allowlist, or a name whose extension does not match the content.
    """
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > MAX_BYTES:
        raise ValidationError(_("Files can be 10 MB at most."), code="too_large")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = _sniff(head)
    if kind is None and head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload)
    if kind is None:
        raise ValidationError(
            _(
                "Only PDF, images (PNG, JPEG, GIF, WebP) and Office documents (Word, Excel, "
                "PowerPoint) can be handed in."
            ),
            code="type",
        )
    name = (upload.name or "").lower()
    if not name.endswith(kind.extensions):
        raise ValidationError(
            _("The file's name does not match its content."), code="extension_mismatch"
        )
    if kind is PDF and b"<html" in upload.read(4096).lower():
        upload.seek(0)
        raise ValidationError(
            _("This PDF also looks like a web page and was refused."), code="polyglot"
        )
    upload.seek(0)
    return kind


def display_name(name: str) -> str:
    """The name to show: no folders, no control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip() or "file"
    return cleaned[-200:]
