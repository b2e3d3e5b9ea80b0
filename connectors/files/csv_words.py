"""The words a CSV without a preset is read by, loaded once from ``data/csv_headers.json``:
header names per field (several languages), debit/credit indicator values, and the phrases of
totals and balance lines. See the data file's ``_about`` for what each list holds."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

from connectors.files.money import is_currency

Direction = Literal["debit", "credit"]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("connectors.files").joinpath("data/csv_headers.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def fold(text: str) -> str:
    """``text`` lower-cased with accents dropped (``Libellé`` -> ``libelle``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def common_headers() -> dict[str, tuple[str, ...]]:
    """Header names per mapping field, best first."""
    return {name: tuple(headers) for name, headers in _data()["fields"].items()}


@cache
def _directions() -> dict[str, Direction]:
    words = _data()["direction_words"]
    table: dict[str, Direction] = dict.fromkeys(words["debit"], "debit")
    table.update(dict.fromkeys(words["credit"], "credit"))
    return table


def direction_of(text: str) -> Direction | None:
    """What a debit/credit indicator cell says (``DR``, ``Af``, ``Haben``, ``+``...), or
    ``None`` when it is not one."""
    return _directions().get(fold(text.strip()).rstrip("."))


_MARKED = re.compile(
    r"^\s*(?:(CR|DR)(?![A-Z])\.?\s*(.+?)|(.+?)\s*(?<![A-Z])(CR|DR)\.?)\s*$", re.IGNORECASE
)


def split_marker(text: str) -> tuple[str, Direction | None]:
    """An amount cell with ``CR``/``DR`` written before or after the number (``12.34 CR``,
    ``DR 5.00``): the number and what the marker says; ``(text, None)`` otherwise."""
    match = _MARKED.match(text)
    if match is None:
        return text, None
    number = match.group(2) or match.group(3)
    marker = (match.group(1) or match.group(4)).lower()
    if not any(c.isdigit() for c in number):
        return text, None
    return number, "credit" if marker == "cr" else "debit"


_NOT_WORDS = re.compile(r"[^\w\s]|\d|_")


@cache
def _totals() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    data = _data()
    phrases = frozenset(data["totals_phrases"])
    first_words = frozenset(p.split()[0] for p in phrases)
    return phrases, frozenset(data["totals_connectors"]), first_words


def could_be_totals(text: str) -> bool:
    """A cheap first test for :func:`is_totals_cell` (the first word only), for hot loops."""
    head = text.lstrip()[:24].split(None, 1)
    return bool(head) and _starts_a_phrase(head[0])


@lru_cache(maxsize=4096)
def _starts_a_phrase(word: str) -> bool:
    return fold(word).rstrip(":") in _totals()[2]


def is_totals_cell(text: str, *, label_first: bool = False) -> bool:
    """Whether a cell is a totals or balance label (``Total``, ``Summe``, ``Kontostand am
    31.12.2024``, ``Solde au 31/01``): the phrase, give or take dates, amounts, punctuation
    and a connecting word. A merchant that merely starts with such a word is not one.

    With ``label_first`` (a cell where a date belongs), the phrase may be followed by more
    words (``Subtotal A SMITH``): a date cell that starts with a totals word is a label.
    """
    if not text or len(text) > 60:
        return False
    phrases, connectors, _ = _totals()
    words = _NOT_WORDS.sub(" ", fold(text)).split()
    if label_first:
        return any(" ".join(words[:n]) in phrases for n in range(1, min(len(words), 4) + 1))
    while words and (words[-1] in connectors or is_currency(words[-1].upper())):
        words.pop()
    return bool(words) and " ".join(words) in phrases
