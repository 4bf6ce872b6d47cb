"""The FastAPI application: app factory, error rendering, dependencies, health."""
