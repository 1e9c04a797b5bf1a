"""Cover images: validation by content, EXIF stripping and responsive renditions."""

import hashlib
import io
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db import models
from django.utils.encoding import filepath_to_uri
from django.utils.translation import gettext_lazy as _

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The side of the square rendition link previews crop to (WeChat, Weibo).
SHARE_SIDE = 600
RENDITION_FORMATS = (("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg"))


def _open(file):
    """Open ``file`` with Pillow, reading only its header; raise ValidationError if unusable."""
    # Pillow is imported by uploads only: a worker serving readers never loads it.
    from PIL import Image, UnidentifiedImageError

    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ValidationError(
                _("Upload a JPEG, PNG or WebP image; this file is not one."),
                code="unsupported_format",
            )
    return image


def validate_cover(file):
    """Refuse anything but a real JPEG, PNG or WebP within the size and pixel limits."""
    if getattr(file, "_committed", False):
        return  # stored earlier, so it was checked then
    if file.size > settings.COVER_MAX_BYTES:
        raise ValidationError(
            _("The image is larger than %(limit)d MB."),
            code="too_large",
            params={"limit": settings.COVER_MAX_BYTES // (1024 * 1024)},
        )
    image = _open(file)
    if image.format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Upload a JPEG, PNG or WebP image; this file is not one."), code="unsupported_format"
        )
    width, height = image.size
    if width * height > settings.COVER_MAX_PIXELS:
        raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
    if max(width, height) > settings.COVER_MAX_SIDE:
        raise ValidationError(
            _("The image is %(width)d × %(height)d pixels; each side may be at most %(limit)d."),
            code="too_long",
            params={"width": width, "height": height, "limit": settings.COVER_MAX_SIDE},
        )
    if max(width, height) > settings.COVER_MAX_ASPECT * min(width, height):
        raise ValidationError(
            _("The image is %(width)d × %(height)d pixels; one side may be at most"
              " %(ratio)d times the other."),
            code="too_narrow",
            params={"width": width, "height": height, "ratio": settings.COVER_MAX_ASPECT},
        )  # fmt: skip
    try:
        image.verify()
        # verify() reads the structure only; a truncated JPEG fails when decoded, so decode
        # it whole (within the pixel limit checked above).
        _open(file).load()
    except Exception:
        raise ValidationError(_("The image file is damaged."), code="damaged")
    finally:
        file.seek(0)


class CoverFormField(forms.ImageField):
    """An image upload that explains which limit a file breaks, before Pillow decodes it."""

    def to_python(self, data):
        if data is not None and hasattr(data, "size"):
            validate_cover(data)
        return super().to_python(data)


def _encode(image, fmt):
    buffer = io.BytesIO()
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Saving without an ``exif=`` argument writes no EXIF: GPS and camera data are dropped.
    options = {"quality": 82, "optimize": True} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def process_cover(file):
    """Return the cleaned original (EXIF removed, upright) and its renditions.

    The result is ``(content, extension, renditions)`` where ``renditions``
    maps ``"webp"`` and ``"jpg"`` to lists of ``[width, height, storage name]``, and
    ``"share"`` to the square one for link previews.
    Rendition files are written to the default storage under names derived
    from the content, so the same image is never stored twice.
    """
    from PIL import Image, ImageOps

    image = _open(file)
    fmt = image.format
    image.load()
    image = ImageOps.exif_transpose(image)
    # Nothing of the upload's metadata is written again: EXIF, ICC notes, JPEG comments
    # (Pillow would copy a COM segment into every JPEG it saves).
    image.info.clear()
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    content = _encode(image, fmt)
    digest = hashlib.sha256(content).hexdigest()[:20]

    widths = [w for w in settings.COVER_WIDTHS if w < image.width] + [image.width]
    widths = sorted(set(widths))[: len(settings.COVER_WIDTHS)]
    renditions = {ext: [] for ext, _fmt, _type in RENDITION_FORMATS}
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        for ext, rendition_fmt, _type in RENDITION_FORMATS:
            name = f"covers/renditions/{digest}-{width}.{ext}"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(_encode(resized, rendition_fmt)))
            renditions[ext].append([width, height, name])
    # For link previews that crop to a square (WeChat, Weibo): the middle of the image.
    side = min(SHARE_SIDE, image.width, image.height)
    name = f"covers/renditions/{digest}-share-{side}.jpg"
    if not default_storage.exists(name):
        square = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
        name = default_storage.save(name, ContentFile(_encode(square, "JPEG")))
    renditions["share"] = [side, side, name]
    return content, ALLOWED_FORMATS[fmt], renditions


def share_image(renditions):
    """The square rendition for link previews: ``{"src", "width", "height"}``, or None for an
    image stored before there was one."""
    if not renditions or not renditions.get("share"):
        return None
    side, _side, name = renditions["share"]
    return {"src": media_url(name), "width": side, "height": side}


def store_upload(field_file):
    """Replace a just-uploaded image (``field_file``, not committed yet) by its cleaned
    original and return its renditions."""
    content, ext, renditions = process_cover(field_file.file)
    stem = field_file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "image"
    # A named file, so that ImageField stores its width and height: without them
    # every read would open the image to measure it.
    name = f"{stem}.{ext}"
    field_file.save(name, ContentFile(content, name=name), save=False)
    return renditions


def media_url(name):
    """``default_storage.url(name)``; on the file system without ``urljoin``'s parsing, which
    a page of cards asks for dozens of times (bench/README.md)."""
    storage = storages["default"]
    if type(storage) is FileSystemStorage:  # its base URL ends in "/", names are relative
        return storage.base_url + filepath_to_uri(name).lstrip("/")
    return storage.url(name)


def picture_sources(renditions):
    """Describe a cover's renditions for ``<picture>``: one ``<source>`` and the ``<img>``."""
    if not renditions or not renditions.get("jpg"):
        return None

    def srcset(ext):
        return ", ".join(f"{media_url(name)} {width}w" for width, _h, name in renditions[ext])

    width, height, name = renditions["jpg"][-1]
    return {
        "webp_srcset": srcset("webp"),
        "jpg_srcset": srcset("jpg"),
        "src": media_url(name),
        "width": width,
        "height": height,
    }


def image_field(verbose_name, upload_to, name, blank=True):
    """An uploaded image field (``name``: its attribute) checked by ``validate_cover``,
    with its size in ``<name>_width`` and ``<name>_height``; its renditions go in
    ``<name>_renditions`` (``keep_renditions``)."""
    return models.ImageField(
        verbose_name,
        upload_to=upload_to,
        blank=blank,
        validators=[validate_cover],
        width_field=f"{name}_width",
        height_field=f"{name}_height",
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
    )


def size_fields():
    """The width, height and renditions that go with an ``image_field``."""
    return (
        models.PositiveIntegerField(null=True, blank=True, editable=False),
        models.PositiveIntegerField(null=True, blank=True, editable=False),
        models.JSONField(default=dict, blank=True, editable=False),
    )


def keep_renditions(obj, name):
    """Before ``obj`` is saved: renditions of a new upload in field ``name``, none without."""
    file = getattr(obj, name)
    if file and not file._committed:
        setattr(obj, f"{name}_renditions", store_upload(file))
    elif not file:
        setattr(obj, f"{name}_renditions", {})
