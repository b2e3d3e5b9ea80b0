"""The covering index the spend feed reads (created by migration 0004).

Declared here, on the ``transactions`` table's metadata, so the models and the migrations
agree while the index belongs to the feed; it can move into ``Transaction.__table_args__``
(then delete this module). Column order matters: it is the feed's inner GROUP BY order (see
:func:`app.feeds.service.feed_statement`), after the two columns every default filter pins
(``duplicate_of_id IS NULL AND removed_at IS NULL``).
"""

from __future__ import annotations

from sqlalchemy import Index

import app.models  # noqa: F401  (registers the transactions table)
from app.db import metadata

FEED_INDEX_NAME = "ix_transactions_feed"
FEED_INDEX_COLUMNS: tuple[str, ...] = (
    "duplicate_of_id",
    "removed_at",
    "transaction_date",
    "department_id",
    "is_software",
    "outside_it",
    "reporting_currency",
    "vendor_id",
    "category",
    "reporting_amount_minor",
    "updated_at",
)


def _declare() -> Index:
    table = metadata.tables["transactions"]
    for index in table.indexes:
        if index.name == FEED_INDEX_NAME:
            return index
    return Index(FEED_INDEX_NAME, *(table.c[name] for name in FEED_INDEX_COLUMNS))


FEED_INDEX = _declare()
