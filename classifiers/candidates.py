"""Candidate vendors found anywhere in a descriptor, each scored on explained features.

Generation: every run of up to :data:`MAX_SPAN` tokens at every position is looked up as a
catalog key (names, aliases, billing descriptors, legal names), and the run that ends the
merchant text may be a name the statement cut ("ACTIVECAMP"). Domains are candidates of
their own. Fuzzy matching is done by the classifier on the leading words only.

Scoring: each candidate gets features (what kind of key, how long, curated or derived, where
it stands, what surrounds it, MCC) and a score that is the sum of their weights
(``data/weights.json``, log-odds units), so the answer can say which feature weighed what,
as Splink's match weights do. The weights and the acceptance threshold are chosen by
measurement on labelled rows (``python -m classifiers.evaluate``, leave-one-source-out).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from classifiers.catalog import Catalog, KeyHit
from classifiers.models import Vendor
from classifiers.normalise import word_keys
from classifiers.tagging import Role, is_common_word, lexicon

MAX_SPAN = 5
TRUNCATION_MIN_LEN = 8
PRODUCT_TRUNCATION_MIN_LEN = 5


@dataclass(frozen=True, slots=True)
class Weights:
    """Feature weights and thresholds (``data/weights.json``)."""

    features: dict[str, float]
    accept: float
    product_accept: float
    discover_bias: float
    discover_features: dict[str, float]

    def w(self, name: str) -> float:
        return self.features.get(name, 0.0)


_WEIGHTS: Weights | None = None
_LOCK = threading.Lock()


def load_weights(data: dict[str, Any] | None = None) -> Weights:
    """The packaged weights (loaded once), or weights from a dict of the same shape."""
    global _WEIGHTS
    if data is not None:
        return _weights_from(data)
    if _WEIGHTS is not None:
        return _WEIGHTS
    with _LOCK:
        if _WEIGHTS is None:
            raw = resources.files("classifiers").joinpath("data/weights.json").read_text("utf-8")
            _WEIGHTS = _weights_from(json.loads(raw))
        return _WEIGHTS


def _weights_from(data: dict[str, Any]) -> Weights:
    return Weights(
        features={str(k): float(v) for k, v in data["candidate"]["features"].items()},
        accept=float(data["candidate"]["accept"]),
        product_accept=float(data["candidate"]["product_accept"]),
        discover_bias=float(data["discover"]["bias"]),
        discover_features={str(k): float(v) for k, v in data["discover"]["features"].items()},
    )


@dataclass(slots=True)
class Candidate:
    """One vendor a span of the descriptor may name, with its features and score."""

    vendor: Vendor
    hit_kind: str  # descriptor, alias, domain, truncated, fuzzy
    key_text: str  # the catalog text that matched
    start: int
    end: int  # token span [start, end); (0, 0) for a domain
    key_len: int
    curated: bool
    method: str = ""  # the kind of catalog text behind the hit: descriptor, alias, domain
    strong: bool = True  # may match inside a longer descriptor (see classifiers.catalog)
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    def explain(self, limit: int = 4) -> str:
        parts = sorted(self.features.items(), key=_weight_size, reverse=True)[:limit]
        return ", ".join(f"{k} {v:+.1f}" for k, v in parts if v)


def _weight_size(feature: tuple[str, float]) -> float:
    return abs(feature[1])


@dataclass(slots=True)
class Context:
    """What the features look at besides the span: the tokens and their roles, the MCC tier,
    the processor that carried the charge, the domains seen, printed category labels."""

    keys: tuple[str, ...]
    roles: tuple[Role, ...]
    tier: str | None
    processor: str | None
    domains: tuple[str, ...]
    domain_vendors: frozenset[str]
    category_label: bool
    memo_software: bool
    corroborated: bool = False  # an MCC or memo that makes a weak name count
    soft_descriptor: bool = False  # the first word stands before a "*" ("ADOBE *...")
    company_ends: tuple[int, ...] = ()  # a legal suffix was printed right before these tokens
    # Derived from the roles once per descriptor (see :func:`context_facts`):
    lead_end: int = 0  # a span starting at or before this index opens the merchant text
    word_idx: tuple[int, ...] = ()
    merchant_idx: tuple[int, ...] = ()
    has_soft: bool = False
    small_pos: bool = False

    def __post_init__(self) -> None:
        roles = self.roles
        n = len(roles)
        lead = 0
        while lead < n and roles[lead] in _FILLER:
            lead += 1
        self.lead_end = lead
        self.word_idx = tuple(i for i, r in enumerate(roles) if r == "word")
        if "merchant" in roles:
            self.merchant_idx = tuple(i for i, r in enumerate(roles) if r == "merchant")
        self.has_soft = "soft" in roles
        self.small_pos = (
            self.processor is not None and self.processor in lexicon().small_merchant_processors
        )


_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@lru_cache(maxsize=16384)
def word_prefixes(text: str) -> frozenset[str]:
    """Compact keys of the leading whole words of a catalog text, camelCase split:
    "PinnacleCart" -> {"PINNACLE", "PINNACLECART"}."""
    out: set[str] = set()
    acc = ""
    for w in _CAMEL.findall(text):
        acc += w.upper()
        out.add(acc)
    return frozenset(out)


def _per_vendor(
    cache: dict[int, tuple[Vendor, frozenset[str]]],
    vendor: Vendor,
    build: Callable[[Vendor], frozenset[str]],
) -> frozenset[str]:
    """A per-vendor fact, cached by the vendor object's identity (hashing a Vendor costs more
    than the lookup it would save); bounded like the lru caches it replaces."""
    hit = cache.get(id(vendor))
    if hit is not None and hit[0] is vendor:
        return hit[1]
    value = build(vendor)
    if len(cache) > _PER_VENDOR_MAX:
        cache.clear()
    cache[id(vendor)] = (vendor, value)
    return value


_PER_VENDOR_MAX = 20_000
_WORD_PREFIXES: dict[int, tuple[Vendor, frozenset[str]]] = {}
_VOCABULARY: dict[int, tuple[Vendor, frozenset[str]]] = {}


def vendor_word_prefixes(vendor: Vendor) -> frozenset[str]:
    return _per_vendor(_WORD_PREFIXES, vendor, _vendor_word_prefixes)


def vendor_vocabulary(vendor: Vendor) -> frozenset[str]:
    """The words of a vendor's own names, aliases and descriptors ("CREATIVE" for Adobe):
    printed next to its name they are its product, not another business."""
    return _per_vendor(_VOCABULARY, vendor, _vendor_vocabulary)


def prepare(catalog: Catalog) -> None:
    """Build every vendor's word sets now (about 30 ms for 4,400 vendors) rather than on the
    first descriptor that names it: a classifier is built once and then classifies many
    lines. Skipped for catalogs larger than the per-vendor memo."""
    if len(catalog) > _PER_VENDOR_MAX // 2:
        return
    for vendor in catalog.vendors:
        vendor_word_prefixes(vendor)
        vendor_vocabulary(vendor)


def _vendor_word_prefixes(vendor: Vendor) -> frozenset[str]:
    out: set[str] = set()
    for text in (vendor.name, *vendor.aliases):
        out |= word_prefixes(text)
    return frozenset(out)


_FILLER = frozenset(["noise", "bank", "loc", "proc", "label"])


def _vendor_vocabulary(vendor: Vendor) -> frozenset[str]:
    texts = " ".join((vendor.name, *vendor.aliases, *vendor.descriptors))
    return frozenset(k for k in word_keys(texts.replace("*", " ").replace(".", " ")) if len(k) >= 2)


def generate(
    catalog: Catalog, keys: Sequence[str], roles: Sequence[Role], *, allow_weak: bool
) -> list[Candidate]:
    """Every catalog key at every position (the first hit per vendor and position wins).

    A weak key (a short derived name) counts only when it is all the descriptor says apart
    from filler (references, bank wording, places), or, with ``allow_weak`` (an MCC or memo
    that corroborates), when it opens the merchant text."""
    exact = catalog.exact
    n = len(keys)
    out: list[Candidate] = []
    seen: set[tuple[str, int]] = set()
    prefixes = catalog.key_prefixes
    for i in range(n):
        acc = keys[i]
        if acc not in prefixes:
            continue  # no catalog key starts with this token
        # The spans from i that can still be keys, then the longest first: the first hit per
        # vendor and position is its longest key.
        spans = [acc]
        for j in range(i + 1, min(i + MAX_SPAN, n)):
            acc += keys[j]
            if acc not in prefixes:
                break
            spans.append(acc)
        for k in range(len(spans), 0, -1):
            key = spans[k - 1]
            hits = exact.get(key)
            if not hits:
                continue
            weak_ok: bool | None = None
            for h in hits:
                if not h.strong:
                    if weak_ok is None:
                        outside = (*roles[:i], *roles[i + k :])
                        lead = all(r in _FILLER for r in roles[:i])
                        weak_ok = all(r in _FILLER for r in outside) or (allow_weak and lead)
                    if not weak_ok:
                        continue
                if len(key) <= 3 and h.vendor.is_reseller and not (i == 0 and n > 1):
                    continue
                tag = (h.vendor.slug, i)
                if tag in seen:
                    continue
                seen.add(tag)
                out.append(
                    Candidate(
                        h.vendor, h.kind, h.text, i, i + k, len(key), h.curated, h.kind, h.strong
                    )
                )
    return out


def truncated(catalog: Catalog, keys: Sequence[str], start: int, min_len: int) -> Candidate | None:
    """The longest run of tokens from ``start`` that is the beginning of exactly one vendor's
    strong key, cut mid-word as statements cut names ("ACTIVECAMP", "GOOGLE STORA")."""
    n = len(keys)
    prefixes = catalog.key_prefixes
    if keys[start] not in prefixes or not catalog.starts_strong_key(keys[start]):
        return None  # no strong key starts with the first word, so none with more of them
    memo = catalog.window_memo
    for k in range(min(4, n - start), 0, -1):
        q = "".join(keys[start : start + k])
        if len(q) < min_len or q not in prefixes:
            continue  # too short, or no key at all (strong or not) starts with it
        # Whether ``q`` is a cut name depends on ``q`` alone: remembered per catalog, since
        # statements repeat a name with other numbers and places around it.
        first = memo.get(q, _UNSEEN)
        if first is _UNSEEN:
            first = _cut_from(catalog, q)
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            memo[q] = first
        if first is None:
            continue
        assert isinstance(first, KeyHit)
        return Candidate(
            first.vendor,
            "truncated",
            first.text,
            start,
            start + k,
            len(q),
            first.curated,
            first.kind,
        )
    return None


_UNSEEN = object()
_MEMO_MAX = 100_000


def _cut_from(catalog: Catalog, q: str) -> KeyHit | None:
    """The key hit ``q`` is a cut of: the one vendor whose strong keys start with it, when
    ``q`` is not a whole word of that vendor's names (else None)."""
    found = catalog.keys_with_prefix(q, limit=20)
    if not found:
        return None
    first = catalog.exact[found[0]][0]
    if not all(catalog.exact[k2][0].vendor.slug == first.vendor.slug for k2 in found):
        return None
    if q in vendor_word_prefixes(first.vendor) or any(
        q in word_prefixes(catalog.exact[k2][0].text) for k2 in found
    ):
        return None  # a whole word of a longer name is not a cut
    return first


def score(c: Candidate, ctx: Context, w: Weights) -> Candidate:
    """Fill ``c.features`` (each feature's weighted contribution) and ``c.score``."""
    wf = w.features
    f: dict[str, float] = {}
    kind = c.hit_kind
    vendor = c.vendor
    if kind == "domain":
        f["domain"] = wf.get("domain", 0.0)
    elif kind == "descriptor":
        f["descriptor"] = wf.get("descriptor_curated" if c.curated else "descriptor", 0.0)
    elif kind == "truncated":
        f["cut_off_name"] = wf.get("truncated", 0.0)
    elif kind == "fuzzy":
        f["close_spelling"] = wf.get("fuzzy", 0.0)
    else:
        f["name"] = wf.get("alias_curated" if c.curated else "alias_derived", 0.0)
    if c.key_len > 5:
        f["key_length"] = wf.get("key_length", 0.0) * (min(c.key_len, 14) - 5)
    start, end = c.start, c.end
    span_len = end - start
    roles = ctx.roles
    keys = ctx.keys
    if kind != "domain":
        if span_len >= 2:
            f["several_words"] = wf.get("multi_token", 0.0)
        if start <= ctx.lead_end:
            f["at_start"] = wf.get("lead", 0.0)
        else:
            f["after_other_words"] = wf.get("not_lead", 0.0)
        if (
            ctx.soft_descriptor
            and start == 0
            and span_len == 1
            and vendor.is_software
            and not vendor.is_reseller
        ):
            f["biller_prefix"] = wf.get("soft_descriptor_prefix", 0.0)
        if start > 0 and roles[start - 1] == "proc":
            f["after_processor"] = wf.get("after_processor", 0.0)
        if ctx.company_ends and end in ctx.company_ends:
            # "ACME B.V. ...": the name is the whole of a company's name, printed with its form.
            f["company_suffix_after"] = wf.get("legal_suffix", 0.0)
        if not c.strong and not ctx.corroborated:
            f["short_derived_name"] = wf.get("weak_key", 0.0)
        known = _VOCABULARY.get(id(vendor))  # vendor_vocabulary(), without two calls
        vocab = known[1] if known is not None and known[0] is vendor else vendor_vocabulary(vendor)
        rest_words = 0
        before_words = 0
        for i in ctx.word_idx:
            if i < start:
                before_words += 1
            elif i >= end and keys[i] not in vocab:
                rest_words += 1
        if not vendor.is_software:
            # The penalties below guard against calling a shop software; a brand that is not
            # software by policy ("STARBUCKS STORE") needs no such guard, only the words it
            # leaves unexplained ("GOOGLE *GOOGLE STORA" is more than Google's bucket).
            left = rest_words + sum(1 for i in ctx.word_idx if i < start and keys[i] not in vocab)
            if left:
                f["unexplained_words"] = wf.get("unexplained_word", 0.0) * min(3, left)
                if c.key_len <= 6:
                    f["short_name_with_other_words"] = wf.get("short_unexplained", 0.0)
            c.features = f
            c.score = round(wf.get("bias", 0.0) + sum(f.values()), 6)
            return c
        common = span_len == 1 and is_common_word(keys[start])
        if common:
            f["ordinary_word"] = wf.get("common_word_curated" if c.curated else "common_word", 0.0)
        if ctx.merchant_idx and any(
            start - 2 <= i < start or end <= i < end + 3 for i in ctx.merchant_idx
        ):
            f["shop_word_near"] = wf.get("merchant_word", 0.0)
        # A coined, curated name ("HOOTSUITE", "ENVATO") is rarely a shop's name: the words
        # after it are its product or its company. An ordinary word, a short or a derived
        # name followed by ordinary words is how a local business reads ("CURSOR HAIR ...").
        # A namespace biller ("ADOBE *...") prints its own product lines after its name.
        namespace = vendor.role == "namespace"
        guarded = (common or c.key_len <= 6 or not c.curated) and not namespace
        if guarded:
            ordinary_after = 0
            seen = 0
            for i in range(end, min(end + 3, len(keys))):
                if roles[i] == "word" and keys[i] not in vocab:
                    seen += 1
                    if seen <= 2 and is_common_word(keys[i]):
                        ordinary_after += 1
            if end < len(roles) and roles[end] == "label" and not ctx.category_label:
                ordinary_after += 1  # "... REAL ESTATE": a business category after the name
            if ordinary_after:
                f["ordinary_words_after"] = wf.get("ordinary_after", 0.0) * ordinary_after
        unexplained = before_words if namespace else min(3, rest_words + before_words)
        if unexplained:
            f["unexplained_words"] = wf.get("unexplained_word", 0.0) * unexplained
            if common or c.key_len <= 6:
                f["short_name_with_other_words"] = wf.get("short_unexplained", 0.0)
        if ctx.small_pos:
            f["point_of_sale_prefix"] = wf.get("small_pos", 0.0)
        if vendor.slug in ctx.domain_vendors:
            f["domain_agrees"] = wf.get("domain_agrees", 0.0)
        if ctx.has_soft:
            f["software_word"] = wf.get("software_word", 0.0)
    if vendor.is_software:
        if ctx.tier == "strong":
            f["mcc_software"] = wf.get("mcc_strong", 0.0)
        elif ctx.tier == "other":
            f["mcc_ordinary"] = wf.get("mcc_other", 0.0)
        if ctx.category_label:
            f["category_label"] = wf.get("category_label", 0.0)
        if ctx.memo_software:
            f["memo_software"] = wf.get("memo_software", 0.0)
    c.features = f
    c.score = round(wf.get("bias", 0.0) + sum(f.values()), 6)
    return c
