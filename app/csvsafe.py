"""CSV the service writes is safe to open in a spreadsheet: a cell that would start a formula
is written with a leading quote (OWASP's CSV-injection rule), so it is shown, never run.

A cell starts a formula when its first character is ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return. Plain numbers (``-149.90``, ``+1``) are left alone: a spreadsheet reads them
as numbers, and the output must still add up.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)")


def neutralise(text: str) -> str:
    """``text`` as a cell that cannot start a formula."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def copy_neutralised(source: Path, target: Path) -> None:
    """Copy the CSV ``source`` to ``target`` with every cell (header included) neutralised,
    keeping the dialect :mod:`csv` writes by default (UTF-8, CRLF)."""
    with (
        source.open(newline="", encoding="utf-8") as fin,
        target.open("w", newline="", encoding="utf-8") as fout,
    ):
        writer = csv.writer(fout)
        for row in csv.reader(fin):
            writer.writerow([neutralise(cell) for cell in row])
