"""Bank wording learned from a source's own rows.

Every bank and card issuer wraps the merchant in wording of its own ("Online Transfer Debit",
"Card Withdrawal -", "POS DEBIT ... Date"), and no list can hold them all. Within one source
that wording repeats around many different merchants, so a word printed with a large share of
a source's distinct merchants is the source's boilerplate. :func:`learn` finds those words;
pass the result to :meth:`Classifier.classify` / :meth:`Classifier.classify_many` as
``boilerplate=`` for that source's rows, and the tagger treats them as bank wording.

Words are counted across distinct merchants, not rows: a line is reduced to its words without
references, amounts and other numbers, and each distinct reduced line counts once. A seller
charged on a fifth of a file's rows (a monthly subscription, a daily lunch place) is one
merchant, so its name is never taken for the bank's wording, while the bank's own words recur
with every merchant.

A catalog key is never boilerplate (a company that pays one vendor on most of its rows still
pays that vendor), nor is a number or a place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from classifiers.catalog import Catalog
from classifiers.normalise import parse
from classifiers.tagging import is_reference

MIN_ROWS = 50  # fewer rows than this say nothing about a source's habits
MIN_SHARE = 0.2  # printed with at least this share of the distinct merchants
MIN_MERCHANTS = 5  # and with at least this many of them


def merchant_line(text: str) -> tuple[str, ...]:
    """A descriptor reduced to what names its merchant and the bank's wording: its matching
    keys without references, amounts and other numbers (two rows of one seller that differ
    only in those are one merchant)."""
    return tuple(k for k in parse(text).keys if not is_reference(k))


def learn(
    descriptors: Iterable[str], catalog: Catalog | None = None, *, sample: int = 5000
) -> frozenset[str]:
    """The words (matching keys) that a source prints with many of its distinct merchants;
    empty for small sources. Reads at most ``sample`` descriptors."""
    cat = catalog if catalog is not None else Catalog.builtin()
    rows = 0
    merchants: set[tuple[str, ...]] = set()
    for text in descriptors:
        if rows >= sample:
            break
        rows += 1
        merchants.add(merchant_line(text))
    if rows < MIN_ROWS:
        return frozenset()
    counts: Counter[str] = Counter()
    for line in merchants:
        counts.update(set(line))
    floor = max(MIN_MERCHANTS, MIN_SHARE * len(merchants))
    return frozenset(
        k
        for k, n in counts.items()
        if n >= floor and k.isalpha() and len(k) >= 3 and k not in cat.exact
    )
