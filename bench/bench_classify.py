"""Classifier throughput, side by side with brute-force rapidfuzz over all catalog names.

    .venv/bin/python bench/bench_classify.py [--n 20000] [--repeat 5] [--sweep]

Prints:
- catalog load time, and the time to build a classifier on it (word lists, gazetteer,
  fuzzy blocks; loaded once per process);
- cold throughput: N unique synthetic descriptors (bank shapes around catalog vendors,
  ordinary merchants and noise) through a fresh classifier's batch path; with ``--repeat K``
  also the same cold measurement in K fresh processes (median, min, max), which says more on
  a shared machine than one run;
- warm throughput: the same descriptors again (cache hits), batch path;
- brute force: rapidfuzz ``process.extractOne`` (WRatio, on normalised text) over every
  catalog name for a sample, its throughput, and where it disagrees with the classifier;
- with ``--sweep``: software precision/recall on the labelled sets for several fuzzy cutoffs
  and margins (how the thresholds in classifiers/classifier.py were chosen).

Figures are printed, never asserted: timing belongs here, not in tests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from classifiers import Catalog, Classifier, evaluate, normalise  # noqa: E402
from classifiers import classifier as classifier_module  # noqa: E402
from classifiers.catalog import Catalog as _Catalog  # noqa: E402

MERCHANTS = [
    "STARBUCKS",
    "CHIPOTLE",
    "SHELL OIL",
    "WHOLEFDS",
    "TRADER JOE S",
    "WALGREENS",
    "CVS PHARMACY",
    "MARRIOTT",
    "HILTON",
    "DELTA AIR",
    "UNITED",
    "HERTZ",
    "AVIS",
    "PANERA BREAD",
    "DUNKIN",
    "KROGER",
    "SAFEWAY",
    "HOME DEPOT",
    "LOWES",
    "BEST BUY",
    "TARGET",
    "COSTCO WHSE",
    "7-ELEVEN",
]
CITIES = ["SAN FRANCISCO CA", "NEW YORK NY", "AUSTIN TX", "SEATTLE WA", "LONDON", "DUBLIN IE"]
PREFIXES = ["", "", "", "SQ *", "TST* ", "PAYPAL *", "PP*", "SP "]


def synth(catalog: Catalog, n: int, seed: int = 1) -> list[tuple[str, str | None, str | None]]:
    """N unique descriptors in common statement shapes (not the labelled rows)."""
    rng = random.Random(seed)
    names = [v.name.upper() for v in catalog.vendors]
    out: set[str] = set()
    while len(out) < n:
        r = rng.random()
        base = rng.choice(names) if r < 0.5 else rng.choice(MERCHANTS)
        if r > 0.9:
            base = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ ") for _ in range(14)).strip()
        shape = rng.randrange(4)
        num = rng.randrange(10**6, 10**7)
        if shape == 0:
            d = f"{rng.choice(PREFIXES)}{base} {rng.randrange(100, 999)}-{num} {rng.choice(CITIES)}"
        elif shape == 1:
            d = (
                f"PURCHASE AUTHORIZED ON {rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d} "
                f"{base} {rng.choice(CITIES)} S{num}{num} CARD {rng.randrange(1000, 9999)}"
            )
        elif shape == 2:
            d = f"{base} #{num % 10000} {rng.choice(CITIES)}"
        else:
            d = f"{base}*{num:X} {rng.choice(CITIES)}"
        out.add(d)
    return [(d, None, None) for d in sorted(out)]


def bench(n: int) -> None:
    t0 = time.perf_counter()
    catalog = _Catalog._load_packaged()
    t_load = time.perf_counter() - t0
    print(f"catalog: {len(catalog)} vendors loaded in {t_load * 1000:.0f} ms")
    items = synth(catalog, n)
    distinct = len({normalise(d) for d, _, _ in items})
    print(f"synthetic set: {n} unique raw descriptors, {distinct} distinct normalised forms")

    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)")
    t0 = time.perf_counter()
    clf = Classifier(catalog)
    t_ready = time.perf_counter() - t0
    print(f"classifier built in {t_ready * 1000:.0f} ms (word lists and gazetteer, first one only)")
    clf.classify("warm up the regexes")
    clf.clear_cache()
    t0, c0 = time.perf_counter(), time.process_time()
    cold = clf.classify_many(items)
    t_cold, c_cold = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"cold: {n} unique descriptors in {t_cold:.3f} s = {n / t_cold:,.0f}/s wall, "
        f"{n / c_cold:,.0f}/s per CPU-second"
    )
    seen: set[str] = set()
    distinct = []
    for item in items:
        key = normalise(item[0])
        if key not in seen:
            seen.add(key)
            distinct.append(item)
    fresh = Classifier(catalog)
    t0, c0 = time.perf_counter(), time.process_time()
    fresh.classify_many(distinct)
    t_d, c_d = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"cold, every normalised form distinct (no cache help): {len(distinct)} in {t_d:.3f} s"
        f" = {len(distinct) / t_d:,.0f}/s wall, {len(distinct) / c_d:,.0f}/s per CPU-second"
    )

    reps = 5
    t0 = time.perf_counter()
    for _ in range(reps):
        clf.classify_many(items)
    t_warm = time.perf_counter() - t0
    print(f"warm (repeats, cached): {n * reps} in {t_warm:.3f} s = {n * reps / t_warm:,.0f}/s")

    t0 = time.perf_counter()
    for d, _, _ in items[: min(n, 5000)]:
        clf.classify(d)
    t_one = time.perf_counter() - t0
    print(f"warm single calls: {min(n, 5000) / t_one:,.0f}/s")

    # Brute force: every catalog name, WRatio, best match above a cutoff.
    choices = {v.slug: v.name.upper() for v in catalog.vendors}
    picked = sorted(random.Random(5).sample(range(n), min(n, 1000)))
    sample = [items[i] for i in picked]
    cold_sample = [cold[i] for i in picked]
    t0 = time.perf_counter()
    brute = [
        process.extractOne(normalise(d), choices, scorer=fuzz.WRatio, score_cutoff=90)
        for d, _, _ in sample
    ]
    t_brute = time.perf_counter() - t0
    print(
        f"brute-force rapidfuzz (WRatio over {len(choices)} names): "
        f"{len(sample) / t_brute:,.0f}/s on {len(sample)} descriptors"
    )
    disagree = 0
    shown = 0
    for (d, _, _), mine, b in zip(sample, cold_sample, brute, strict=True):
        b_slug = b[2] if b else None
        m_slug = mine.vendor_slug
        if b_slug != m_slug:
            disagree += 1
            if shown < 15:
                shown += 1
                print(
                    f"  differs: {d!r}: engine={m_slug} ({mine.matched_by}) brute={b_slug}"
                    f"{f' ({b[1]:.0f})' if b else ''}"
                )
    print(f"disagreements: {disagree}/{len(sample)}")


def cold_once(n: int) -> float:
    """One cold pass in this (fresh) process: unique descriptors per CPU-second."""
    catalog = _Catalog._load_packaged()
    items = synth(catalog, n)
    clf = Classifier(catalog)
    clf.classify("warm up the regexes")
    clf.clear_cache()
    c0 = time.process_time()
    clf.classify_many(items)
    return n / (time.process_time() - c0)


def cold_repeated(n: int, repeat: int) -> None:
    """The cold pass in ``repeat`` fresh processes, one after the other."""
    figures = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--n", str(n), "--cold-once"],
            check=True,
            capture_output=True,
            text=True,
        )
        figures.append(float(out.stdout.strip()))
    print(
        f"cold in {repeat} fresh processes: median {statistics.median(figures):,.0f}/s per "
        f"CPU-second (min {min(figures):,.0f}, max {max(figures):,.0f})"
    )


def typo_probe(seed: int = 3, n: int = 300) -> list[tuple[str, str]]:
    """One-edit typos (drop, swap, double a letter) of curated vendor names of 7+ letters,
    in a card-statement shape: measures what the fuzzy stage recovers."""
    rng = random.Random(seed)
    cat = Catalog.builtin()
    names = sorted(
        (v.name.upper(), v.slug)
        for v in cat.vendors
        if cat.is_curated(v.slug) and v.is_software and len(v.name) >= 7 and v.name.isalpha()
    )
    out: list[tuple[str, str]] = []
    for name, slug in rng.sample(names, min(n, len(names))):
        i = rng.randrange(1, len(name) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            typo = name[:i] + name[i + 1 :]
        elif kind == 1:
            typo = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        else:
            typo = name[:i] + name[i] + name[i:]
        out.append((f"{typo} 800-555-0100 CA", slug))
    return out


def sweep() -> None:
    probe = typo_probe()
    paths = [ROOT / "tests" / "classifiers" / "data" / "labelled.csv"]
    dev = ROOT / ".." / "shared" / "data" / "descriptors-dev.csv"
    if dev.exists():
        paths.append(dev)
    for cutoff in (80.0, 84.0, 88.0, 92.0):
        for margin in (0.0, 4.0, 8.0):
            classifier_module.FUZZY_CUTOFF = cutoff
            classifier_module.FUZZY_MARGIN = margin
            figures = []
            for p in paths:
                r = evaluate(p, Classifier())
                figures.append(
                    f"{p.name}: P={r.precision:.3f} R={r.recall:.3f} VA={r.vendor_accuracy:.3f}"
                )
            clf = Classifier()
            hit = sum(clf.classify(d).vendor_slug == slug for d, slug in probe)
            figures.append(f"typos recovered {hit}/{len(probe)}")
            print(f"cutoff={cutoff:.0f} margin={margin:.0f}  " + "  ".join(figures))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--repeat", type=int, default=0, help="cold runs in fresh processes")
    parser.add_argument("--cold-once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_once:
        print(f"{cold_once(args.n):.0f}")
        return 0
    bench(args.n)
    if args.repeat:
        cold_repeated(args.n, args.repeat)
    if args.sweep:
        sweep()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
