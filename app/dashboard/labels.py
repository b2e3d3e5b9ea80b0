"""Readable words for the codes the database stores: categories ("Cloud infrastructure", not
``cloud_infrastructure``), a vendor's function, statuses, registration matches and periods.

Data, not code: ``data/categories.csv`` names every taxonomy category and ``data/labels.csv``
the other codes, each row with its source; functions come from the insights' own file
(:mod:`app.insights.functions`). A code the files do not know is shown as itself with its
underscores turned to spaces, never hidden. Loaded once per process.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from app.insights import functions as functions_data

_DATA = Path(__file__).resolve().parent / "data"
UNCATEGORISED = "Uncategorised"


@lru_cache(maxsize=1)
def categories() -> dict[str, str]:
    """Category slug -> label, in the file's order (the order the filters offer them in)."""
    with (_DATA / "categories.csv").open(newline="", encoding="utf-8") as fh:
        return {row["category"]: row["label"] for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _labels() -> dict[tuple[str, str], str]:
    with (_DATA / "labels.csv").open(newline="", encoding="utf-8") as fh:
        return {(row["kind"], row["code"]): row["label"] for row in csv.DictReader(fh)}


def _as_words(code: str) -> str:
    return code.replace("_", " ")


def category(slug: str | None) -> str:
    if not slug:
        return UNCATEGORISED
    return categories().get(slug) or _as_words(slug)


def function(vendor_slug: str | None) -> str | None:
    """What the vendor is bought for ("Video meetings"), or None when the data does not say."""
    found = functions_data.of(vendor_slug)
    return found.label[:1].upper() + found.label[1:] if found else None


def label(kind: str, code: str | None) -> str:
    """A stored code of ``kind`` (status, match, period, inventory) in words."""
    if not code:
        return "—"
    return _labels().get((kind, code)) or _as_words(code)
