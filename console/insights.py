"""The pool dashboard: the console's landing page for the current pool.

Every figure is counted by the database (the selectors below GROUP BY; this module only lays the
few resulting rows out over the days and labels them) and every query is filtered to the one
pool the console's scoping (console/scoping.py → tenants/selectors.py) chose. Sources:
- logins per day by outcome, connection and application, refusals by reason: accounts' login events;
- the ticket funnel and WeChat failures by errcode: hostedlogin's daily counters (tickets are
  purged after a week, and a login event names neither the stage nor the WeChat call);
- the WeChat budgets: the budget's own counters (connections/wechat/quota.py), read, not counted.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import LoginOutcome
from accounts.selectors import login_counts_by_day, refusal_counts
from connections.models import Connection
from connections.selectors import wechat_quota_for_pool
from hostedlogin.models import TicketStatus
from hostedlogin.selectors import ticket_funnel, wechat_failure_counts
from tenants.models import Application

from .charts import Row, Series, bar_rows, day_bars, legend

PERIODS = (7, 30)
DEFAULT_PERIOD = 7
SUCCESS = (LoginOutcome.CREATED, LoginOutcome.LOGGED_IN, LoginOutcome.MATCHED, LoginOutcome.BOUND)
OUTCOME_ORDER = (*SUCCESS, LoginOutcome.BIND_REQUIRED, LoginOutcome.REFUSED, LoginOutcome.CANCELLED,
                 LoginOutcome.EXPIRED, LoginOutcome.FAILED)
PALETTE = 8  # colour classes sl-c-1 … sl-c-8; further connections/applications share "other"

REFUSAL_LABELS = {
    "login_only": gettext_lazy("Login only: no account for this WeChat user"),
    "user_blocked": gettext_lazy("Account blocked"),
    "phone_in_use": gettext_lazy("Phone number belongs to another account"),
    "no_decision": gettext_lazy("No rule decided (check identity linking)"),
    "too_many_attempts": gettext_lazy("Too many bind attempts"),
    "bind_locked": gettext_lazy("Bind locked after failures"),
    "bind_account_locked": gettext_lazy("Account locked after failed binds"),
    "bind_ip_locked": gettext_lazy("Network locked after failed binds"),
}
ERRCODE_LABELS = {
    0: gettext_lazy("ScanLogin's budget for this call is spent"),
    -1: gettext_lazy("WeChat busy or unreachable"),
    40013: gettext_lazy("Invalid AppID"),
    40125: gettext_lazy("Wrong AppSecret"),
    40164: gettext_lazy("Server IP not on the whitelist"),
    40243: gettext_lazy("AppSecret frozen"),
    40029: gettext_lazy("Invalid or used code"),
    40163: gettext_lazy("Code already used"),
    45011: gettext_lazy("WeChat rate limit"),
    45009: gettext_lazy("WeChat daily limit reached"),
    40226: gettext_lazy("WeChat flagged the user as high-risk"),
    41030: gettext_lazy("Mini-program page not published"),
}
API_LABELS = {
    "token": gettext_lazy("access token"),
    "jscode2session": gettext_lazy("scan (code2Session)"),
    "wxacode": gettext_lazy("QR code (getwxacodeunlimit)"),
    "phone": gettext_lazy("phone number"),
}
STAGE_LABELS = {
    TicketStatus.PENDING: gettext_lazy("QR codes shown"),
    TicketStatus.SCANNED: gettext_lazy("Scanned"),
    TicketStatus.CONFIRMED: gettext_lazy("Confirmed on the phone"),
    TicketStatus.CONSUMED: gettext_lazy("Logged in on the PC"),
}


def period_from(value) -> int:
    """The `days` query parameter as one of PERIODS; anything else is the default (never an error)."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


@dataclass
class Dashboard:
    days: int
    first_day: date
    last_day: date
    totals: dict = field(default_factory=dict)
    charts: dict = field(default_factory=dict)
    quota: object = None

    @property
    def empty(self) -> bool:
        return not (self.totals["events"] or self.totals["tickets"] or self.totals["wechat_failures"])


def pool_dashboard(*, pool, days: int, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows for `pool` over the last `days` days (today included)."""
    last_day = timezone.localdate(now)
    first_day = last_day - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first_day, time.min))
    dates = [first_day + timedelta(days=i) for i in range(days)]
    board = Dashboard(days=days, first_day=first_day, last_day=last_day)

    counts = login_counts_by_day(pool=pool, since=since)  # grouped by the database: a few hundred rows at most
    successes = [row for row in counts if row["outcome"] in SUCCESS]
    by_outcome = _pivot(counts, dates, "outcome")
    by_connection = _pivot(successes, dates, "connection_id")
    by_application = _pivot(successes, dates, "application_id")
    funnel = ticket_funnel(pool=pool, since=first_day)
    refusals = refusal_counts(pool=pool, since=since)
    failures = wechat_failure_counts(pool=pool, since=first_day)

    outcome_series = [Series(str(LoginOutcome(o).label), by_outcome[o], f"sl-c-{o}") for o in OUTCOME_ORDER if o in by_outcome]
    connection_names = dict(Connection.objects.filter(pool=pool).values_list("pk", "display_name"))
    application_names = dict(Application.objects.filter(pool=pool).values_list("pk", "name"))
    board.totals = {
        "events": sum(sum(v) for v in by_outcome.values()),
        "logins": sum(sum(by_outcome.get(o, [])) for o in SUCCESS),
        "signups": sum(by_outcome.get(LoginOutcome.CREATED, [])),
        "refused": sum(by_outcome.get(LoginOutcome.REFUSED, [])),
        "tickets": funnel[TicketStatus.PENDING],
        "wechat_failures": sum(r["n"] for r in failures),
        "conversion": _percent(funnel[TicketStatus.CONSUMED], funnel[TicketStatus.PENDING]),
    }
    board.charts = {
        "outcomes": _day_chart(outcome_series, dates, _("Logins per day by outcome")),
        "connections": _day_chart(_named_series(by_connection, connection_names), dates, _("Successful logins per day by connection")),
        "applications": _day_chart(_named_series(by_application, application_names), dates,
                                   _("Successful logins per day by application")),
        "funnel": _funnel_rows(funnel),
        "refusals": bar_rows([Row(str(REFUSAL_LABELS.get(r["reason"], r["reason"] or _("(no reason)"))), r["n"], "sl-c-refused",
                                  note=r["reason"]) for r in refusals]) if refusals else None,
        "failures": bar_rows([_failure_row(r) for r in failures]) if failures else None,
    }
    quota = [_quota_row(q) for q in wechat_quota_for_pool(pool=pool)]
    board.quota = bar_rows(quota) if quota else None
    return board


def _pivot(rows: list[dict], dates: list[date], key: str) -> dict:
    """{row[key]: [count per date]}: the database's grouped rows laid out over the days."""
    index = {d: i for i, d in enumerate(dates)}
    out: dict = {}
    for row in rows:
        if row["day"] in index:
            out.setdefault(row[key], [0] * len(dates))[index[row["day"]]] += row["n"]
    return out


def _named_series(by_key: dict, names: dict) -> list[Series]:
    """Biggest first; past PALETTE - 1 keys the rest share one "Other" layer; a deleted one is "(deleted)"."""
    ranked = sorted(by_key.items(), key=lambda kv: (-sum(kv[1]), str(names.get(kv[0], ""))))
    shown, rest = ranked[:PALETTE - 1], ranked[PALETTE - 1:]
    series = [Series(names.get(k) or _("(deleted)"), v, f"sl-c-{i + 1}") for i, (k, v) in enumerate(shown)]
    if rest:
        series.append(Series(_("Other"), [sum(col) for col in zip(*(v for _k, v in rest))], f"sl-c-{PALETTE}"))
    return series


def _day_chart(series: list[Series], dates: list[date], label: str) -> dict | None:
    if not series:
        return None
    short = [formats.date_format(d, "m/d") for d in dates]
    full = [formats.date_format(d, "DATE_FORMAT") for d in dates]
    return {"svg": day_bars(days=short, day_titles=full, series=series, label=label), "legend": legend(series)}


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _funnel_rows(funnel: dict):
    created = funnel[TicketStatus.PENDING]
    if not created:
        return None
    rows = []
    for stage in STAGE_LABELS:
        share = _percent(funnel[stage], created)
        rows.append(Row(str(STAGE_LABELS[stage]), funnel[stage], f"sl-c-stage-{stage}", figure=f"{funnel[stage]:,} · {share}%"))
    return bar_rows(rows, of=created)


def _failure_row(row: dict) -> Row:
    meaning = ERRCODE_LABELS.get(row["errcode"], _("WeChat error"))
    api = API_LABELS.get(row["api"], row["api"])
    return Row(f"{row['errcode']} · {meaning}", row["n"], "sl-c-failed", note=f"{api} · {row['connection']}")


def _quota_row(q: dict) -> Row:
    window = _("per day") if q["window"] >= 86400 else _("per hour") if q["window"] >= 3600 else _("per minute")
    api = API_LABELS.get(q["api"], q["api"])
    note = f"{q['app_id']} · " + (_("shared platform mini-program") if q["shared"] else ", ".join(q["connections"]))
    return Row(f"{api} ({window})", q["used"], "sl-c-quota" if q["used"] < q["limit"] else "sl-c-refused",
               note=note, figure=f"{q['used']:,} / {q['limit']:,}", of=q["limit"])
