"""What each dashboard page reads, as the template's context. Each is given the open session
and the signed-in admin, once the role has been checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.dashboard import charts
from app.dashboard.overview import overview as read_overview

if TYPE_CHECKING:
    from app.dashboard.web import Dashboard, Viewer


def overview(dashboard: Dashboard, session: Session, viewer: Viewer) -> Mapping[str, Any]:
    runtime = dashboard.runtime
    figures = read_overview(
        session, runtime.pledge, runtime.clock.now(), runtime.settings.missed_alert_threshold
    )
    return {
        "title": "Overview",
        "figures": figures,
        "participation_chart": charts.participation_chart(figures.weeks),
        "answers_chart": charts.answers_chart(figures.commitments, figures.statuses),
    }
