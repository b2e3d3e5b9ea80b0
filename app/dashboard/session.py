"""Dashboard sign-in: a session cookie standing in for the API key (filled in by the
dashboard work)."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from app.auth.service import Principal


def principal_from_cookie(request: Request, session: Session) -> Principal | None:
    """The principal of a valid session cookie, or None."""
    return None
