"""A seeded demo store with a live show, for `make demo` and for trying the API."""
