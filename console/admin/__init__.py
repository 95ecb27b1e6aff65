"""The console's pages: one module per app whose models it shows, all on console.site.console_site.

Django's admin autodiscovery imports this package; importing the modules registers their pages.
"""
from . import accounts, connections, tenants  # noqa: F401
