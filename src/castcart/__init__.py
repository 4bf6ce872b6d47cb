"""castcart: self-hostable live shopping for cross-border independent stores."""

__version__ = "0.1.0"
