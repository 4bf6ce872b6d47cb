"""Live shows: lifecycle, showcase, pinned product, live-only prices and flash sales."""
