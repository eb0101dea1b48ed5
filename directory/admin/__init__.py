"""The directory's admin, one module per concern.

The site itself (its titles, the checked "view on site" address, changelists that
treat unusable filters as invalid) is emrj/admin_site.py.
"""

from . import listings, logentries, organisations, synonyms, users
from . import reports as reports

__all__ = ["logentries", "listings", "organisations", "synonyms", "users"]
