"""A legal suffix right after a name ("ACME B.V.") is evidence that the name is a company's."""

from __future__ import annotations

import pytest

from classifiers import Classifier
from classifiers.candidates import Candidate
from classifiers.normalise import parse


@pytest.mark.parametrize(
    ("descriptor", "keys", "ends"),
    [
        ("PLIMSOFT B.V. EINDHOVEN NL", ("PLIMSOFT", "EINDHOVEN"), (1,)),
        ("PLIMSOFT BAKERY LLC BROOKLYN", ("PLIMSOFT", "BAKERY", "BROOKLYN"), (2,)),
        ("PLIMSOFT PLIMSOFT INC DENVER", ("PLIMSOFT", "DENVER"), (1,)),
        ("PLIMSOFT LLC LTD", ("PLIMSOFT",), (1,)),
        ("PLIMSOFT DENVER", ("PLIMSOFT", "DENVER"), ()),
    ],
)
def test_the_parse_says_where_a_legal_suffix_stood(
    descriptor: str, keys: tuple[str, ...], ends: tuple[int, ...]
) -> None:
    parsed = parse(descriptor)
    assert parsed.keys == keys
    assert parsed.company_ends == ends


def _harvest(clf: Classifier, descriptor: str) -> Candidate:
    return next(c for c in clf.scored_candidates(descriptor) if c.vendor.slug == "harvest")


def test_a_name_followed_by_its_legal_form_scores_higher() -> None:
    clf = Classifier()
    with_form = _harvest(clf, "HARVEST LLC BROOKLYN NY")
    without = _harvest(clf, "HARVEST BROOKLYN NY")
    weight = clf.weights.w("legal_suffix")
    assert weight > 0
    assert with_form.features["company_suffix_after"] == weight
    assert with_form.score == pytest.approx(without.score + weight)
    assert "company_suffix_after" not in without.features


def test_a_suffix_after_another_business_word_is_no_evidence() -> None:
    clf = Classifier()
    shop = "HARVEST BAKERY LLC BROOKLYN NY"
    assert all("company_suffix_after" not in c.features for c in clf.scored_candidates(shop))
    assert clf.classify(shop).is_software is False


def test_the_suffix_is_part_of_the_cache_key() -> None:
    """Two lines with the same normalised text, one with a legal suffix: each gets its own
    answer whatever the order they come in."""
    items = [("MIRO BERLIN", None, None), ("MIRO GMBH BERLIN", None, None)]
    forward = Classifier().classify_many(items)
    backward = Classifier().classify_many(items[::-1])[::-1]
    assert forward == backward
    assert [r.vendor_slug for r in forward] == ["miro", "miro"]
    assert "company_suffix_after" in forward[1].explanation
    assert "company_suffix_after" not in forward[0].explanation
