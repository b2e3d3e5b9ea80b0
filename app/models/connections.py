"""Configured sources of transactions and the history of their syncs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Text
from sqlmodel import Field, SQLModel

from app.models.common import created_at_field, json_field, ts_field


class ConnectionStatus(StrEnum):
    OK = "ok"
    FAILING = "failing"
    NEEDS_ATTENTION = "needs_attention"
    NEVER_RUN = "never_run"


class ConnectionBase(SQLModel):
    name: str = Field(min_length=1, max_length=120)
    connector: str = Field(
        min_length=1, max_length=40, description="Connector slug: csv, ofx, ramp, plaid, brex, xero"
    )
    config: dict[str, Any] = Field(
        default_factory=dict, description="Non-secret settings (base URL, CSV mapping, ...)"
    )
    schedule_minutes: int | None = Field(
        default=None, ge=5, le=60 * 24 * 7, description="Sync every N minutes; null = manual"
    )
    is_it_channel: bool = Field(
        default=False, description="Spend through this source is IT-procured (IT's own card)"
    )
    enabled: bool = True


class ConnectionCreate(ConnectionBase):
    secrets: dict[str, str] = Field(
        default_factory=dict,
        description="Write-only credentials; encrypted at rest and never returned",
    )


class ConnectionUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    config: dict[str, Any] | None = None
    secrets: dict[str, str] | None = Field(
        default=None,
        description="Merged into the stored secrets (write-only); an empty string removes "
        "one field, `{}` removes them all",
    )
    schedule_minutes: int | None = Field(default=None, ge=5, le=60 * 24 * 7)
    is_it_channel: bool | None = None
    enabled: bool | None = None


class Connection(ConnectionBase, table=True):
    __tablename__ = "connections"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    config: dict[str, Any] = json_field()
    secrets_encrypted: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default=ConnectionStatus.NEVER_RUN, max_length=20)
    status_detail: str | None = Field(default=None, sa_type=Text)
    bookmark: str | None = Field(default=None, sa_type=Text)
    # The words this source repeats on most descriptors (its bank's wording), learned from its
    # rows at each import or sync: app.classification.wording.
    boilerplate: list[str] | None = Field(default=None, sa_type=JSON)
    lease_owner: str | None = Field(default=None, max_length=120)
    lease_expires_at: datetime | None = ts_field()
    last_sync_at: datetime | None = ts_field()
    next_sync_at: datetime | None = ts_field(index=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class ConnectionPublic(ConnectionBase):
    id: int
    status: str
    status_detail: str | None
    has_secrets: bool
    secret_fields: list[str] = Field(default_factory=list)
    last_sync_at: datetime | None
    next_sync_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SyncRunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class SyncRun(SQLModel, table=True):
    __tablename__ = "sync_runs"
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = Field(foreign_key="connections.id", ondelete="CASCADE", index=True)
    trigger: str = Field(default="schedule", max_length=20)
    status: str = Field(default=SyncRunStatus.RUNNING, max_length=20)
    started_at: datetime = created_at_field()
    finished_at: datetime | None = ts_field()
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    removed: int = 0
    rejected: int = 0
    error: str | None = Field(default=None, sa_type=Text)
    window_start: datetime | None = ts_field()
    window_end: datetime | None = ts_field()
    # File imports stamp it at every commit; a run whose heartbeat went quiet is closed as
    # interrupted (API syncs have the connection's lease for that).
    heartbeat_at: datetime | None = ts_field()


class SyncRunPublic(SQLModel):
    id: int
    connection_id: int
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    fetched: int
    inserted: int
    updated: int
    removed: int
    rejected: int
    error: str | None
