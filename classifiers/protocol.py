"""The evaluation that cannot be memorised (``python -m classifiers.evaluate``).

In-sample scores on a labelled set say little: a catalog that holds strings copied from it
scores 1.000 there and nothing more elsewhere. This module measures instead:

1. **leave-one-source-out**: rows grouped by the export they come from (the ``source``
   column; a file without one is one group); for each group the acceptance threshold is
   chosen on the other groups only, then the held-out group is scored; figures are pooled;
2. **memorisation gap**: the same scores on a catalog keeping only strings derivable from a
   vendor's name or domain, or documented by the vendor (:func:`derivable_only`);
3. **template transfer**: every labelled vendor the catalog knows, wrapped in each made-up
   bank layout of ``data/bank_shapes.json``: the share that still names the vendor;
4. **look-alikes**: made-up ordinary merchants whose name is a software brand that is also an
   ordinary English word, followed by a kind of business, in the same layouts and behind
   point-of-sale prefixes: the share flagged as software;
5. **unknown vendors**: software rows whose vendor the catalog lacks, and how many of them
   long-tail discovery still calls software.

Everything is deterministic (seeded); nothing here is used at classification time.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from classifiers.catalog import Catalog
from classifiers.classifier import Classifier
from classifiers.models import Classification, Vendor
from classifiers.normalise import compact, key_of

THRESHOLDS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)


@dataclass(frozen=True, slots=True)
class Row:
    descriptor: str
    label: str
    software: bool
    source: str
    mcc: str | None = None
    memo: str | None = None


@dataclass(slots=True)
class Score:
    """Counts over rows; rates as properties."""

    rows: int = 0
    software_rows: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    vendor_ok: int = 0

    def add(self, row: Row, res: Classification, same_vendor: bool) -> None:
        self.rows += 1
        if row.software:
            self.software_rows += 1
            if res.is_software:
                self.tp += 1
                self.vendor_ok += same_vendor
            else:
                self.fn += 1
        elif res.is_software:
            self.fp += 1

    def merge(self, other: Score) -> None:
        for f in ("rows", "software_rows", "tp", "fp", "fn", "vendor_ok"):
            setattr(self, f, getattr(self, f) + getattr(other, f))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def vendor_accuracy(self) -> float:
        return self.vendor_ok / self.software_rows if self.software_rows else 1.0

    @property
    def false_software_rate(self) -> float:
        rest = self.rows - self.software_rows
        return self.fp / rest if rest else 0.0

    def line(self) -> str:
        return (
            f"P={self.precision:.3f} R={self.recall:.3f} vendor={self.vendor_accuracy:.3f} "
            f"false-software={self.false_software_rate:.3f} "
            f"(rows {self.rows}, software {self.software_rows})"
        )


def read_rows(path: Path) -> list[Row]:
    """Labelled rows; ``source`` defaults to the file's name."""
    with Path(path).open(newline="", encoding="utf-8") as fh:
        out: list[Row] = []
        for r in csv.DictReader(fh):
            src = (r.get("source") or "").strip() or path.name
            # One export is one group: the repository and file, not the line anchor.
            out.append(
                Row(
                    descriptor=r["descriptor"],
                    label=(r.get("label_vendor") or "").strip(),
                    software=(r.get("is_software") or "").strip().lower() in {"true", "1", "yes"},
                    source=src.split("#", 1)[0],
                    mcc=(r.get("mcc") or None),
                    memo=(r.get("memo") or None),
                )
            )
        return out


def default_paths() -> list[Path]:
    """The labelled sets that exist: the shared dev set (``../shared/data``), then our own
    labelled rows (``tests/classifiers/data/labelled.csv``)."""
    root = Path(__file__).resolve().parents[1]
    found = (
        root / ".." / "shared" / "data" / "descriptors-dev.csv",
        root / "tests" / "classifiers" / "data" / "labelled.csv",
    )
    return [p for p in found if p.exists()]


def failure_class(catalog: Catalog, row: Row, res: Classification) -> str:
    """The shape of a miss, for the report: what the engine would have needed."""
    if not row.software:
        v = catalog.get(res.vendor_slug) if res.vendor_slug else None
        if res.matched_by in ("product", "reseller"):
            return "false software: an intermediary's bucket or printed word"
        if res.matched_by == "discovered":
            return "false software: long-tail evidence on an ordinary merchant"
        if v is not None and v.name.split()[0].upper() in row.descriptor.upper():
            return "false software: look-alike (a software name in another business)"
        return "false software: other"
    label = catalog.lookup_name(row.label) if row.label else None
    if label is None:
        return "long tail: the vendor is not in the catalog"
    if res.vendor_slug and res.vendor_slug != label.slug:
        v = catalog.get(res.vendor_slug)
        if v is not None and not v.is_software:
            return "policy: a parent brand's non-software bucket won over the product"
        if v is not None and (v.is_reseller or v.role):
            return "intermediary: the bucket instead of the printed product"
        return "wrong vendor: another catalog vendor outranked it"
    if res.matched_by == "discovered":
        return "long tail: discovered as software, not named"
    if "closest: " + label.name in res.explanation:
        return "below threshold: found, but guards or position weigh it down"
    return "no key: an abbreviation or code no source documents"


def same_vendor(catalog: Catalog, label: str, res: Classification) -> bool:
    if not label:
        return True
    known = catalog.lookup_name(label)
    if known is not None:
        return known.slug == res.vendor_slug
    return bool(res.vendor_name) and compact(label) == compact(res.vendor_name or "")


def score_rows(clf: Classifier, rows: Iterable[Row]) -> Score:
    s = Score()
    for row in rows:
        res = clf.classify(row.descriptor, mcc=row.mcc, memo=row.memo)
        s.add(row, res, same_vendor(clf.catalog, row.label, res))
    return s


def with_threshold(clf: Classifier, accept: float) -> Classifier:
    out = Classifier(clf.catalog, clf.rules)
    out.weights = replace(clf.weights, accept=accept)
    return out


def objective(s: Score) -> float:
    """What a threshold is chosen for: precision first (a false finding costs a reviewer's
    time) up to 0.97, then recall, then the right vendor."""
    return min(s.precision, 0.97) * 10 + s.recall + s.vendor_accuracy


TUNING_SOURCE = "look-alikes (tuning)"


def tuning_rows(catalog: Catalog, rows: Sequence[Row]) -> list[Row]:
    """Made-up ordinary merchants that fitting and threshold choice see (other brand words
    and seed than the reported look-alike figure), so that neither can buy recall with
    ordinary merchants flagged as software."""
    brands = brand_words(catalog, [r.label for r in rows if r.software])
    return [Row(d, "", False, TUNING_SOURCE) for d in lookalike_rows(brands[1::2], n=200, seed=3)]


def leave_one_source_out(
    rows: Sequence[Row], make: Callable[[], Classifier]
) -> tuple[Score, dict[str, float]]:
    """Pooled scores with the threshold chosen on the other sources for each held-out one.

    The tuning folds also hold a look-alike set of their own (other brand words and seed
    than the reported look-alike figure), so that a threshold cannot buy recall with
    ordinary merchants flagged as software."""
    base = make()
    per_threshold = {t: with_threshold(base, t) for t in THRESHOLDS}
    rows = [*rows, *tuning_rows(base.catalog, rows)]
    # Score every row once per threshold, then choose per fold from the others' counts.
    by_source: dict[str, list[Row]] = {}
    for r in rows:
        by_source.setdefault(r.source, []).append(r)
    counts: dict[tuple[str, float], Score] = {}
    for t, clf in per_threshold.items():
        for src, group in by_source.items():
            counts[(src, t)] = score_rows(clf, group)
    pooled = Score()
    chosen: dict[str, float] = {}
    for src in by_source:
        if src == TUNING_SOURCE:
            continue
        best_t, best_obj = THRESHOLDS[0], -1.0
        for t in THRESHOLDS:
            others = Score()
            for other in by_source:
                if other != src:
                    others.merge(counts[(other, t)])
            obj = objective(others)
            if obj > best_obj:
                best_t, best_obj = t, obj
        chosen[src] = best_t
        pooled.merge(counts[(src, best_t)])
    return pooled, chosen


def derivable_only(catalog: Catalog) -> Catalog:
    """The catalog with only the strings derivable from each vendor's name or domain (or
    documented by the vendor, where the catalog records provenance): what is left when
    nothing remembered from statements is kept."""
    undocumented = getattr(catalog, "without_undocumented", None)
    if callable(undocumented):
        result = undocumented()
        if isinstance(result, Catalog):
            return result
    vendors: list[Vendor] = []
    for v in catalog.vendors:
        derived = {key_of(v.name), compact(v.name)}
        for d in v.domains:
            derived.add(compact(d))
            derived.add(compact(d.split(".")[0]))
        vendors.append(
            replace(
                v,
                aliases=tuple(a for a in v.aliases if key_of(a) in derived),
                descriptors=tuple(d for d in v.descriptors if key_of(d) in derived),
            )
        )
    curated = [v.slug for v in catalog.vendors if catalog.is_curated(v.slug)]
    return Catalog(vendors, curated=curated)


# -- synthetic layouts ---------------------------------------------------------------------
def _shapes() -> dict[str, Any]:
    raw = resources.files("classifiers").joinpath("data/bank_shapes.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def _fill(shape: str, name: str, rng: random.Random, data: dict[str, Any]) -> str:
    city = rng.choice(data["cities"])
    digits = "0123456789"
    mixed = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

    def num(n: int) -> str:
        return "".join(rng.choice(digits) for _ in range(n))

    def ref(n: int) -> str:
        return "".join(rng.choice(mixed) for _ in range(n - 2)) + num(2)

    values = {
        "NAME": name.upper(),
        "Name": name,
        "cut22": name.upper()[:22],
        "phone": num(10),
        "st": rng.choice(data["states"]),
        "cc": rng.choice(data["countries"]),
        "city": city,
        "City": city.capitalize(),
        "CITY": city,
        "mmdd": f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}",
        "ddmm": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}",
        "dd": f"{rng.randint(1, 28):02d}",
        "date": f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2{rng.randint(3, 6)}",
        "card4": num(4),
        "num2": num(2),
        "num5": num(5),
        "ref6": ref(6),
        "ref8": ref(8),
        "ref11": num(11),
        "ref15": num(15),
    }
    return shape.format(**values)


@dataclass(slots=True)
class Transfer:
    vendors: int = 0
    rows: int = 0
    named: int = 0
    software: int = 0
    survived_all: int = 0
    per_shape: dict[str, list[int]] = field(default_factory=dict)
    failures: list[tuple[str, str, str]] = field(default_factory=list)


def template_transfer(clf: Classifier, vendors: Sequence[Vendor], seed: int = 11) -> Transfer:
    """Each vendor in each layout: how often the vendor is still named."""
    data = _shapes()
    rng = random.Random(seed)
    out = Transfer(per_shape={s: [0, 0] for s in data["shapes"]})
    for v in vendors:
        out.vendors += 1
        ok_all = True
        for shape in data["shapes"]:
            d = _fill(shape, v.name, rng, data)
            res = clf.classify(d)
            out.rows += 1
            out.per_shape[shape][1] += 1
            if res.is_software == v.is_software:
                out.software += 1
            if res.vendor_slug == v.slug:
                out.named += 1
                out.per_shape[shape][0] += 1
            else:
                ok_all = False
                if len(out.failures) < 40:
                    out.failures.append((d, v.name, res.explanation))
        out.survived_all += ok_all
    return out


@dataclass(slots=True)
class Lookalikes:
    rows: int = 0
    flagged: int = 0
    examples: list[tuple[str, str]] = field(default_factory=list)


def lookalike_rows(brands: Sequence[str], n: int = 400, seed: int = 7) -> list[str]:
    """Made-up ordinary merchants: a software brand word, a kind of business, a layout."""
    data = _shapes()
    rng = random.Random(seed)
    shapes = [s for s in data["shapes"] if "SOFTWARE" not in s and "5734" not in s]
    biz = data["lookalike_businesses"]["words"]
    prefixes = data["lookalike_businesses"]["pos_prefixes"]
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        name = f"{rng.choice(prefixes)}{rng.choice(brands)} {rng.choice(biz)}"
        d = _fill(rng.choice(shapes), name, rng, data)
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def lookalikes(clf: Classifier, rows: Sequence[str]) -> Lookalikes:
    out = Lookalikes()
    for d in rows:
        res = clf.classify(d)
        out.rows += 1
        if res.is_software:
            out.flagged += 1
            if len(out.examples) < 25:
                out.examples.append((d, res.explanation))
    return out


def brand_words(catalog: Catalog, labels: Iterable[str]) -> list[str]:
    """First words of software vendors (the labelled ones and the catalog's curated ones)
    that a local business may really share: ordinary English words ("CURSOR", "ROAM",
    "NOTION") of at least four letters. Coined brands ("PHANTOMBUSTER") are left out: no
    coffee shop is named after them."""
    from classifiers.tagging import is_common_word

    words: set[str] = set()
    picked = [catalog.lookup_name(label) for label in labels]
    picked += [v for v in catalog.vendors if catalog.is_curated(v.slug)]
    for v in picked:
        if v is None or not v.is_software or v.is_reseller:
            continue
        first = v.name.split()[0]
        if first.isalpha() and len(first) >= 4 and is_common_word(first.upper()):
            words.add(first.upper())
    return sorted(words)


def unknown_vendors(clf: Classifier, rows: Sequence[Row]) -> tuple[int, int, int]:
    """(software rows, of which the catalog lacks the vendor, of those still called software)."""
    soft = [r for r in rows if r.software and r.label]
    unknown = [r for r in soft if clf.catalog.lookup_name(r.label) is None]
    found = sum(clf.classify(r.descriptor, mcc=r.mcc, memo=r.memo).is_software for r in unknown)
    return len(soft), len(unknown), found
