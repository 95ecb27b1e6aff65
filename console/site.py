"""The console: a Django admin site for pool staff."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ConsoleSite(admin.AdminSite):
    site_header = _("ScanLogin console")
    site_title = _("ScanLogin")
    index_title = _("Console")


console_site = ConsoleSite(name="console")
