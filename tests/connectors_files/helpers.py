"""Small helpers the format tests share: sloppy variants are made by swapping text."""

from __future__ import annotations

from collections.abc import Callable

from connectors.base import RawTransaction
from connectors.files import parse_file


def swap(old: str, new: str) -> Callable[[str], str]:
    """A change that replaces the first ``old`` by ``new`` (and fails if ``old`` is absent, so
    a variant cannot silently test the unchanged file)."""

    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return change


def rows_of(text: str | bytes, **kwargs: object) -> list[RawTransaction]:
    data = text.encode() if isinstance(text, str) else text
    return list(parse_file(data, **kwargs).rows)  # type: ignore[arg-type]
