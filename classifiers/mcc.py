"""Merchant category codes (ISO 18245) as software evidence.

Tiers (see :func:`mcc_tier`):

- ``strong``: the code itself says software or digital goods (5734 computer software stores,
  5817/5818 digital goods, 7372 programming/data processing, 7379 computer services, 4816
  computer network/information services, 5045 computers and software wholesale).
- ``info``: information and telecom (7375 information retrieval, 4812-4815 telecom,
  4821 telegraph, 4899 cable/other pay TV): software only with another hint (memo keyword).
- ``catch_all``: 7399 business services, 7311 advertising, 5969 direct marketing, 5999
  miscellaneous retail, 8999 professional services: carry no weight alone; a catalog match
  is needed.
- ``other``: any other valid code: an ordinary merchant category (evidence against a fuzzy
  guess). ``None``: missing or invalid code.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import iso18245

Tier = Literal["strong", "info", "catch_all", "other"]

STRONG = frozenset({"5734", "5817", "5818", "7372", "7379", "4816", "5045"})
INFO = frozenset({"7375", "4812", "4813", "4814", "4815", "4821", "4899"})
CATCH_ALL = frozenset({"7399", "7311", "5969", "5999", "8999"})


def clean_mcc(mcc: object) -> str | None:
    """Return a 4-digit MCC string, or None for missing/garbage input (never raises)."""
    if mcc is None:
        return None
    text = str(mcc).strip()
    if text.endswith(".0"):  # spreadsheets turn 7372 into 7372.0
        text = text[:-2]
    if not text.isdigit() or len(text) > 4:
        return None
    return text.zfill(4)


@lru_cache(maxsize=4096)
def mcc_tier(mcc: str | None) -> Tier | None:
    """The evidence tier of a cleaned MCC, or None when missing or unknown to ISO 18245."""
    if mcc is None:
        return None
    if mcc in STRONG:
        return "strong"
    if mcc in INFO:
        return "info"
    if mcc in CATCH_ALL:
        return "catch_all"
    try:
        iso18245.get_mcc(mcc)
    except Exception:  # the package raises its own MCCNotFound/InvalidMCC: unknown code
        return None
    return "other"


@lru_cache(maxsize=4096)
def mcc_label(mcc: str) -> str:
    """A short human description of an MCC for explanations ("" when unknown)."""
    try:
        info = iso18245.get_mcc(mcc)
    except Exception:
        return ""
    return str(info.iso_description or info.visa_description or info.usda_description or "")
