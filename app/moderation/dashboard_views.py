"""The moderators' dashboard and the audit log (on the moderation blueprint)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from app.core import timefmt
from app.core.converters import int_arg
from app.core.permissions import roles_required
from app.models import Role
from app.models.types import utcnow
from app.moderation import audit, bp, chart, dashboard
from app.moderation.spam import figures as spam_figures

moderators_only = roles_required(Role.ADMIN, Role.MODERATOR)

STATUS_COLOURS = {"pending": "#b7791f", "approved": "#2f855a", "spam": "#c53030",
                  "trash": "#718096"}
KIND_COLOURS = {"comment": "#2b6cb0", "question": "#6b46c1", "pingback": "#dd6b20",
                "trackback": "#b83280", "webmention": "#319795"}


def _chart(days: dashboard.DaySeries) -> chart.Chart:
    return chart.stacked_bars(days.series, [f"{d.day} {d:%b}" for d in days.days])


@bp.get("/dashboard", endpoint="dashboard")
@moderators_only
def dashboard_view():
    zone = timefmt.site_zone()
    figures = dashboard.figures(utcnow(), zone)
    return render_template(
        "moderation/dashboard.html", figures=figures, days=dashboard.DAYS,
        status_chart=_chart(figures.by_status), kind_chart=_chart(figures.by_kind),
        status_colours=STATUS_COLOURS, kind_colours=KIND_COLOURS,
        status_args=lambda name: {"status": name},
        kind_args=lambda name: {"status": "all", "kind": name},
        format_age=dashboard.format_age, percent=spam_figures.percent)


@bp.get("/log", endpoint="log")
@moderators_only
def log_view():
    f = audit.LogFilter(response_ref=int_arg(request.args, "response", None),
                        page=int_arg(request.args, "page", 1))
    return render_template("moderation/log.html", page=audit.log_page(current_user, f), f=f,
                           zone=timefmt.site_zone(), sentence=audit.sentence,
                           status_change=audit.status_change, is_public=audit.is_public,
                           sees_everything=audit.sees_everything(current_user))
