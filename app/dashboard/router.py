from __future__ import annotations

from fastapi import APIRouter

# The dashboard's HTML pages (outside /api/v1): sign-in, overview, drill-downs.
router = APIRouter(include_in_schema=False)
