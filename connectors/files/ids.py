"""Stable external ids for statement rows: one rule for numbering repeats within a file."""

from __future__ import annotations


class RepeatNumbering:
    """Numbers repeated keys in order of appearance: ``key``, ``key#2``, ``key#3``...

    Identical rows of one file are separate charges, and a re-import of the same file meets
    them in the same order, so the ids stay the same.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, key: str) -> str:
        n = self._seen.get(key, 0) + 1
        self._seen[key] = n
        return key if n == 1 else f"{key}#{n}"
