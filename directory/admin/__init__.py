"""The directory's admin, one module per concern."""

from . import listings, logentries, organisations

__all__ = ["logentries", "listings", "organisations"]
