"""Golden answers: record every field of the classifier's answers on a large fixed set, and
diff a later engine against the record.

    .venv/bin/python bench/golden_classify.py --write /tmp/golden.jsonl   # before a change
    .venv/bin/python bench/golden_classify.py --check /tmp/golden.jsonl   # after it

Speed work must not change answers. The set is:

- ``bench``: the synthetic corpus of ``bench/bench_classify.py`` (bank shapes around catalog
  vendors, ordinary merchants, noise);
- ``transfer`` and ``lookalike``: the rows the evaluation protocol generates
  (:mod:`classifiers.protocol`: every labelled vendor in each made-up bank layout, the
  made-up look-alike merchants), captured by a recording classifier so that they are exactly
  the protocol's own;
- ``labelled`` (+ ``dev`` when ``../shared`` is present): the labelled rows with their MCC and
  memo, once plainly, once with the wording their source repeats
  (:func:`classifiers.boilerplate.learn`) and once with a provider merchant name;
- ``derivable``: the labelled rows again on the derivable-only catalog (another catalog, so
  the indexes built at catalog load are exercised twice).

Every answer is also checked three ways on fresh classifiers: one by one, as a batch
(``classify_many``), and one by one in reverse order (the caches must not make an answer
depend on what was classified before). The record holds descriptors from ``../shared``:
write it outside the repository (the default is in the system's temporary directory).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_classify import synth  # noqa: E402

from classifiers import Catalog, Classification, Classifier, boilerplate, protocol  # noqa: E402

Item = tuple[str, str | None, str | None, str | None, frozenset[str]]
"""descriptor, mcc, memo, merchant_name, boilerplate"""

DEFAULT_PATH = Path(tempfile.gettempdir()) / "shadowspend-golden.jsonl"


class _Recorder(Classifier):
    """A classifier that remembers what the protocol asked it, to replay it later."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[Item] = []

    def classify(
        self,
        descriptor: str,
        *,
        mcc: str | None = None,
        memo: str | None = None,
        merchant_name: str | None = None,
        boilerplate: frozenset[str] = frozenset(),
    ) -> Classification:
        self.asked.append((descriptor, mcc, memo, merchant_name, boilerplate))
        return super().classify(
            descriptor, mcc=mcc, memo=memo, merchant_name=merchant_name, boilerplate=boilerplate
        )


def _labelled_paths() -> list[Path]:
    paths = [ROOT / "tests" / "classifiers" / "data" / "labelled.csv"]
    dev = ROOT.parent / "shared" / "data" / "descriptors-dev.csv"
    if dev.exists():
        paths.append(dev)
    return paths


def corpus(n: int) -> dict[str, list[Item]]:
    """The named sets (see the module docstring), in a fixed order."""
    catalog = Catalog.builtin()
    sets: dict[str, list[Item]] = {
        "bench": [(d, m, memo, None, frozenset()) for d, m, memo in synth(catalog, n)]
    }
    rows: list[protocol.Row] = []
    for p in _labelled_paths():
        rows += protocol.read_rows(p)
    rec = _Recorder()
    labels = sorted({r.label for r in rows if r.software and r.label})
    vendors = [v for v in (catalog.lookup_name(x) for x in labels) if v is not None]
    vendors = sorted(
        {v.slug: v for v in vendors if not v.is_reseller}.values(), key=lambda v: v.slug
    )
    protocol.template_transfer(rec, vendors)
    sets["transfer"], rec.asked = rec.asked, []
    brands = protocol.brand_words(catalog, labels)
    protocol.lookalikes(rec, protocol.lookalike_rows(brands))
    protocol.lookalikes(rec, protocol.lookalike_rows(brands[1::2], n=200, seed=3))
    sets["lookalike"] = rec.asked

    by_source: dict[str, list[protocol.Row]] = {}
    for r in rows:
        by_source.setdefault(r.source, []).append(r)
    plain: list[Item] = []
    learned: list[Item] = []
    named: list[Item] = []
    for group in by_source.values():
        words = boilerplate.learn([r.descriptor for r in group])
        # A source too small to learn from still gets words: the most frequent ones, so
        # that the boilerplate path is exercised on every set.
        if not words:
            counts = Counter(w for r in group for w in r.descriptor.upper().split())
            words = frozenset(w for w, _ in counts.most_common(3) if w.isalpha())
        for r in group:
            plain.append((r.descriptor, r.mcc, r.memo, None, frozenset()))
            learned.append((r.descriptor, r.mcc, r.memo, None, words))
            name = " ".join(r.descriptor.split()[:2]) or None
            named.append((r.descriptor, r.mcc, r.memo, name, frozenset()))
    sets["labelled"] = plain
    sets["labelled+boilerplate"] = learned
    sets["labelled+merchant_name"] = named
    sets["derivable"] = plain
    return sets


def _fields(c: Classification) -> dict[str, Any]:
    return dataclasses.asdict(c)


def _single(clf: Classifier, items: Sequence[Item]) -> list[Classification]:
    return [
        clf.classify(d, mcc=m, memo=memo, merchant_name=name, boilerplate=bp)
        for d, m, memo, name, bp in items
    ]


def _batch(clf: Classifier, items: Sequence[Item]) -> list[Classification]:
    """``classify_many`` for the items it takes (no merchant name), one batch per
    boilerplate set; single calls for the rest."""
    out: list[Classification | None] = [None] * len(items)
    groups: dict[frozenset[str], list[int]] = {}
    for i, (d, m, memo, name, bp) in enumerate(items):
        if name is None:
            groups.setdefault(bp, []).append(i)
        else:
            out[i] = clf.classify(d, mcc=m, memo=memo, merchant_name=name, boilerplate=bp)
    for bp, idx in groups.items():
        answers = clf.classify_many([(items[i][0], items[i][1], items[i][2]) for i in idx], bp)
        for i, a in zip(idx, answers, strict=True):
            out[i] = a
    return [a for a in out if a is not None]


def answers(n: int) -> tuple[list[dict[str, Any]], list[str], float]:
    """Every item's answer, the batch/single/order disagreements, the CPU seconds spent."""
    sets = corpus(n)
    full = Catalog.builtin()
    derivable = protocol.derivable_only(full)
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    cpu = 0.0
    for name, items in sets.items():
        catalog = derivable if name == "derivable" else full
        c0 = time.process_time()
        single = _single(Classifier(catalog), items)
        cpu += time.process_time() - c0
        batch = _batch(Classifier(catalog), items)
        backwards = list(reversed(_single(Classifier(catalog), list(reversed(items)))))
        for i, (item, a, b, r) in enumerate(zip(items, single, batch, backwards, strict=True)):
            if a != b:
                problems.append(f"{name}[{i}] batch differs from single: {item[0]!r}")
            if a != r:
                problems.append(f"{name}[{i}] depends on order: {item[0]!r}")
            records.append(
                {
                    "set": name,
                    "i": i,
                    "descriptor": item[0],
                    "mcc": item[1],
                    "memo": item[2],
                    "merchant_name": item[3],
                    "boilerplate": sorted(item[4]),
                    "answer": _fields(a),
                }
            )
    return records, problems, cpu


def _write(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, sort_keys=True) + "\n")


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


IMPORTANT = ("vendor_slug", "is_software", "category", "matched_by", "confidence")


def diff(old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]], show: int) -> int:
    """Print the differences; return how many answers differ in any field."""
    if len(old) != len(new):
        print(f"the record has {len(old)} answers, this run {len(new)}: the corpus changed")
    changed = Counter[str]()
    differing = 0
    shown = 0
    for a, b in zip(old, new, strict=False):
        if (a["set"], a["i"], a["descriptor"]) != (b["set"], b["i"], b["descriptor"]):
            print(f"corpus differs at {a['set']}[{a['i']}]: {a['descriptor']!r}")
            return max(len(old), len(new))
        fields = [k for k in a["answer"] if a["answer"][k] != b["answer"].get(k)]
        if not fields:
            continue
        differing += 1
        changed.update(fields)
        if shown < show:
            shown += 1
            print(f"{a['set']}[{a['i']}] {a['descriptor']!r}:")
            for k in fields:
                print(f"    {k}: {a['answer'][k]!r} -> {b['answer'].get(k)!r}")
    by_field = ", ".join(f"{k} {n}" for k, n in changed.most_common()) or "none"
    key = sum(changed[k] for k in IMPORTANT)
    print(
        f"answers differing from the record: {differing}/{len(new)} "
        f"(in vendor/software/category/method/confidence: {key}); fields changed: {by_field}"
    )
    return differing + abs(len(old) - len(new))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, nargs="?", const=DEFAULT_PATH)
    group.add_argument("--check", type=Path, nargs="?", const=DEFAULT_PATH)
    parser.add_argument("--n", type=int, default=20000, help="size of the synthetic set")
    parser.add_argument("--show", type=int, default=20, help="differences to print")
    args = parser.parse_args()
    records, problems, cpu = answers(args.n)
    per_set = Counter(r["set"] for r in records)
    print(
        f"{len(records)} answers ("
        + ", ".join(f"{k} {v}" for k, v in per_set.items())
        + f"); one-by-one pass {cpu:.1f} CPU-s"
    )
    for p in problems[: args.show]:
        print(p)
    print(f"batch/single/order disagreements: {len(problems)}")
    status = 1 if problems else 0
    if args.write is not None:
        _write(args.write, records)
        print(f"record written to {args.write}")
    elif args.check is not None:
        status |= 1 if diff(_read(args.check), records, args.show) else 0
    return status


if __name__ == "__main__":
    raise SystemExit(main())
