"""Fit the candidate scorer's weights on labelled rows: ``python -m classifiers.fit``.

The scorer (:func:`classifiers.candidates.score`) adds one weight per feature of a candidate
(what kind of key, where it stands, what surrounds it, the MCC...). Those weights are the
coefficients of a logistic regression over candidates:

- every candidate the classifier weighs for a labelled row is one example, described by its
  raw feature values (the scorer run with every weight at 1: a flag is 1, ``key_length`` is
  the characters past five, ``unexplained_words`` the count of such words);
- it is a positive when accepting it gives the labelled answer: the labelled software
  vendor, or a brand that is not software on a row that is not software; a negative when it
  would name the wrong vendor or call an ordinary row software. Intermediaries (merchants of
  record, app stores, namespaced billers) are left out unless they are the label: accepting
  one hands over to the printed product, so its own label says nothing;
- an L2 penalty (:data:`L2`) keeps rare features near zero instead of fitting a few rows;
  a feature that no training candidate carries keeps its previous weight and is listed as
  ``kept`` in ``weights.json``;
- the acceptance threshold is chosen afterwards on the same rows, scoring the whole classifier
  at each threshold of :data:`THRESHOLDS` (:func:`classifiers.protocol.choose_threshold`).

The training rows are the labelled sets (the dev set when present, our own labelled rows) and
the look-alike tuning rows of :func:`classifiers.protocol.tuning_rows` (made-up ordinary
merchants, never the reported look-alike set). Leave-one-source-out
(:func:`leave_one_source_out`) refits weights and threshold on the other sources for every
held-out source. ``python -m classifiers.fit`` fits on every row and writes
``classifiers/data/weights.json`` with how it was fitted (command, data, date);
``--dry-run`` prints without writing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers import protocol
from classifiers.candidates import Candidate, Weights, load_weights
from classifiers.classifier import Classifier
from classifiers.models import Classification, Vendor

L2 = 1.0
# Thresholds tried on the fitted (log-odds) scale; a product printed after an intermediary
# needs PRODUCT_MARGIN less, as the layout itself delimits it.
THRESHOLDS = tuple(x / 4 for x in range(-6, 9))  # -1.5 ... 2.0
PRODUCT_MARGIN = 1.0
WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "weights.json"

# The scorer's explanation names, and the weight each one carries. Three depend on whether
# the key is curated: (weight when curated, weight when derived).
_WEIGHT_OF: dict[str, str | tuple[str, str]] = {
    "domain": "domain",
    "descriptor": ("descriptor_curated", "descriptor"),
    "cut_off_name": "truncated",
    "close_spelling": "fuzzy",
    "name": ("alias_curated", "alias_derived"),
    "key_length": "key_length",
    "several_words": "multi_token",
    "at_start": "lead",
    "after_other_words": "not_lead",
    "biller_prefix": "soft_descriptor_prefix",
    "after_processor": "after_processor",
    "company_suffix_after": "legal_suffix",
    "short_derived_name": "weak_key",
    "unexplained_words": "unexplained_word",
    "short_name_with_other_words": "short_unexplained",
    "ordinary_word": ("common_word_curated", "common_word"),
    "shop_word_near": "merchant_word",
    "ordinary_words_after": "ordinary_after",
    "point_of_sale_prefix": "small_pos",
    "domain_agrees": "domain_agrees",
    "software_word": "software_word",
    "mcc_software": "mcc_strong",
    "mcc_ordinary": "mcc_other",
    "category_label": "category_label",
    "memo_software": "memo_software",
}


def weight_names(base: Weights) -> tuple[str, ...]:
    """The fitted weights, in the order of ``weights.json`` (the bias apart)."""
    return tuple(k for k in base.features if k != "bias")


def unit_weights(base: Weights) -> Weights:
    """Every feature weight 1 and no bias: a candidate's features are then its raw values."""
    return replace(base, features={k: (0.0 if k == "bias" else 1.0) for k in base.features})


def raw_features(c: Candidate) -> dict[str, float]:
    """A candidate scored under :func:`unit_weights`, keyed by weight name."""
    out: dict[str, float] = {}
    for name, value in c.features.items():
        target = _WEIGHT_OF.get(name)
        if target is None or not value:
            continue
        weight = target if isinstance(target, str) else target[0 if c.curated else 1]
        out[weight] = out.get(weight, 0.0) + value
    return out


def _intermediary(v: Vendor) -> bool:
    return v.is_reseller or v.role is not None


def label_of(row: protocol.Row, c: Candidate, label_slug: str | None) -> int | None:
    """1 when accepting ``c`` gives the row's labelled answer, 0 when it does not, None when
    the candidate says nothing on its own (an intermediary that is not the label)."""
    v = c.vendor
    if row.software:
        if label_slug is not None and v.slug == label_slug:
            return 1
        return None if _intermediary(v) else 0
    if _intermediary(v) and v.is_software:
        return None
    return 0 if v.is_software else 1


@dataclass(frozen=True, slots=True)
class Design:
    """Examples of two kinds, each with its row's ``source`` (the group left out together):
    one per (row, candidate), ``x`` its raw features and ``y`` its label (should it be
    accepted?); and one per (right, wrong) pair of candidates of a row, ``x`` their
    difference and ``y`` 1, plus its mirror with ``y`` 0 (should the right one outrank the
    wrong one? the bias cancels out)."""

    names: tuple[str, ...]
    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    source: tuple[str, ...]
    intercept: npt.NDArray[np.float64]  # 1 for a candidate, 0 for a pair (no bias)


def design(rows: Sequence[protocol.Row], clf: Classifier) -> Design:
    """The examples of every row, from ``clf``'s catalog and candidate generation."""
    names = weight_names(clf.weights)
    index = {n: i for i, n in enumerate(names)}
    probe = Classifier(clf.catalog, clf.rules)
    probe.weights = unit_weights(clf.weights)
    xs: list[list[float]] = []
    ys: list[float] = []
    ones: list[float] = []
    sources: list[str] = []
    for row in rows:
        known = probe.catalog.lookup_name(row.label) if row.label else None
        slug = known.slug if known is not None else None
        good: list[tuple[Candidate, list[float]]] = []
        bad: list[list[float]] = []
        found = probe.scored_candidates(row.descriptor, mcc=row.mcc, memo=row.memo)
        vectors = []
        for c in found:
            vec = [0.0] * len(names)
            for k, v in raw_features(c).items():
                vec[index[k]] = v
            vectors.append(vec)
        # Vendors sharing one key at one span with the same features ("Atlassian" for each
        # Atlassian product of the open catalogs) are a tie no weight can break: one
        # example, right when any of them is.
        ties: dict[tuple[int, int, tuple[float, ...]], tuple[Candidate, list[float], int]] = {}
        for c, vec in zip(found, vectors, strict=True):
            y = label_of(row, c, slug)
            if y is None:
                continue
            tie = (c.start, c.end, tuple(vec))
            if tie not in ties or y > ties[tie][2]:
                ties[tie] = (c, vec, y)
        for c, vec, y in ties.values():
            if y:
                good.append((c, vec))
            else:
                bad.append(vec)
            xs.append(vec)
            ys.append(float(y))
            ones.append(1.0)
            sources.append(row.source)
        for g_cand, g in good:
            # An intermediary that stands where the right vendor's key starts (or after it)
            # must not outrank it: the product is looked for only after the intermediary.
            over = [
                vec
                for c, vec in zip(found, vectors, strict=True)
                if label_of(row, c, slug) is None and c.end > g_cand.start and row.software
            ]
            for b in [*bad, *over]:
                diff = [a - c for a, c in zip(g, b, strict=True)]
                xs += [diff, [-v for v in diff]]
                ys += [1.0, 0.0]
                ones += [0.0, 0.0]
                sources += [row.source, row.source]
    return Design(
        names,
        np.asarray(xs, dtype=np.float64).reshape(len(xs), len(names)),
        np.asarray(ys, dtype=np.float64),
        tuple(sources),
        np.asarray(ones, dtype=np.float64),
    )


def fit_logistic(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    l2: float = L2,
    prior: npt.NDArray[np.float64] | None = None,
    intercept: npt.NDArray[np.float64] | None = None,
) -> tuple[float, npt.NDArray[np.float64]]:
    """L2-penalised logistic regression by Newton's method: (intercept, coefficients). The
    penalty pulls the coefficients towards ``prior`` (zero when None); the intercept is not
    penalised."""
    n, d = x.shape
    icpt = np.ones(n) if intercept is None else intercept
    x1 = np.hstack([icpt[:, None], x])
    penalty = np.full(d + 1, l2)
    penalty[0] = 0.0
    mean = np.zeros(d + 1) if prior is None else np.concatenate([[0.0], prior])

    def loss(w: npt.NDArray[np.float64]) -> float:
        z = x1 @ w
        nll = np.logaddexp(0.0, z) - y * z
        return float(nll.sum() + 0.5 * np.sum(penalty * (w - mean) ** 2))

    w = mean.copy()
    current = loss(w)
    for _ in range(200):
        p = 1.0 / (1.0 + np.exp(-np.clip(x1 @ w, -30, 30)))
        grad = x1.T @ (p - y) + penalty * (w - mean)
        hess = (x1 * (p * (1 - p))[:, None]).T @ x1 + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hess, grad)
        size = 1.0
        while size > 1e-4 and loss(w - size * step) > current:
            size /= 2  # damped Newton: never let the penalised loss go up
        w = w - size * step
        new = loss(w)
        if current - new < 1e-9:
            break
        current = new
    return float(w[0]), w[1:]


def fitted_weights(
    base: Weights,
    d: Design,
    keep: npt.NDArray[np.bool_] | None = None,
    l2: float = L2,
    prior: Weights | None = None,
) -> tuple[Weights, list[str]]:
    """``base`` with its candidate weights fitted on the examples ``keep`` selects (all when
    None); returns the weights and the names kept from ``base`` (no example carries them)."""
    x, y, icpt = (
        (d.x, d.y, d.intercept) if keep is None else (d.x[keep], d.y[keep], d.intercept[keep])
    )
    seen = np.any(x != 0, axis=0)
    mean = (
        None
        if prior is None
        else np.asarray([prior.w(n) for n, on in zip(d.names, seen, strict=True) if on])
    )
    bias, coef = fit_logistic(x[:, seen], y, l2, mean, icpt)
    features = dict(base.features)
    features["bias"] = round(bias, 3)
    kept: list[str] = []
    fitted = iter(coef)
    for name, on in zip(d.names, seen, strict=True):
        if on:
            features[name] = round(float(next(fitted)), 3)
        else:
            kept.append(name)
    return replace(base, features=features), kept


def at_threshold(weights: Weights, accept: float) -> Weights:
    return replace(weights, accept=accept, product_accept=accept - PRODUCT_MARGIN)


def with_weights(clf: Classifier, weights: Weights) -> Classifier:
    out = Classifier(clf.catalog, clf.rules)
    out.weights = weights
    return out


def choose_threshold(
    clf: Classifier, weights: Weights, rows: Sequence[protocol.Row], *, hand: bool = False
) -> tuple[float, protocol.Score]:
    """The threshold of :data:`THRESHOLDS` with the best objective on ``rows`` (with
    ``hand``, of :data:`classifiers.protocol.THRESHOLDS`, moving the acceptance only)."""
    best: tuple[float, protocol.Score] | None = None
    best_obj = -1.0
    for t in protocol.THRESHOLDS if hand else THRESHOLDS:
        w = replace(weights, accept=t) if hand else at_threshold(weights, t)
        s = protocol.score_rows(with_weights(clf, w), rows)
        obj = protocol.objective(s)
        if obj > best_obj:
            best, best_obj = (t, s), obj
    assert best is not None
    return best


def leave_one_source_out(
    rows: Sequence[protocol.Row], make: Callable[[], Classifier], *, refit: bool = True
) -> tuple[protocol.Score, dict[str, float], list[tuple[protocol.Row, Classification]]]:
    """Pooled scores with, for each held-out source, the weights fitted and the threshold
    chosen on the other sources (and the look-alike tuning rows) only. Also returns the
    threshold chosen per source and every miss as (row, classification). With ``refit``
    False the weights are ``make()``'s and only the threshold is chosen per fold (on the
    scale of :data:`classifiers.protocol.THRESHOLDS`), as
    :func:`classifiers.protocol.leave_one_source_out` does."""
    base = make()
    tuning = protocol.tuning_rows(base.catalog, rows)
    train_rows = [*rows, *tuning]
    d = design(train_rows, base) if refit else None
    sources = np.asarray(d.source if d is not None else (), dtype=object)
    pooled = protocol.Score()
    chosen: dict[str, float] = {}
    misses: list[tuple[protocol.Row, Any]] = []
    by_source: dict[str, list[protocol.Row]] = {}
    for r in rows:
        by_source.setdefault(r.source, []).append(r)
    for src, held in by_source.items():
        others = [r for r in train_rows if r.source != src]
        if d is not None:
            weights, _ = fitted_weights(base.weights, d, sources != src)
            t, _ = choose_threshold(base, weights, others)
            clf = with_weights(base, at_threshold(weights, t))
        else:
            t, _ = choose_threshold(base, base.weights, others, hand=True)
            clf = protocol.with_threshold(base, t)
        chosen[src] = t
        for row in held:
            res = clf.classify(row.descriptor, mcc=row.mcc, memo=row.memo)
            ok = protocol.same_vendor(clf.catalog, row.label, res)
            pooled.add(row, res, ok)
            if res.is_software != row.software or (row.software and not ok):
                misses.append((row, res))
    return pooled, chosen, misses


def fit_all(
    rows: Sequence[protocol.Row], clf: Classifier | None = None
) -> tuple[Weights, list[str], protocol.Score]:
    """Weights and threshold fitted on every row (and the tuning rows); the in-sample score
    at the chosen threshold."""
    base = clf if clf is not None else Classifier()
    train_rows = [*rows, *protocol.tuning_rows(base.catalog, rows)]
    weights, kept = fitted_weights(base.weights, design(train_rows, base))
    t, score = choose_threshold(base, weights, train_rows)
    return at_threshold(weights, t), kept, score


def to_json(weights: Weights, kept: Sequence[str], fitted: dict[str, Any]) -> dict[str, Any]:
    """``weights.json`` content: the weights and how they were fitted."""
    raw: dict[str, Any] = json.loads(WEIGHTS_PATH.read_text("utf-8"))
    raw["format"] = 2
    raw["about"] = (
        "Feature weights of the candidate scorer (log-odds units; a candidate's score is "
        "bias + the sum of its features' weights) and of long-tail discovery. The candidate "
        "weights and threshold are fitted by classifiers/fit.py (logistic regression over "
        "candidates); see 'fit' for the command, data and date. The discovery weights are "
        "hand-set."
    )
    raw["fit"] = {"status": "adopted", **fitted, "kept_from_previous": sorted(kept)}
    raw["candidate"]["accept"] = weights.accept
    raw["candidate"]["product_accept"] = weights.product_accept
    raw["candidate"]["features"] = {k: weights.features[k] for k in raw["candidate"]["features"]}
    return raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refit classifiers/data/weights.json.")
    parser.add_argument("paths", nargs="*", type=Path, help="labelled CSVs (default: both)")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    paths: list[Path] = args.paths or protocol.default_paths()
    rows: list[protocol.Row] = []
    for p in paths:
        rows += protocol.read_rows(p)
    base = Classifier()
    base.weights = load_weights()
    weights, kept, score = fit_all(rows, base)
    print(f"fitted on {len(rows)} labelled rows from {len({r.source for r in rows})} sources")
    print(f"accept={weights.accept} product_accept={weights.product_accept}")
    print(f"in-sample at that threshold: {score.line()}")
    for k, v in weights.features.items():
        print(f"  {k:24s} {v:+.3f}{'  (kept: no example)' if k in kept else ''}")
    if args.dry_run:
        return 0
    fitted = {
        "command": "python -m classifiers.fit",
        "method": f"L2 logistic regression (lambda={L2}) over candidates, Newton's method; "
        f"threshold from {list(THRESHOLDS)} by the objective of classifiers/protocol.py",
        "data": [p.name for p in paths] + ["look-alike tuning rows (classifiers/protocol.py)"],
        "rows": len(rows),
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
    }
    raw = to_json(weights, kept, fitted)
    WEIGHTS_PATH.write_text(json.dumps(raw, indent=1) + "\n", "utf-8")
    print(f"wrote {WEIGHTS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
