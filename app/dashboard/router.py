"""The dashboard's HTML pages (outside /api/v1): sign-in, overview, findings, subscriptions,
redundancy and the transactions drill-down, one module per page (``app/dashboard/pages``).

Pages are rendered server-side with their data embedded (one request paints everything); a
small script of ours draws the charts with plotly.js, which is served from the installed
``plotly`` Python package (no CDN, no copy in the repository). Every chart has a table with
the same figures and the same drill-down links, so nothing needs the mouse or the script.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.dashboard import assets, signin
from app.dashboard.pages import (
    apps,
    finding,
    findings,
    insights,
    overview,
    registrations,
    sanctioned,
    sources,
    transactions,
)

router = APIRouter(include_in_schema=False)
PAGES = (
    assets,
    signin,
    overview,
    apps,
    findings,
    finding,
    insights,
    transactions,
    registrations,
    sanctioned,
    sources,
)
for page in PAGES:
    router.include_router(page.router)
