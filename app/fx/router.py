from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/fx-rates", tags=["fx"])
