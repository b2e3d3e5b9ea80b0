"""The transaction filter as query parameters: one dependency the transactions list, the spend
feeds and the dashboard's transactions page all read, so they accept the same filter."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from app.transactions.service import TransactionFilter


def transaction_filter(
    date_from: Annotated[date | None, Query(alias="from", description="On or after")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="On or before")] = None,
    department_id: int | None = None,
    vendor_id: int | None = None,
    connection_id: int | None = None,
    is_software: bool | None = None,
    outside_it: bool | None = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    channel: Annotated[str | None, Query(pattern="^(card|reimbursement|invoice)$")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Descriptor, merchant or memo contains")
    ] = None,
    include_duplicates: Annotated[
        bool, Query(description="Also list rows recognised as another source's duplicate")
    ] = False,
    kind: Annotated[
        str,
        Query(
            pattern="^(purchase|payment|transfer|interest|balance|all)$",
            description="purchase (spend, refunds included; the default), a kind kept out "
            "of spend (payment: a card's bill paid; transfer between own accounts; interest; "
            "balance lines), or all",
        ),
    ] = "purchase",
) -> TransactionFilter:
    return TransactionFilter(
        date_from=date_from,
        date_to=date_to,
        department_id=department_id,
        vendor_id=vendor_id,
        connection_id=connection_id,
        is_software=is_software,
        outside_it=outside_it,
        category=category,
        channel=channel,
        q=q,
        include_duplicates=include_duplicates,
        kind=None if kind == "all" else kind,
    )


FilterDep = Annotated[TransactionFilter, Depends(transaction_filter)]
