"""Outside IT or not: the one rule, in one place.

A software transaction is outside IT unless its vendor is sanctioned for its department (or
company-wide), its department is an IT department, or it came through an IT channel.
"""

from __future__ import annotations

from sqlmodel import Session, select

from app.models import Connection, Department, SanctionedApp


class OutsideItPolicy:
    def __init__(self, session: Session) -> None:
        self.it_departments = {
            d.id
            for d in session.exec(select(Department).where(Department.is_it == True))  # noqa: E712
        }
        self.it_channels = {
            c.id
            for c in session.exec(select(Connection).where(Connection.is_it_channel == True))  # noqa: E712
        }
        self.sanctioned: set[tuple[int, int | None]] = {
            (s.vendor_id, s.department_id)
            for s in session.exec(select(SanctionedApp).where(SanctionedApp.status == "active"))
        }

    def is_sanctioned(self, vendor_id: int | None, department_id: int | None) -> bool:
        if vendor_id is None:
            return False
        return (vendor_id, None) in self.sanctioned or (vendor_id, department_id) in self.sanctioned

    def is_outside(
        self,
        *,
        is_software: bool,
        vendor_id: int | None,
        department_id: int | None,
        connection_id: int,
    ) -> bool:
        if not is_software or connection_id in self.it_channels:
            return False
        if department_id is not None and department_id in self.it_departments:
            return False
        return not self.is_sanctioned(vendor_id, department_id)
