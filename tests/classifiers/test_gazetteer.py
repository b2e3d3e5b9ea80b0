"""Places: cities by their local names, and ordinary words that are also towns."""

from __future__ import annotations

import pytest

from classifiers import Classifier
from classifiers.normalise import parse
from classifiers.tagging import tag


def _roles(descriptor: str) -> list[tuple[str, str]]:
    parsed = parse(descriptor)
    return list(zip(parsed.keys, tag(parsed.keys, parsed.star_prefix), strict=True))


@pytest.mark.parametrize(
    ("descriptor", "place"),
    [
        ("ZAPIER MÜNCHEN", ["MUNCHEN"]),
        ("ZAPIER MUENCHEN", ["MUENCHEN"]),
        ("ZAPIER KÖLN", ["KOLN"]),
        ("ZAPIER DEN HAAG", ["DEN", "HAAG"]),
        ("ZAPIER WIEN", ["WIEN"]),
        ("ZAPIER SAN FRANCISCO", ["SAN", "FRANCISCO"]),
    ],
)
def test_a_city_is_a_place_by_its_local_name(descriptor: str, place: list[str]) -> None:
    roles = _roles(descriptor)
    assert [k for k, r in roles if r == "loc"] == place, roles


def test_an_ordinary_word_is_not_a_town() -> None:
    roles = dict(_roles("PLIMSOFT TIME LOGGING BOSTON"))
    assert roles["TIME"] == "word"
    assert roles["BOSTON"] == "loc"


def test_a_vendor_before_a_local_city_name_is_found() -> None:
    result = Classifier().classify("NOTION WIEN AT")
    assert result.vendor_slug == "notion", result.explanation
