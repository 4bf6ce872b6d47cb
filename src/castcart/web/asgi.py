"""ASGI entry point for uvicorn: ``castcart.web.asgi:app``."""

from castcart.web.app import create_app

# `castcart serve` has already migrated; each worker process only builds the app.
app = create_app(migrate=False)
