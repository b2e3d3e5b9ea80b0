"""Which rows of a statement are not purchases: card payments, transfers between own accounts,
interest, balance lines (:class:`connectors.base.Kind`).

The rules are data (``data/kinds.json``): phrases a descriptor contains, limited to money in
or out and to card or bank statements where that matters (``PAYMENT RECEIVED`` is a card's
bill being paid only when money comes in on a card), and format codes that say the kind
outright (OFX ``TRNTYPE`` ``INT``, MT940 ``NINT``, QIF ``L[account]``...). A refund stays a
purchase (a negative one): no rule names merchants.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from connectors.base import Channel, Kind, RawTransaction


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: Kind
    pattern: re.Pattern[str]
    direction: str | None  # "credit" (money in), "debit" (money out) or None
    channel: str | None  # "card", "bank" or None

    def applies(self, text: str, amount_minor: int, channel: Channel) -> bool:
        if self.direction == "credit" and amount_minor >= 0:
            return False
        if self.direction == "debit" and amount_minor <= 0:
            return False
        if self.channel == "card" and channel is not Channel.CARD:
            return False
        if self.channel == "bank" and channel is Channel.CARD:
            return False
        return self.pattern.search(text) is not None


@cache
def _data() -> dict[str, Any]:
    text = resources.files("connectors.files").joinpath("data/kinds.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _rules() -> tuple[_Rule, ...]:
    rules = []
    for rule in _data()["rules"]:
        words = sorted(rule["words"], key=len, reverse=True)
        alternatives = "|".join(re.escape(w) for w in words)
        rules.append(
            _Rule(
                kind=Kind(rule["kind"]),
                pattern=re.compile(rf"(?<![A-Z0-9])(?:{alternatives})(?![A-Z0-9])"),
                direction=rule.get("direction"),
                channel=rule.get("channel"),
            )
        )
    return tuple(rules)


def code_kind(table: str, code: str | None) -> Kind | None:
    """The kind a format's own code says (``table`` as in ``data/kinds.json`` ``codes``)."""
    if not code:
        return None
    key = " ".join(code.lower().split()) if table == "csv_type_values" else code.strip().upper()
    value = _data()["codes"][table].get(key)
    return Kind(value) if value else None


def words_kind(table: str, text: str | None) -> Kind | None:
    """The kind of the first entry of ``table`` whose words ``text`` contains."""
    if not text:
        return None
    upper = text.upper()
    for words, kind in _data()["codes"][table].items():
        if words in upper:
            return Kind(kind)
    return None


_SEEN: dict[tuple[str, int, bool], Kind] = {}


def is_balance_line(descriptor: str) -> bool:
    """Whether a description says the row is a statement's balance, not a movement."""
    return kind_of(descriptor, 0, Channel.INVOICE) is Kind.BALANCE


def with_kind(row: RawTransaction) -> RawTransaction:
    """``row`` with the kind its descriptor and memo say, when it is still a purchase."""
    if row.kind is not Kind.PURCHASE:
        return row
    text = f"{row.descriptor} | {row.memo}" if row.memo else row.descriptor
    kind = kind_of(text, row.amount_minor, row.channel)
    return row if kind is Kind.PURCHASE else replace(row, kind=kind)


def kind_of(descriptor: str, amount_minor: int, channel: Channel) -> Kind:
    """The kind the descriptor rules give a row (:attr:`Kind.PURCHASE` when none applies)."""
    key = (descriptor, (amount_minor > 0) - (amount_minor < 0), channel is Channel.CARD)
    hit = _SEEN.get(key)
    if hit is not None:
        return hit
    text = " ".join(descriptor.upper().split())
    kind = Kind.PURCHASE
    for rule in _rules():
        if rule.applies(text, amount_minor, channel):
            kind = rule.kind
            break
    if len(_SEEN) > 100_000:
        _SEEN.clear()
    _SEEN[key] = kind
    return kind
