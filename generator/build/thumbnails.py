"""Thumbnails for the dataset list: 320×240, cropped to 4:3 from a record's first example image, cached."""

from __future__ import annotations

import hashlib
from pathlib import Path

SIZE = (320, 240)
QUALITY = 75


def thumbnail(source: Path, cache: Path) -> Path:
    """The cached thumbnail of `source`, made on first use; the cache is keyed by the image's content."""
    from PIL import Image, ImageOps  # only registers with images pay for Pillow

    digest = hashlib.sha256(source.read_bytes() + repr((SIZE, QUALITY)).encode()).hexdigest()[:32]
    target = cache / f"{digest}.jpg"
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with Image.open(source) as picture:
            fitted = ImageOps.fit(picture.convert("RGB"), SIZE, Image.Resampling.LANCZOS)
            partial = target.with_suffix(".part")
            fitted.save(partial, "JPEG", quality=QUALITY, optimize=True, progressive=True)
            partial.replace(target)  # a build stopped half-way never leaves a broken thumbnail behind
    return target
