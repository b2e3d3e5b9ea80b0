"""Every table, imported here so metadata (and Alembic) sees them all."""

# Tables owned by a domain package, so that metadata (and Alembic) sees them too.
from app.findings.models import FindingDay, FindingDayDelta, FindingEvidence
from app.models.access import (
    ApiKey,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    DashboardSession,
    Role,
)
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
    ClosedReason,
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
from app.models.rollup import SpendDaily, SpendDirty, SpendMonthly, TransactionWatermark
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
    "ClosedReason",
    "Connection",
    "ConnectionCreate",
    "ConnectionPublic",
    "ConnectionStatus",
    "ConnectionUpdate",
    "DashboardSession",
    "Department",
    "DepartmentCreate",
    "DepartmentPublic",
    "DepartmentUpdate",
    "Finding",
    "FindingDay",
    "FindingDayDelta",
    "FindingEvidence",
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
    "SyncRun",
    "SyncRunPublic",
    "SyncRunStatus",
    "Transaction",
    "TransactionPublic",
    "TransactionWatermark",
    "Vendor",
    "VendorCreate",
    "VendorPublic",
    "VendorUpdate",
]
