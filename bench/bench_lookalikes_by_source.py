"""Look-alikes per catalog source: do the names a source brings collide with ordinary shops?

    .venv/bin/python bench/bench_lookalikes_by_source.py [--words-from CATALOG_JSON] [--n 400]

For every open source of the catalog, the first words of the software vendors that only this
source brings (``sources == [source]``) that a local business may really carry: ordinary
English words (the engine's common-word list) and very short words (four letters or fewer).
Each source's words are wrapped by :func:`classifiers.protocol.lookalike_rows` into made-up
ordinary merchants ("<POS prefix><WORD> <kind of business>" in bank layouts) and classified
with the packaged catalog; the share flagged as software is printed with a few examples.

``--words-from`` takes the words from another catalog file (by default the packaged one), so
that the same rows can be scored against an older catalog: copy the older catalog.json over
classifiers/data/catalog.json, run with ``--words-from`` the newer one, and compare.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers import Catalog, Classifier, protocol  # noqa: E402
from classifiers.tagging import is_common_word  # noqa: E402

PACKAGED = ROOT / "classifiers" / "data" / "catalog.json"


def words_by_source(path: Path) -> dict[str, list[str]]:
    vendors = json.loads(path.read_text(encoding="utf-8"))["vendors"]
    out: dict[str, set[str]] = {}
    for v in vendors:
        if not v["is_software"] or v["is_reseller"] or len(v["sources"]) != 1:
            continue
        first = v["name"].split()[0].upper()
        if first.isalpha() and (len(first) <= 4 or is_common_word(first)):
            out.setdefault(v["sources"][0], set()).add(first)
    return {s: sorted(ws) for s, ws in sorted(out.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words-from", type=Path, default=PACKAGED)
    parser.add_argument("--n", type=int, default=400, help="rows per source at most")
    args = parser.parse_args(argv)
    clf = Classifier(Catalog.builtin())
    print(f"catalog: {len(clf.catalog.vendors)} vendors; words from {args.words_from}")
    total = flagged = 0
    for source, words in words_by_source(args.words_from).items():
        rows = protocol.lookalike_rows(words, n=min(args.n, 10 * len(words)))
        la = protocol.lookalikes(clf, rows)
        total += la.rows
        flagged += la.flagged
        print(
            f"{source:18} {len(words):4} words, {la.rows:4} rows: "
            f"flagged as software {la.flagged / la.rows:.3f} ({la.flagged})"
        )
        for d, why in la.examples[:3]:
            print(f"    {d!r}: {why}")
    if total:
        print(f"all sources: {total} rows, flagged as software {flagged / total:.3f} ({flagged})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
