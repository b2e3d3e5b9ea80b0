"""Every table, imported here so metadata (and Alembic) sees them all."""

from app.models.access import ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyPublic, Role
from app.models.catalog import (
    MatchRule,
    MatchRuleCreate,
    MatchRulePublic,
    Vendor,
    VendorCreate,
    VendorPublic,
    VendorUpdate,
)
from app.models.connections import (
    Connection,
    ConnectionCreate,
    ConnectionPublic,
    ConnectionStatus,
    ConnectionUpdate,
    SyncRun,
    SyncRunPublic,
    SyncRunStatus,
)
from app.models.fx import FxRate
from app.models.governance import (
    AuditEvent,
    AuditEventPublic,
    Finding,
    FindingStatus,
    Registration,
    SanctionedApp,
)
from app.models.jobs import Job, JobPublic, JobStatus
from app.models.org import (
    Cardholder,
    CardholderCreate,
    CardholderPublic,
    CardholderUpdate,
    Department,
    DepartmentCreate,
    DepartmentPublic,
    DepartmentUpdate,
)
from app.models.rollup import SpendDaily, SpendDirty, SpendMonthly, SpendState
from app.models.transactions import ClassificationPublic, Transaction, TransactionPublic

__all__ = [
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyPublic",
    "AuditEvent",
    "AuditEventPublic",
    "Cardholder",
    "CardholderCreate",
    "CardholderPublic",
    "CardholderUpdate",
    "ClassificationPublic",
    "Connection",
    "ConnectionCreate",
    "ConnectionPublic",
    "ConnectionStatus",
    "ConnectionUpdate",
    "Department",
    "DepartmentCreate",
    "DepartmentPublic",
    "DepartmentUpdate",
    "Finding",
    "FindingStatus",
    "FxRate",
    "Job",
    "JobPublic",
    "JobStatus",
    "MatchRule",
    "MatchRuleCreate",
    "MatchRulePublic",
    "Registration",
    "Role",
    "SanctionedApp",
    "SpendDaily",
    "SpendDirty",
    "SpendMonthly",
    "SpendState",
    "SyncRun",
    "SyncRunPublic",
    "SyncRunStatus",
    "Transaction",
    "TransactionPublic",
    "Vendor",
    "VendorCreate",
    "VendorPublic",
    "VendorUpdate",
]
