"""Plain typed factories for tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.api_keys import service as api_keys_service
from app.models import Department, Role


@dataclass(frozen=True)
class Keys:
    admin: str
    it: str
    marketing: str
    finance: str
    viewer: str
    marketing_department_id: int

    def for_role(self, role: Role | str) -> str:
        return str(getattr(self, Role(role).value))

    def headers(self, role: Role | str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.for_role(role)}"}


def department(session: Session, name: str, *, is_it: bool = False) -> Department:
    row = Department(name=name, is_it=is_it)
    session.add(row)
    session.flush()
    return row


def make_keys(session: Session) -> Keys:
    marketing = department(session, "Marketing")
    assert marketing.id is not None
    made = {}
    for role in Role:
        dept = marketing.id if role is Role.MARKETING else None
        _, clear = api_keys_service.create_key(
            session, name=f"{role.value} key", role=role, department_id=dept
        )
        made[role.value] = clear
    session.commit()
    return Keys(marketing_department_id=marketing.id, **made)
