"""The one table that decides which role may call what.

Every route under /api/v1 declares exactly one permission from here (tests walk the routes and
fail on one that does not). Department-scoped keys additionally see only their department's rows.
"""

from __future__ import annotations

from enum import StrEnum

from app.models.access import Role

ADM, IT, MKT, FIN, VWR = Role.ADMIN, Role.IT, Role.MARKETING, Role.FINANCE, Role.VIEWER


class Perm(StrEnum):
    DEPARTMENTS_READ = "departments:read"
    DEPARTMENTS_WRITE = "departments:write"
    CARDHOLDERS_READ = "cardholders:read"
    CARDHOLDERS_WRITE = "cardholders:write"
    CONNECTIONS_READ = "connections:read"
    CONNECTIONS_WRITE = "connections:write"
    CONNECTIONS_SYNC = "connections:sync"
    TRANSACTIONS_READ = "transactions:read"
    IMPORTS_WRITE = "imports:write"
    VENDORS_READ = "vendors:read"
    VENDORS_WRITE = "vendors:write"
    RULES_READ = "rules:read"
    RULES_WRITE = "rules:write"
    CLASSIFY = "classify"
    RECLASSIFY = "reclassify"
    FINDINGS_READ = "findings:read"
    FINDINGS_DECIDE = "findings:decide"
    SANCTIONED_READ = "sanctioned:read"
    SANCTIONED_WRITE = "sanctioned:write"
    REGISTRATIONS_READ = "registrations:read"
    REGISTRATIONS_WRITE = "registrations:write"
    FEEDS_READ = "feeds:read"
    AUDIT_READ = "audit:read"
    API_KEYS_MANAGE = "api_keys:manage"
    FX_WRITE = "fx:write"
    JOBS_READ = "jobs:read"
    INSIGHTS_READ = "insights:read"
    REDUNDANCY_READ = "redundancy:read"


PERMISSIONS: dict[Perm, frozenset[Role]] = {
    Perm.DEPARTMENTS_READ: frozenset({ADM, IT, MKT, FIN, VWR}),
    Perm.DEPARTMENTS_WRITE: frozenset({ADM}),
    Perm.CARDHOLDERS_READ: frozenset({ADM, IT}),
    Perm.CARDHOLDERS_WRITE: frozenset({ADM, IT}),
    Perm.CONNECTIONS_READ: frozenset({ADM, IT}),
    Perm.CONNECTIONS_WRITE: frozenset({ADM}),
    Perm.CONNECTIONS_SYNC: frozenset({ADM, IT}),
    Perm.TRANSACTIONS_READ: frozenset({ADM, IT, MKT, FIN, VWR}),
    Perm.IMPORTS_WRITE: frozenset({ADM, IT}),
    Perm.VENDORS_READ: frozenset({ADM, IT, MKT, FIN, VWR}),
    Perm.VENDORS_WRITE: frozenset({ADM}),
    Perm.RULES_READ: frozenset({ADM, IT}),
    Perm.RULES_WRITE: frozenset({ADM, IT}),
    Perm.CLASSIFY: frozenset({ADM, IT, MKT, FIN, VWR}),
    Perm.RECLASSIFY: frozenset({ADM}),
    Perm.FINDINGS_READ: frozenset({ADM, IT, MKT, VWR}),
    Perm.FINDINGS_DECIDE: frozenset({ADM, IT}),
    Perm.SANCTIONED_READ: frozenset({ADM, IT, MKT, FIN, VWR}),
    Perm.SANCTIONED_WRITE: frozenset({ADM, IT}),
    Perm.REGISTRATIONS_READ: frozenset({ADM, IT, MKT}),
    Perm.REGISTRATIONS_WRITE: frozenset({ADM, IT, MKT}),
    Perm.FEEDS_READ: frozenset({ADM, FIN, VWR}),
    Perm.AUDIT_READ: frozenset({ADM, IT}),
    Perm.API_KEYS_MANAGE: frozenset({ADM}),
    Perm.FX_WRITE: frozenset({ADM, FIN}),
    Perm.JOBS_READ: frozenset({ADM, IT, FIN}),
    Perm.INSIGHTS_READ: frozenset({ADM, IT, MKT, FIN, VWR}),
    # Spans every department, so not for department-scoped (marketing) keys.
    Perm.REDUNDANCY_READ: frozenset({ADM, IT, FIN, VWR}),
}


def allowed(role: Role | str, perm: Perm) -> bool:
    return Role(role) in PERMISSIONS[perm]
