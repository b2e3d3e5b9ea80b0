"""Accuracy evaluation over a labelled descriptor CSV.

The CSV has columns ``descriptor``, ``label_vendor`` (empty when not software) and
``is_software`` (``true``/``false``); ``mcc`` and ``memo`` are used when present.

Vendor names are compared by catalog identity: the label is resolved with
:meth:`Catalog.lookup_name` (exact name/alias key, then without a trailing parenthetical such
as "(Automattic)", then as a domain) and compared with the predicted slug. A label the
catalog does not know falls back to comparing normalised names (letters and digits only).

Run ``python -m classifiers.evaluate [PATH]`` (default: ``../shared/data/descriptors-dev.csv``
next to the project and our own labelled rows) to print the report; it exits 0 whatever the
figures. ``python -m classifiers.evaluate --holdout`` scores the frozen holdout alone
(``tests/classifiers/data/holdout.csv``, checked against its frozen checksum).
"""

from __future__ import annotations

import csv
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from classifiers import protocol
from classifiers.classifier import Classifier
from classifiers.models import Classification
from classifiers.normalise import compact


@dataclass(frozen=True, slots=True)
class Miss:
    """One row the classifier got wrong: ``kind`` is ``false_software``, ``missed_software``
    or ``wrong_vendor``."""

    kind: str
    descriptor: str
    label_vendor: str
    result: Classification


@dataclass(slots=True)
class EvaluationReport:
    """Figures over a labelled set. Rates are fractions in [0, 1]."""

    rows: int = 0
    software_rows: int = 0
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    vendor_correct: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        d = self.true_positive + self.false_positive
        return self.true_positive / d if d else 1.0

    @property
    def recall(self) -> float:
        d = self.true_positive + self.false_negative
        return self.true_positive / d if d else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def vendor_accuracy(self) -> float:
        """Share of software rows whose predicted vendor is the labelled one."""
        return self.vendor_correct / self.software_rows if self.software_rows else 1.0

    @property
    def false_software_rate(self) -> float:
        """Share of non-software rows classified as software."""
        rest = self.rows - self.software_rows
        return self.false_positive / rest if rest else 0.0

    def render(self) -> str:
        lines = [
            f"rows: {self.rows} ({self.software_rows} software, "
            f"{self.rows - self.software_rows} not)",
            f"software precision: {self.precision:.3f}",
            f"software recall:    {self.recall:.3f}",
            f"software F1:        {self.f1:.3f}",
            f"vendor accuracy on software rows: {self.vendor_accuracy:.3f}",
            f"false-software rate on the rest:  {self.false_software_rate:.3f}",
            f"misses: {len(self.misses)}",
        ]
        for m in self.misses:
            r = m.result
            lines.append(
                f"  [{m.kind}] {m.descriptor!r} label={m.label_vendor or '-'!r} -> "
                f"vendor={r.vendor_name or '-'!r} software={str(r.is_software).lower()} "
                f"by={r.matched_by} ({r.explanation})"
            )
        return "\n".join(lines)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "1", "yes", "y", "t"}


def evaluate(path: Path, classifier: Classifier | None = None) -> EvaluationReport:
    """Classify every row of the labelled CSV at ``path`` and compare with the labels.

    Raises ``FileNotFoundError`` if the file is missing and ``ValueError`` if it lacks the
    ``descriptor`` or ``is_software`` column."""
    clf = classifier if classifier is not None else Classifier()
    report = EvaluationReport()
    with Path(path).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = set(reader.fieldnames or ())
        for needed in ("descriptor", "is_software"):
            if needed not in cols:
                raise ValueError(f"{path}: missing column {needed!r}")
        for row in reader:
            descriptor = row["descriptor"]
            gold = _truthy(row["is_software"])
            label = (row.get("label_vendor") or "").strip()
            res = clf.classify(descriptor, mcc=row.get("mcc") or None, memo=row.get("memo") or None)
            report.rows += 1
            if gold:
                report.software_rows += 1
                if res.is_software:
                    report.true_positive += 1
                else:
                    report.false_negative += 1
                    report.misses.append(Miss("missed_software", descriptor, label, res))
                    continue
                if _same_vendor(clf, label, res):
                    report.vendor_correct += 1
                else:
                    report.misses.append(Miss("wrong_vendor", descriptor, label, res))
            elif res.is_software:
                report.false_positive += 1
                report.misses.append(Miss("false_software", descriptor, label, res))
    return report


def _same_vendor(clf: Classifier, label: str, res: Classification) -> bool:
    if not label:
        return True
    known = clf.catalog.lookup_name(label)
    if known is not None:
        return known.slug == res.vendor_slug
    return bool(res.vendor_name) and compact(label) == compact(res.vendor_name or "")


def _misses_by_class(
    clf: Classifier, misses: list[tuple[protocol.Row, Classification]]
) -> list[str]:
    groups: dict[str, list[str]] = {}
    for row, res in misses:
        groups.setdefault(protocol.failure_class(clf.catalog, row, res), []).append(
            f"    {row.descriptor!r} label={row.label or '-'!r} -> "
            f"{res.vendor_name or '-'!r} software={str(res.is_software).lower()}"
        )
    out: list[str] = []
    for cls, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        out.append(f"  {len(items):3d}  {cls}")
        out += items
    return out


def protocol_report(paths: list[Path]) -> str:
    """The figures that cannot be memorised (see :mod:`classifiers.protocol`)."""
    # Imported here: ``classifiers`` imports this module, and ``python -m classifiers.fit``
    # must not find its own module already imported.
    from classifiers import fit

    rows: list[protocol.Row] = []
    for p in paths:
        rows += protocol.read_rows(p)
    clf = Classifier()
    lines = [
        f"protocol over {len(rows)} labelled rows from {len({r.source for r in rows})} sources"
    ]
    lines.append(f"in-sample:                 {protocol.score_rows(clf, rows).line()}")
    loso, chosen = protocol.leave_one_source_out(rows, Classifier)
    lines.append(f"leave-one-source-out:      {loso.line()}")
    thresholds = sorted(set(chosen.values()))
    lines.append(f"  weights of weights.json, thresholds chosen per fold: {thresholds}")
    fitted, fchosen, _ = fit.leave_one_source_out(rows, Classifier)
    lines.append(f"LOSO, weights fitted per fold: {fitted.line()}")
    lines.append(f"  thresholds chosen per fold: {sorted(set(fchosen.values()))}")
    _, _, shipped_misses = fit.leave_one_source_out(rows, Classifier, refit=False)
    lines.append(f"LOSO misses of weights.json by failure class ({len(shipped_misses)}):")
    lines += _misses_by_class(clf, shipped_misses)
    reduced = protocol.derivable_only(clf.catalog)
    gap_loso, _ = protocol.leave_one_source_out(rows, lambda: Classifier(reduced))
    lines.append(f"derivable catalog, LOSO:   {gap_loso.line()}")
    lines.append(
        "memorisation gap (LOSO, full - derivable): "
        f"recall {loso.recall - gap_loso.recall:+.3f}, "
        f"vendor {loso.vendor_accuracy - gap_loso.vendor_accuracy:+.3f}"
    )
    labels = sorted({r.label for r in rows if r.software and r.label})
    vendors = [v for v in (clf.catalog.lookup_name(x) for x in labels) if v is not None]
    vendors = sorted(
        {v.slug: v for v in vendors if not v.is_reseller}.values(), key=lambda v: v.slug
    )
    tt = protocol.template_transfer(clf, vendors)
    lines.append(
        f"template transfer: {tt.vendors} vendors x {len(tt.per_shape)} layouts = {tt.rows} rows: "
        f"vendor named {tt.named / tt.rows:.3f}, software {tt.software / tt.rows:.3f}, "
        f"vendors surviving every layout {tt.survived_all}/{tt.vendors}"
    )
    for shape, (ok, n) in tt.per_shape.items():
        lines.append(f"  {ok / n:.2f}  {shape}")
    brands = protocol.brand_words(clf.catalog, labels)
    la_rows = protocol.lookalike_rows(brands)
    la = protocol.lookalikes(clf, la_rows)
    lines.append(
        f"look-alikes: {la.rows} made-up ordinary merchants ({len(brands)} brand words): "
        f"flagged as software {la.flagged / la.rows:.3f}"
    )
    for d, why in la.examples[:10]:
        lines.append(f"  flagged: {d!r}: {why}")
    soft, unknown, found = protocol.unknown_vendors(clf, rows)
    lines.append(
        f"unknown vendors: {unknown}/{soft} software rows name a vendor the catalog lacks "
        f"({unknown / soft if soft else 0:.3f}); long-tail discovery calls {found} of them software"
    )
    for d, name, why in tt.failures[:15]:
        lines.append(f"  transfer miss: {d!r} ({name}): {why}")
    return "\n".join(lines)


HOLDOUT = Path(__file__).resolve().parents[1] / "tests" / "classifiers" / "data" / "holdout.csv"


def check_frozen(path: Path = HOLDOUT) -> str:
    """The file's sha256, when it matches the one frozen next to it (``<name>.sha256``);
    raises ``ValueError`` when it does not."""
    expected = path.with_name(path.name + ".sha256").read_text("utf-8").split()[0]
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise ValueError(f"{path} changed since it was frozen ({actual} != {expected})")
    return actual


def holdout_report(path: Path = HOLDOUT) -> str:
    """The frozen holdout's figures. The file must match the checksum frozen next to it
    (``holdout.csv.sha256``): a holdout edited after a look at its misses is no holdout.
    Raises ``ValueError`` when it does not."""
    actual = check_frozen(path)
    report = evaluate(path)
    with path.open(newline="", encoding="utf-8") as fh:
        looks = [r["descriptor"] for r in csv.DictReader(fh) if r["note"].startswith("look-alike")]
    flagged = sum(m.kind == "false_software" and m.descriptor in looks for m in report.misses)
    return "\n".join(
        [
            f"frozen holdout {path.name} (sha256 {actual[:12]}...)",
            report.render(),
            f"look-alikes flagged as software: {flagged}/{len(looks)}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--holdout" in args:
        print(holdout_report())
        return 0
    quick = "--in-sample" in args
    args = [a for a in args if a != "--in-sample"]
    paths = [Path(a) for a in args] if args else protocol.default_paths()
    for path in paths:
        print(f"evaluating {path}")
        print(evaluate(path).render())
    if not quick:
        print(protocol_report(paths))
    return 0
