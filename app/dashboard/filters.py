"""The filters of the findings queue and the transactions list: what the query string may
say (the same names and values as ``GET /api/v1/findings`` and ``GET /api/v1/transactions``,
so a console URL and an API URL filter alike), what the filter forms offer under the caller's
department scope, and the filters in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.auth.principal import Principal
from app.dashboard import forms, labels
from app.findings.service import FindingFilter
from app.models import Department, Finding, Vendor
from app.models.rollup import SpendMonthly
from app.transactions.service import TransactionFilter

SEVERITIES = ("critical", "high", "medium", "low")
KINDS: dict[str, bool | None] = {"all": None, "vendors": False, "unrecognised": True}
STATUS_PATTERN = "^(open|approved|rejected|dismissed|snoozed|all)$"
SORT_PATTERN = "^(severity|spend|last_seen)$"


@dataclass(frozen=True, slots=True)
class FindingsArgs:
    """The queue's filters as sent (a form sends an unset select as ``""``)."""

    status: str = "open"
    sort: str = "severity"
    kind: str = "all"
    severity: str = ""
    department_id: str = ""
    vendor_id: str = ""
    category: str = ""
    q: str = ""

    def finding_filter(self) -> FindingFilter:
        """The service's filter; raises :class:`Unprocessable` on a malformed number."""
        return FindingFilter(
            status=None if self.status == "all" else self.status,
            severity=self.severity or None,
            department_id=forms.whole(self.department_id, "department_id"),
            vendor_id=forms.whole(self.vendor_id, "vendor_id"),
            category=self.category or None,
            unrecognised=KINDS[self.kind],
            q=self.q.strip() or None,
            sort=self.sort,
        )

    def query(self, **extra: str) -> str:
        """The query string that shows these filters again (defaults left out)."""
        params = {
            "status": self.status,
            "sort": self.sort if self.sort != "severity" else "",
            "kind": self.kind if self.kind != "all" else "",
            "severity": self.severity,
            "department_id": self.department_id,
            "vendor_id": self.vendor_id,
            "category": self.category,
            "q": self.q,
            **extra,
        }
        return urlencode({k: v for k, v in params.items() if v})


def findings_args(
    status: Annotated[str, Query(pattern=STATUS_PATTERN)] = "open",
    sort: Annotated[str, Query(pattern=SORT_PATTERN)] = "severity",
    kind: Annotated[str, Query(pattern="^(all|vendors|unrecognised)$")] = "all",
    severity: Annotated[
        str, Query(pattern="^((low|medium|high|critical)(,(low|medium|high|critical))*)?$")
    ] = "",
    department_id: Annotated[str, Query(max_length=12)] = "",
    vendor_id: Annotated[str, Query(max_length=12)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
) -> FindingsArgs:
    return FindingsArgs(status, sort, kind, severity, department_id, vendor_id, category, q)


FindingsArgsDep = Annotated[FindingsArgs, Depends(findings_args)]


_BOOLS: dict[str, bool | None] = {"": None, "true": True, "false": False}
TX_KINDS = ("purchase", "payment", "transfer", "interest", "balance", "all")


@dataclass(frozen=True, slots=True)
class TransactionsArgs:
    """The transactions list's filters as sent: the API's names and values, except that an
    unset select arrives as ``""`` (the form cannot leave a field out without a script)."""

    date_from: str = ""
    date_to: str = ""
    department_id: str = ""
    vendor_id: str = ""
    connection_id: str = ""
    is_software: str = ""
    outside_it: str = ""
    category: str = ""
    channel: str = ""
    q: str = ""
    include_duplicates: str = ""
    kind: str = "purchase"

    def transaction_filter(self) -> TransactionFilter:
        """The service's filter; raises :class:`Unprocessable` on a malformed value."""
        return TransactionFilter(
            date_from=forms.day(self.date_from, "`from`"),
            date_to=forms.day(self.date_to, "`to`"),
            department_id=forms.whole(self.department_id, "department_id"),
            vendor_id=forms.whole(self.vendor_id, "vendor_id"),
            connection_id=forms.whole(self.connection_id, "connection_id"),
            is_software=_BOOLS[self.is_software],
            outside_it=_BOOLS[self.outside_it],
            category=self.category or None,
            channel=self.channel or None,
            q=self.q.strip() or None,
            include_duplicates=self.include_duplicates == "true",
            kind=None if self.kind == "all" else self.kind,
        )


_BOOL = "^(true|false)?$"


def transactions_args(
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    department_id: Annotated[str, Query(max_length=12)] = "",
    vendor_id: Annotated[str, Query(max_length=12)] = "",
    connection_id: Annotated[str, Query(max_length=12)] = "",
    is_software: Annotated[str, Query(pattern=_BOOL)] = "",
    outside_it: Annotated[str, Query(pattern=_BOOL)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    channel: Annotated[str, Query(pattern="^(card|reimbursement|invoice)?$")] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    include_duplicates: Annotated[str, Query(pattern=_BOOL)] = "",
    kind: Annotated[str, Query(pattern="^(" + "|".join(TX_KINDS) + ")$")] = "purchase",
) -> TransactionsArgs:
    return TransactionsArgs(
        date_from,
        date_to,
        department_id,
        vendor_id,
        connection_id,
        is_software,
        outside_it,
        category,
        channel,
        q,
        include_duplicates,
        kind,
    )


TransactionsArgsDep = Annotated[TransactionsArgs, Depends(transactions_args)]


@dataclass(frozen=True, slots=True)
class Options:
    """What a filter form offers: departments (none for a scoped caller: it sees only its
    own), vendors, categories."""

    departments: list[tuple[int, str]]
    vendors: list[tuple[int, str]]
    categories: dict[str, str]


def _departments(session: Session, principal: Principal) -> list[tuple[int, str]]:
    return [] if principal.scoped else forms.department_options(session)


def _vendors(session: Session, vendor_ids: object) -> list[tuple[int, str]]:
    stmt = (
        sa_select(col(Vendor.id), col(Vendor.name))
        .where(col(Vendor.id).in_(vendor_ids))  # type: ignore[arg-type]
        .order_by(col(Vendor.name))
    )
    return [(int(i), str(n)) for i, n in session.execute(stmt)]


def findings_options(session: Session, principal: Principal) -> Options:
    """The vendors offered are those with a finding the caller may see."""
    ids = sa_select(col(Finding.vendor_id)).where(col(Finding.vendor_id).is_not(None))
    if principal.scoped:
        ids = ids.where(col(Finding.department_id) == principal.department_id)
    return Options(_departments(session, principal), _vendors(session, ids), labels.categories())


def transactions_options(session: Session, principal: Principal) -> Options:
    """The vendors offered are those with recognised spend the caller may see (read from the
    monthly rollup, not the transactions)."""
    ids = sa_select(col(SpendMonthly.vendor_id)).where(col(SpendMonthly.vendor_id).is_not(None))
    if principal.scoped:
        ids = ids.where(col(SpendMonthly.department_id) == principal.department_id)
    return Options(_departments(session, principal), _vendors(session, ids), labels.categories())


def transaction_labels(session: Session, flt: TransactionFilter) -> list[str]:
    """The transactions filter in words, for the line above the list."""
    words: list[str] = []
    if flt.department_id is not None:
        dept = session.get(Department, flt.department_id)
        words.append(f"department: {dept.name if dept else flt.department_id}")
    if flt.vendor_id is not None:
        vendor = session.get(Vendor, flt.vendor_id)
        words.append(f"vendor: {vendor.name if vendor else flt.vendor_id}")
    if flt.category:
        words.append(f"category: {labels.category(flt.category)}")
    if flt.is_software is not None:
        words.append("software" if flt.is_software else "not software")
    if flt.outside_it is not None:
        words.append("bought outside IT" if flt.outside_it else "sanctioned / IT-procured")
    if flt.channel:
        words.append(f"channel: {flt.channel}")
    if flt.q:
        words.append(f"text contains “{flt.q}”")
    return words
