"""CSV in, CSV out: the library half of ``shadowspend classify IN.csv -o OUT.csv``.

The output repeats every input column (in order) and appends ``vendor`` (canonical name;
empty when none, and for brands recognised as not software such as Netflix, so that the
column names software vendors only), ``vendor_id`` (catalog slug, same rule), ``category``,
``is_software``
(``true``/``false``), ``confidence`` (0..1, three decimals) and ``matched_by``. An input
column with one of these names is overwritten in place rather than duplicated.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from classifiers.classifier import Classifier

OUTPUT_COLUMNS = ("vendor", "vendor_id", "category", "is_software", "confidence", "matched_by")
PROGRESS_EVERY = 500


class MissingColumnError(ValueError):
    """The input CSV has no ``descriptor`` column (the message names it)."""


def _reader(fin: TextIO, in_path: str | Path) -> csv.DictReader[str]:
    reader = csv.DictReader(fin)
    fields = list(reader.fieldnames or [])
    if "descriptor" not in fields:
        raise MissingColumnError(
            f"{in_path}: the input CSV needs a 'descriptor' column "
            f"(found: {', '.join(fields) or 'no header'})"
        )
    return reader


def read_descriptors(in_path: str | Path, limit: int) -> list[str]:
    """The first ``limit`` descriptors of ``in_path`` (read as :func:`classify_csv` reads it);
    raises :class:`MissingColumnError` as it does."""
    with Path(in_path).open(newline="", encoding="utf-8-sig", errors="replace") as fin:
        reader = _reader(fin, in_path)
        out: list[str] = []
        for row in reader:
            if len(out) >= limit:
                break
            out.append(row.get("descriptor") or "")
        return out


def classify_csv(
    in_path: str | Path,
    out_path: str | Path,
    *,
    classifier: Classifier | None = None,
    progress: Callable[[int], None] | None = None,
    boilerplate: frozenset[str] = frozenset(),
) -> int:
    """Classify every row of ``in_path`` into ``out_path``; return the number of data rows.

    ``boilerplate`` is the wording the rows' source repeats (:func:`classifiers.boilerplate.
    learn`), passed to every :meth:`Classifier.classify`.

    ``progress`` is called with the number of rows done so far (every 500 rows and at the
    end). The input is read as UTF-8 (a BOM is accepted; undecodable bytes are replaced).
    Raises :class:`MissingColumnError` when there is no ``descriptor`` column (nothing is
    written), ``FileNotFoundError`` when the input is missing."""
    clf = classifier if classifier is not None else Classifier()
    with Path(in_path).open(newline="", encoding="utf-8-sig", errors="replace") as fin:
        reader = _reader(fin, in_path)
        fields = list(reader.fieldnames or [])
        out_fields = fields + [c for c in OUTPUT_COLUMNS if c not in fields]
        n = 0
        with Path(out_path).open("w", newline="", encoding="utf-8") as fout:
            writer = csv.DictWriter(fout, fieldnames=out_fields, extrasaction="ignore")
            writer.writeheader()
            for row in reader:
                res = clf.classify(
                    row.get("descriptor") or "",
                    mcc=row.get("mcc") or None,
                    memo=row.get("memo") or None,
                    boilerplate=boilerplate,
                )
                row.update(
                    vendor=res.vendor_name if res.is_software and res.vendor_name else "",
                    vendor_id=res.vendor_slug if res.is_software and res.vendor_slug else "",
                    category=res.category or "",
                    is_software="true" if res.is_software else "false",
                    confidence=f"{res.confidence:.3f}",
                    matched_by=res.matched_by,
                )
                writer.writerow(row)
                n += 1
                if progress is not None and n % PROGRESS_EVERY == 0:
                    progress(n)
        if progress is not None:
            progress(n)
    return n
