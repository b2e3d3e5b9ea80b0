"""Who is calling: a leaf every layer may import (audit records it, auth produces it, services
narrow their queries by its department scope)."""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import Forbidden
from app.models import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's id, name, role and optional department scope."""

    key_id: int | None
    name: str
    role: Role
    department_id: int | None = None

    @property
    def scoped(self) -> bool:
        return self.department_id is not None

    def department_filter(self, requested: int | None) -> int | None:
        """The department a list is narrowed to: a scoped key's own (asking for another one is
        :class:`~app.errors.Forbidden`); for an unscoped key, what it asked for (None: all)."""
        if not self.scoped:
            return requested
        if requested is not None and requested != self.department_id:
            raise Forbidden("this key is scoped to another department")
        return self.department_id


SYSTEM = Principal(key_id=None, name="system", role=Role.ADMIN)
