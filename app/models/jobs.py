"""Background jobs (large imports, re-classification) with pollable progress."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Text
from sqlmodel import Field, SQLModel

from app.models.common import created_at_field, ts_field


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    status: str = Field(default=JobStatus.QUEUED, max_length=20)
    progress: int = 0
    total: int | None = None
    message: str | None = Field(default=None, max_length=500)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    result: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    error: str | None = Field(default=None, sa_type=Text)
    created_by_key_id: int | None = None
    created_at: datetime = created_at_field()
    started_at: datetime | None = ts_field()
    finished_at: datetime | None = ts_field()
    # Stamped by the runner while the job is alive (queued or running); see app.jobs.runner.
    heartbeat_at: datetime | None = ts_field()


class JobPublic(SQLModel):
    id: int
    kind: str
    status: str
    progress: int
    total: int | None
    message: str | None
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
