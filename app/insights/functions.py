"""The job each vendor is bought for: its *function* (CRM, video meetings, code hosting, ...).

Data, not code: ``data/functions.csv`` lists the functions (code, label, the category they sit
under) and ``data/vendor_functions.csv`` gives a vendor's function by its catalog slug, each
row with its source. Only tools of the same function are alternatives to each other: Gong and
Salesforce are both sales tools, but one records calls and the other is the CRM.

A vendor the file does not name (a slug the catalog added or renamed since) has no function
and is never grouped with anything: redundancy and the sanctioned-overlap signal then say
nothing rather than guess from the category. Loaded once per process.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Function:
    code: str
    label: str
    category: str


@lru_cache(maxsize=1)
def functions() -> dict[str, Function]:
    with (_DATA / "functions.csv").open(newline="", encoding="utf-8") as fh:
        return {
            row["function"]: Function(row["function"], row["label"], row["category"])
            for row in csv.DictReader(fh)
        }


@lru_cache(maxsize=1)
def vendor_functions() -> dict[str, str]:
    """Vendor slug -> function code (rows naming an unknown function are skipped)."""
    known = functions()
    with (_DATA / "vendor_functions.csv").open(newline="", encoding="utf-8") as fh:
        return {
            row["slug"]: row["function"] for row in csv.DictReader(fh) if row["function"] in known
        }


def of(slug: str | None) -> Function | None:
    """The vendor's function, or None when the data does not know the slug."""
    if not slug:
        return None
    code = vendor_functions().get(slug)
    return functions()[code] if code is not None else None


def slugs_of(codes: set[str]) -> set[str]:
    """Every vendor slug whose function is one of ``codes``."""
    return {slug for slug, code in vendor_functions().items() if code in codes}
