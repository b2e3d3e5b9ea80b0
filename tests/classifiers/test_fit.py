"""The weight fit (classifiers/fit.py): the solver, the feature mapping, the labels."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers import Classifier, fit, protocol
from classifiers.candidates import load_weights


def test_logistic_recovers_known_coefficients() -> None:
    rng = np.random.default_rng(5)
    x = rng.integers(0, 2, size=(4000, 3)).astype(np.float64)
    z = -1.0 + x @ np.array([2.0, -1.5, 0.0])
    y = (rng.random(4000) < 1 / (1 + np.exp(-z))).astype(np.float64)
    bias, coef = fit.fit_logistic(x, y, l2=0.01)
    assert bias == pytest.approx(-1.0, abs=0.2)
    assert coef == pytest.approx([2.0, -1.5, 0.0], abs=0.2)


def test_penalty_pulls_towards_the_prior() -> None:
    x = np.array([[1.0], [1.0], [0.0], [0.0]])
    y = np.array([1.0, 0.0, 1.0, 0.0])  # the feature says nothing
    _, free = fit.fit_logistic(x, y, l2=100.0)
    _, pulled = fit.fit_logistic(x, y, l2=100.0, prior=np.array([3.0]))
    assert abs(free[0]) < 0.05
    assert pulled[0] > 2.5


def test_every_scorer_feature_has_a_weight() -> None:
    clf = Classifier()
    clf.weights = fit.unit_weights(load_weights())
    names = set(fit.weight_names(load_weights()))
    seen = 0
    for d in ("PADDLE.NET* NOTION", "SQ *CURSOR HAIR STUDIO", "FIGMA.COM SAN FRANCISCO CA"):
        for c in clf.scored_candidates(d, mcc="5734"):
            raw = fit.raw_features(c)
            assert set(raw) <= names
            assert sum(raw.values()) == pytest.approx(c.score)  # unit weights, no bias
            seen += 1
    assert seen


def test_labels_of_candidates() -> None:
    clf = Classifier()
    soft = protocol.Row("FIGMA.COM SAN FRANCISCO CA", "Figma", True, "x")
    plain = protocol.Row("STARBUCKS STORE 123 SEATTLE WA", "", False, "x")
    figma = clf.catalog.lookup_name("Figma")
    assert figma is not None
    for c in clf.scored_candidates(soft.descriptor):
        expected = 1 if c.vendor.slug == figma.slug else 0
        assert fit.label_of(soft, c, figma.slug) in (expected, None)
    starbucks = [c for c in clf.scored_candidates(plain.descriptor) if not c.vendor.is_software]
    assert starbucks
    assert all(fit.label_of(plain, c, None) == 1 for c in starbucks)


def test_design_keeps_sources_apart() -> None:
    clf = Classifier()
    rows = [
        protocol.Row("FIGMA.COM SAN FRANCISCO CA", "Figma", True, "a"),
        protocol.Row("NOTION LABS INC", "Notion", True, "b"),
    ]
    d = fit.design(rows, clf)
    assert set(d.source) == {"a", "b"}
    assert d.x.shape == (len(d.y), len(d.names))
