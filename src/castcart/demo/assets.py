"""Product pictures for the demo store, drawn as SVG on request: the demo works offline and
commits no binary images."""

from __future__ import annotations

import hashlib
from html import escape

from fastapi import APIRouter, Path, Response

router = APIRouter(include_in_schema=False)

_PALETTE = ["#f4a261", "#2a9d8f", "#e76f51", "#264653", "#8ab17d", "#b56576", "#6d597a"]


def product_svg(handle: str) -> str:
    """A square picture: a colour and a shape chosen from the handle, and its name."""
    digest = hashlib.sha256(handle.encode()).digest()
    bg, fg = _PALETTE[digest[0] % len(_PALETTE)], _PALETTE[digest[1] % len(_PALETTE)]
    if bg == fg:
        fg = "#ffffff"
    label = escape(handle.replace("-", " ").title())
    shape = (
        f'<circle cx="200" cy="170" r="{70 + digest[2] % 30}" fill="{fg}"/>'
        if digest[3] % 2
        else f'<rect x="110" y="80" width="180" height="180" rx="{digest[2] % 40}" fill="{fg}"/>'
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" '
        f'role="img" aria-label="{label}"><rect width="400" height="400" fill="{bg}"/>{shape}'
        '<text x="200" y="340" font-family="sans-serif" font-size="28" fill="#fff" '
        f'text-anchor="middle">{label}</text></svg>'
    )


@router.get("/demo-assets/{handle}.svg")
def demo_image(handle: str = Path(pattern=r"^[a-z0-9-]{1,64}$")) -> Response:
    return Response(
        product_svg(handle),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
