"""The pages people see: the shopper's show page, the host console, the merchant admin and
the embeddable widget. Server-rendered (Jinja, babel formatting) with small scripts built
from ``web/`` (esbuild, hls.js) into ``static/dist/``."""

from castcart.pages.routes import install

__all__ = ["install"]
