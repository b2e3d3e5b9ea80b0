"""Bank wording learned from a source's own rows.

Every bank and card issuer wraps the merchant in wording of its own ("Online Transfer Debit",
"Card Withdrawal -", "POS DEBIT ... Date"), and no list can hold them all. Within one source
that wording repeats on most rows while merchants vary, so a word found on a large share of a
source's descriptors is the source's boilerplate. :func:`learn` finds those words; pass the
result to :meth:`Classifier.classify` / :meth:`Classifier.classify_many` as ``boilerplate=``
for that source's rows, and the tagger treats them as bank wording.

A catalog key is never boilerplate (a company that pays one vendor on most of its rows still
pays that vendor), nor is a number or a place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from classifiers.catalog import Catalog
from classifiers.normalise import parse

MIN_ROWS = 50  # fewer rows than this say nothing about a source's habits
MIN_SHARE = 0.2  # on at least this share of the rows
MIN_COUNT = 20


def learn(
    descriptors: Iterable[str], catalog: Catalog | None = None, *, sample: int = 5000
) -> frozenset[str]:
    """The words (matching keys) that a source repeats on most rows; empty for small
    sources. Reads at most ``sample`` descriptors."""
    cat = catalog if catalog is not None else Catalog.builtin()
    counts: Counter[str] = Counter()
    rows = 0
    for text in descriptors:
        if rows >= sample:
            break
        rows += 1
        counts.update(set(parse(text).keys))
    if rows < MIN_ROWS:
        return frozenset()
    floor = max(MIN_COUNT, MIN_SHARE * rows)
    return frozenset(
        k
        for k, n in counts.items()
        if n >= floor and k.isalpha() and len(k) >= 3 and k not in cat.exact
    )
