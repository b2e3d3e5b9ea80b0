"""API keys: hashed at rest, with a role and an optional department scope."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import UTCDateTime
from app.models.common import created_at_field, ts_field


class Role(StrEnum):
    ADMIN = "admin"
    IT = "it"
    MARKETING = "marketing"
    FINANCE = "finance"
    VIEWER = "viewer"


class ApiKeyCreate(SQLModel):
    name: str = Field(min_length=1, max_length=120)
    role: Role
    department_id: int | None = Field(
        default=None, description="Scope the key to one department (typical for marketing)"
    )


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    # The first characters of the key, stored in clear to find the row; the rest is only hashed.
    prefix: str = Field(max_length=20, unique=True)
    key_hash: str = Field(max_length=128)
    role: str = Field(max_length=20)
    department_id: int | None = Field(default=None, foreign_key="departments.id")
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = ts_field()
    revoked_at: datetime | None = ts_field()


class DashboardSession(SQLModel, table=True):
    """A signed-in dashboard browser. The cookie carries a random token; only its keyed hash is
    stored, so signing out (deleting the row) ends the session at once."""

    __tablename__ = "dashboard_sessions"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    key_id: int = Field(foreign_key="api_keys.id", ondelete="CASCADE", index=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class ApiKeyPublic(SQLModel):
    id: int
    name: str
    prefix: str
    role: str
    department_id: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The secret key. Shown only in this response; store it now.")
