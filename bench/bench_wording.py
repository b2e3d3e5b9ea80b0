"""What learning a source's bank wording costs, and what it changes (app.classification.wording).

    .venv/bin/python bench/bench_wording.py [--rows 5000]

Builds one made-up bank's statement: every merchant (catalog vendors by their own names, and
made-up ordinary shops) wrapped in that bank's own words with a reference. Prints the CPU
seconds of learning the wording from ``--rows`` distinct descriptors (what every import and
sync pays once, before classifying), the words learned, and how many of the wrapped catalog
vendors a fresh classifier names without the wording and with it.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.classification import wording  # noqa: E402
from classifiers import Catalog, Classifier  # noqa: E402

WRAP = "QORVEL BRUNDAK {merchant} TREMVOST {ref}"
# Made-up local merchants: no word of theirs is on a fifth of the rows, as on a real card.
FIRST = ("FRESH", "CITY", "HARBOR", "CORNER", "TOWN", "OAK", "RIVER", "SUNNY", "MAPLE", "BAY")
SECOND = ("MARKET", "PARKING", "DINER", "HARDWARE", "BAKERY", "FLORIST", "GARAGE", "DELI")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=wording.SAMPLE)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    catalog = Catalog.builtin()
    vendors = [v for v in catalog.vendors if v.is_software]
    rows = []
    for i in range(args.rows):
        merchant = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.randint(1, 999)}"
        rows.append(WRAP.format(merchant=merchant, ref=10_000_000 + i * 7919))
    wrapped = rng.sample(vendors, min(1000, len(vendors)))
    probes = [
        WRAP.format(merchant=v.name.upper(), ref=99_000_000 + i) for i, v in enumerate(wrapped)
    ]

    start = time.process_time()
    learned = wording.learn_from(rows, catalog)
    cpu = time.process_time() - start
    print(f"learn the wording of {len(rows):,} distinct descriptors: {cpu:.3f} CPU s")
    print(f"words learned: {', '.join(sorted(learned)) or '(none)'}")

    classifier = Classifier(catalog)
    without = classifier.classify_many((p, None, None) for p in probes)
    with_it = classifier.classify_many(((p, None, None) for p in probes), boilerplate=learned)
    found = [
        sum(a.vendor_slug == v.slug for a, v in zip(answers, wrapped, strict=True))
        for answers in (without, with_it)
    ]
    print(
        f"{len(wrapped)} catalog vendors wrapped in the bank's words, named right: "
        f"{found[0]} without the wording, {found[1]} with it"
    )


if __name__ == "__main__":
    main()
