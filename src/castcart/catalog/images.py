"""Product image uploads: checked to be a real image (Pillow decodes it), turned upright,
stripped of metadata and written at a few widths as WebP under the data dir.

Files are content-addressed (``{sha256}-{width}.webp``), so a name never changes meaning and
can be served as immutable with its digest as the ETag.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from castcart.core.errors import UnprocessableError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs well before Pillow's own limit
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
WIDTHS = (160, 480, 960)
CARD_WIDTH = 480  # what the shop card shows
URL_PREFIX = "/catalog-images"
NAME_RE = re.compile(r"^(?P<digest>[0-9a-f]{64})-(?P<width>[0-9]{2,4})\.webp$")


@dataclass(frozen=True)
class StoredImage:
    digest: str
    widths: tuple[int, ...]
    width: int
    height: int

    def url(self, width: int = CARD_WIDTH) -> str:
        fitting = [w for w in self.widths if w <= width] or [min(self.widths)]
        return f"{URL_PREFIX}/{self.digest}-{max(fitting)}.webp"


def _invalid(message: str) -> UnprocessableError:
    return UnprocessableError(message, code="invalid_image")


def decode(data: bytes) -> Image.Image:
    """The upright, fully decoded image, or a clear refusal."""
    if not data:
        raise _invalid("the upload is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _invalid(f"images may be at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise _invalid(f"unsupported image type {probe.format}; use JPEG, PNG, WebP or GIF")
            if probe.width * probe.height > MAX_PIXELS:
                raise _invalid("the image has too many pixels")
            probe.verify()  # structure check; the object is unusable afterwards
            image = Image.open(io.BytesIO(data))
            image.load()  # a truncated file fails here, not later when resizing
    except UnprocessableError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise _invalid("the file is not a readable image") from exc
    upright: Image.Image = ImageOps.exif_transpose(image)
    alpha = "A" in upright.getbands() or "transparency" in upright.info
    return upright.convert("RGBA" if alpha else "RGB")


def store(data: bytes, directory: Path) -> StoredImage:
    """Decode ``data`` and write its renditions (never wider than the original)."""
    image = decode(data)
    digest = hashlib.sha256(data).hexdigest()
    widths = tuple(w for w in WIDTHS if w <= image.width) or (image.width,)
    directory.mkdir(parents=True, exist_ok=True)
    for width in widths:
        target = directory / f"{digest}-{width}.webp"
        if target.exists():
            continue
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        tmp = target.with_suffix(".tmp")
        resized.save(tmp, "WEBP", quality=82, method=4)
        tmp.replace(target)  # readers never see half a file
    return StoredImage(digest, widths, image.width, image.height)


def path_for(directory: Path, name: str) -> Path | None:
    """The file behind a public name, or None for anything that is not one of ours."""
    if not NAME_RE.match(name):
        return None
    path = directory / name
    return path if path.is_file() else None
