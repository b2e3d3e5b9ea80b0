"""Departments and cardholders: who spends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.common import EMAIL_PATTERN, created_at_field


class DepartmentBase(SQLModel):
    name: str = Field(min_length=1, max_length=120)
    cost_centre: str | None = Field(default=None, max_length=60)
    is_it: bool = Field(default=False, description="Purchases by this department are IT-procured")


class DepartmentCreate(DepartmentBase):
    pass


class DepartmentUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    cost_centre: str | None = Field(default=None, max_length=60)
    is_it: bool | None = None


class Department(DepartmentBase, table=True):
    __tablename__ = "departments"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    created_at: datetime = created_at_field()


class DepartmentPublic(DepartmentBase):
    id: int
    created_at: datetime


class CardholderBase(SQLModel):
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320, index=True)
    external_id: str | None = Field(default=None, max_length=200)
    department_id: int | None = Field(default=None, foreign_key="departments.id", index=True)


class CardholderCreate(SQLModel):
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320, regex=EMAIL_PATTERN)
    external_id: str | None = Field(default=None, max_length=200)
    connection_id: int | None = None
    department_id: int | None = None


class CardholderUpdate(SQLModel):
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320, regex=EMAIL_PATTERN)
    department_id: int | None = None


class Cardholder(CardholderBase, table=True):
    __tablename__ = "cardholders"
    __table_args__ = (UniqueConstraint("connection_id", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int | None = Field(
        default=None, foreign_key="connections.id", ondelete="CASCADE", index=True
    )
    created_at: datetime = created_at_field()


class CardholderPublic(CardholderBase):
    id: int
    connection_id: int | None
    created_at: datetime
