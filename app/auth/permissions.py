"""The one table that decides which role may call what.

Every route under /api/v1 declares exactly one permission from here (tests walk the routes and
fail on one that does not). What a department-scoped key may do with each permission is in
:data:`SCOPES`; tests generated from it check every read route for leaks
(``tests/api/test_scope_matrix.py``) and every write route for a scoped key changing what is
not its own department's (``tests/api/test_scope_writes.py``).

Writes, for a department-scoped key: it may change its own department's rows and nothing
else. Findings decisions and registrations are a department's own (``DEPARTMENT``: another
department's rows are refused, and so is a decision whose effect reaches past the department:
a company-wide approval, a dismissal that writes match rules). Everything else a write
permission changes is shared by every department (departments, cardholders and which
department they belong to, connections and their syncs, imports of any department's rows, the
catalog, match rules, re-classification, FX rates, the sanctioned inventory): it needs a key
without a department scope (``UNSCOPED_ONLY``), whatever the key's role.
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


class Scope(StrEnum):
    """What a department-scoped key gets from a permission."""

    # The rows belong to departments: a scoped key gets its own department's (and, where a
    # row can be company-wide, those), never another's.
    DEPARTMENT = "department"
    # Reading shared data that belongs to no department (the catalog, rules, rates,
    # connections, jobs; classifying against them): a scoped key gets what an unscoped key of
    # its role gets. Never a write.
    SHARED = "shared"
    # Spans every department (the audit trail, cross-department reports), could widen a scope
    # (minting keys) or writes what every department shares (see the module's docstring):
    # refused to a scoped key.
    UNSCOPED_ONLY = "unscoped_only"


SCOPES: dict[Perm, Scope] = {
    Perm.DEPARTMENTS_READ: Scope.DEPARTMENT,
    Perm.DEPARTMENTS_WRITE: Scope.UNSCOPED_ONLY,
    Perm.CARDHOLDERS_READ: Scope.DEPARTMENT,
    Perm.CARDHOLDERS_WRITE: Scope.UNSCOPED_ONLY,
    Perm.CONNECTIONS_READ: Scope.SHARED,
    Perm.CONNECTIONS_WRITE: Scope.UNSCOPED_ONLY,
    Perm.CONNECTIONS_SYNC: Scope.UNSCOPED_ONLY,
    Perm.TRANSACTIONS_READ: Scope.DEPARTMENT,
    Perm.IMPORTS_WRITE: Scope.UNSCOPED_ONLY,
    Perm.VENDORS_READ: Scope.SHARED,
    Perm.VENDORS_WRITE: Scope.UNSCOPED_ONLY,
    Perm.RULES_READ: Scope.SHARED,
    Perm.RULES_WRITE: Scope.UNSCOPED_ONLY,
    Perm.CLASSIFY: Scope.SHARED,
    Perm.RECLASSIFY: Scope.UNSCOPED_ONLY,
    Perm.FINDINGS_READ: Scope.DEPARTMENT,
    Perm.FINDINGS_DECIDE: Scope.DEPARTMENT,
    Perm.SANCTIONED_READ: Scope.DEPARTMENT,
    Perm.SANCTIONED_WRITE: Scope.UNSCOPED_ONLY,
    Perm.REGISTRATIONS_READ: Scope.DEPARTMENT,
    Perm.REGISTRATIONS_WRITE: Scope.DEPARTMENT,
    # The spend feed is scoped; the FX rates under the same permission are shared data.
    Perm.FEEDS_READ: Scope.DEPARTMENT,
    Perm.AUDIT_READ: Scope.UNSCOPED_ONLY,
    Perm.API_KEYS_MANAGE: Scope.UNSCOPED_ONLY,
    Perm.FX_WRITE: Scope.UNSCOPED_ONLY,
    Perm.JOBS_READ: Scope.SHARED,
    Perm.INSIGHTS_READ: Scope.DEPARTMENT,
    Perm.REDUNDANCY_READ: Scope.UNSCOPED_ONLY,
}


def allowed(role: Role | str, perm: Perm, *, scoped: bool = False) -> bool:
    """Whether a key of ``role`` (department-scoped when ``scoped``) may use ``perm``."""
    if scoped and SCOPES[perm] is Scope.UNSCOPED_ONLY:
        return False
    return Role(role) in PERMISSIONS[perm]
