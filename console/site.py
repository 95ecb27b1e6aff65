"""The console: a Django admin site for pool staff, with a pool switcher in its header."""
from django.contrib import admin
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from tenants.selectors import pools_for_staff

from .insights import period_from, pool_dashboard
from .scoping import current_pool, current_role, switch_pool


class ConsoleSite(admin.AdminSite):
    site_header = _("ScanLogin console")
    site_title = _("ScanLogin")
    index_title = _("Console")
    index_template = "console/index.html"
    site_url = None

    def each_context(self, request):
        context = super().each_context(request)
        if request.user.is_authenticated and request.user.is_staff:
            context.update(
                console_pool=current_pool(request),
                console_pools=pools_for_staff(request.user),
                console_role=current_role(request),
            )
        return context

    def index(self, request, extra_context=None):
        """The landing page: the current pool's dashboard (?days=7|30), then the console's sections."""
        pool = current_pool(request)
        extra = dict(extra_context or {})
        if pool is not None and current_role(request):
            extra["insights"] = pool_dashboard(pool=pool, days=period_from(request.GET.get("days")))
            extra["periods"] = [7, 30]
        return super().index(request, extra)

    def get_urls(self):
        return [path("switch-pool/", self.admin_view(self.switch_pool_view), name="switch_pool")] + super().get_urls()

    def switch_pool_view(self, request):
        """POST {pool: slug}: make it the current pool (404 unless the user may work in it)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        switch_pool(request, request.POST.get("pool", ""))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or "/console/" not in target:
            target = reverse("console:index")
        # An object page of the old pool would 404 in the new one; land on its list instead.
        return HttpResponseRedirect(_changelist_of(target))


def _changelist_of(target: str) -> str:
    """/console/<app>/<model>/<id>/change/ -> /console/<app>/<model>/ (other paths unchanged)."""
    path = target.split("?")[0]
    prefix, _sep, rest = path.partition("/console/")
    parts = [p for p in rest.split("/") if p]
    if len(parts) > 2:
        return f"{prefix}/console/{parts[0]}/{parts[1]}/"
    return target


console_site = ConsoleSite(name="console")
