"""The matcher: descriptor -> :class:`Classification`, with ordered evidence.

Order (the first that decides wins):

1. user rules (:class:`MatchRule`, ascending priority);
2. the provider's clean merchant name, when given, matched exactly;
3. exact alias / billing descriptor on the leading tokens (longest first). When the hit is a
   reseller or merchant of record (Paddle, FastSpring, 2Checkout, Apple, Microsoft, ...), the
   tokens after it are matched as the product (exact, domain, truncated prefix); the reseller
   bucket is the answer only when no product is visible;
4. domain seen in the descriptor (``zapier.com``, also its bare label);
5. truncated prefix: statements cut names ("ACTIVECAMP" for ActiveCampaign); a prefix that
   belongs to exactly one vendor matches;
6. fuzzy (rapidfuzz ratio on normalised keys) with a cutoff and a margin over the runner-up
   vendor, ignored when the MCC names an ordinary non-software category;
7. vendor named in the memo; then the MCC alone; otherwise "none".

Software or not: a catalog vendor carries ``is_software`` (non-software brands are rejected
explicitly); without a vendor, a strong software MCC says software, an information/telecom MCC
only together with a software word in the memo. Thresholds were chosen by measurement on
labelled data (see ``bench/bench_classify.py`` and ``tests/classifiers``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from classifiers.catalog import Catalog, KeyHit
from classifiers.mcc import clean_mcc, mcc_label, mcc_tier
from classifiers.models import Classification, MatchedBy, MatchRule, Vendor
from classifiers.normalise import ParsedDescriptor, compact, parse

CLASSIFIER_VERSION = "2026.11.1"

# Fuzzy thresholds, measured with `bench/bench_classify.py --sweep` (ratio on compact keys):
# cutoff 80-82 lets ordinary merchants through on the dev set ("BEERHIVE PUB",
# "CAFETASIA"), 84-85 has no false match on either labelled set and recovers 245/289 one-edit
# typos of catalog names, 86 recovers 231, 88 214, 92 176. The margin over the runner-up
# vendor (4) costs one typo at most and guards near-duplicates ("Mailgun"/"Mailjet").
FUZZY_CUTOFF = 85.0
FUZZY_MARGIN = 4.0
FUZZY_MIN_LEN = 6
TRUNCATION_MIN_LEN = 8
RESELLER_TRUNCATION_MIN_LEN = 5
MAX_LEADING_TOKENS = 5
MAX_CACHE = 250_000

_MEMO_SOFTWARE = re.compile(
    r"\b(SOFTWARE|SAAS|SUBSCRIPTION|LICEN[CS]E|HOSTING|DOMAIN|CLOUD|API|SEATS?|WORKSPACE)\b"
)

# A short single-word key ("BOX", "NOTION", "ZOOM") is also an ordinary word. Such a match is
# dropped when the descriptor says "small merchant": one of these words follows it, a
# point-of-sale processor (Square, Toast, ...) carried it, or the MCC is an ordinary category.
SHORT_KEY_LEN = 6
MERCHANT_WORDS = frozenset(
    [
        "BAR",
        "GRILL",
        "CAFE",
        "COFFEE",
        "BAKERY",
        "KITCHEN",
        "RESTAURANT",
        "PIZZA",
        "PIZZERIA",
        "DELI",
        "SUSHI",
        "TACO",
        "TACOS",
        "BURGER",
        "BURGERS",
        "DINER",
        "BISTRO",
        "PUB",
        "TAVERN",
        "BREWING",
        "BREWERY",
        "WINE",
        "WINES",
        "LIQUOR",
        "THAI",
        "PHO",
        "RAMEN",
        "YOGA",
        "STUDIO",
        "SALON",
        "SPA",
        "NAILS",
        "BARBER",
        "FITNESS",
        "GYM",
        "CAR",
        "WASH",
        "AUTO",
        "MOTORS",
        "TIRE",
        "HOTEL",
        "INN",
        "MOTEL",
        "GROCERY",
        "FARM",
        "PHARMACY",
        "DENTAL",
        "CLINIC",
        "BOUTIQUE",
        "FLORIST",
        "FLOWERS",
        "BOOKS",
        "TOYS",
        "PET",
        "VET",
        "CHURCH",
        "SCHOOL",
        "PARKING",
        "TAXI",
        "CLEANERS",
        "LAUNDRY",
        "GAS",
        "FUEL",
        "EATERY",
        "CANTINA",
        "BBQ",
        "WINGS",
        "DONUTS",
        "BAGELS",
        "ICE",
        "CREAM",
    ]
)
SMALL_MERCHANT_PROCESSORS = frozenset(
    [
        "square",
        "toast",
        "shopify",
        "sumup",
        "zettle",
        "dojo",
        "clover",
        "doordash",
        "spoton",
        "heartland",
        "intuit_payments",
        "worldline",
        "pos",
    ]
)

CONFIDENCE: dict[str, float] = {
    "rule": 1.0,
    "descriptor": 0.97,
    "alias": 0.95,
    "domain": 0.93,
    "truncated": 0.85,
    "reseller": 0.75,
    "merchant_name": 0.95,
    "memo": 0.7,
    "mcc_strong": 0.6,
    "mcc_info_memo": 0.5,
}


_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@lru_cache(maxsize=16384)
def _word_prefixes(text: str) -> frozenset[str]:
    """Compact keys of the leading whole words of a catalog text, camelCase split:
    "PinnacleCart" -> {"PINNACLE", "PINNACLECART"}."""
    words = _CAMEL.findall(text)
    out: set[str] = set()
    acc = ""
    for w in words:
        acc += w.upper()
        out.add(acc)
    return frozenset(out)


@lru_cache(maxsize=8192)
def _vendor_word_prefixes(vendor: Vendor) -> frozenset[str]:
    out: set[str] = set()
    for text in (vendor.name, *vendor.aliases):
        out |= _word_prefixes(text)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class _Match:
    vendor: Vendor
    method: MatchedBy
    text: str
    score: float
    how: str  # a short phrase for the explanation
    tokens_used: int = 0


class Classifier:
    """Classify merchant descriptors against a catalog.

    Thread-safe; results are cached (keyed on the raw inputs, then on the normalised
    descriptor), so build one classifier per catalog/rule set and reuse it. Never raises on
    bad input: empty, whitespace, very long, undecodable or emoji descriptors give "none".
    """

    def __init__(self, catalog: Catalog | None = None, rules: Sequence[MatchRule] = ()) -> None:
        self.catalog = catalog if catalog is not None else Catalog.builtin()
        self.rules: tuple[MatchRule, ...] = tuple(
            sorted(rules, key=lambda r: (r.priority, r.rule_id if r.rule_id is not None else 0))
        )
        self._regex: dict[int, re.Pattern[str] | None] = {}
        for i, r in enumerate(self.rules):
            if r.kind == "regex":
                try:
                    self._regex[i] = re.compile(r.pattern, re.IGNORECASE)
                except re.error:
                    self._regex[i] = None
        self._raw_cache: dict[tuple[object, ...], Classification] = {}
        self._norm_cache: dict[tuple[object, ...], Classification] = {}
        self._lock = threading.Lock()
        blocks: dict[str, list[str]] = {}
        for key in self.catalog.strong_keys:
            if len(key) >= FUZZY_MIN_LEN - 1:
                blocks.setdefault(key[:2], []).append(key)
        self._blocks = blocks

    # -- public ---------------------------------------------------------------------------
    def classify(
        self,
        descriptor: str,
        *,
        mcc: str | None = None,
        memo: str | None = None,
        merchant_name: str | None = None,
    ) -> Classification:
        """Classify one descriptor. ``mcc`` is a 4-digit ISO 18245 code (other values are
        ignored); ``memo`` is free text from the expense/cardholder; ``merchant_name`` is a
        provider's cleaned merchant name when it has one."""
        key = (descriptor, mcc, memo, merchant_name)
        try:
            hit = self._raw_cache.get(key)
        except TypeError:  # unhashable garbage: classify without caching
            return self._classify(descriptor, mcc, memo, merchant_name)
        if hit is not None:
            return hit
        result = self._classify(descriptor, mcc, memo, merchant_name)
        self._remember(self._raw_cache, key, result)
        return result

    def classify_many(
        self, items: Iterable[tuple[str, str | None, str | None]]
    ) -> list[Classification]:
        """Classify ``(descriptor, mcc, memo)`` tuples in order; the batch path shares the
        caches, so repeated descriptors cost a dictionary lookup."""
        cache = self._raw_cache
        out: list[Classification] = []
        append = out.append
        for descriptor, mcc, memo in items:
            key = (descriptor, mcc, memo, None)
            try:
                hit = cache.get(key)
            except TypeError:
                append(self._classify(descriptor, mcc, memo, None))
                continue
            if hit is None:
                hit = self._classify(descriptor, mcc, memo, None)
                self._remember(cache, key, hit)
            append(hit)
        return out

    def clear_cache(self) -> None:
        with self._lock:
            self._raw_cache.clear()
            self._norm_cache.clear()

    # -- internals ------------------------------------------------------------------------
    def _remember(
        self,
        cache: dict[tuple[object, ...], Classification],
        key: tuple[object, ...],
        value: Classification,
    ) -> None:
        if len(cache) >= MAX_CACHE:
            with self._lock:
                cache.clear()
        cache[key] = value

    def _classify(
        self, descriptor: object, mcc: object, memo: object, merchant_name: object
    ) -> Classification:
        parsed = parse(descriptor)
        code = clean_mcc(mcc)
        memo_text = memo if isinstance(memo, str) and memo.strip() else None
        name = merchant_name if isinstance(merchant_name, str) and merchant_name.strip() else None
        if self.rules:
            ruled = self._apply_rules(descriptor, parsed)
            if ruled is not None:
                return ruled
        nkey = (parsed.text, parsed.domains, parsed.star_prefix, code, memo_text, name)
        cached = self._norm_cache.get(nkey)
        if cached is not None:
            return cached
        result = self._decide(parsed, code, memo_text, name)
        self._remember(self._norm_cache, nkey, result)
        return result

    def _apply_rules(self, descriptor: object, parsed: ParsedDescriptor) -> Classification | None:
        raw = descriptor if isinstance(descriptor, str) else parsed.text
        raw_up = raw.upper()
        norm = parsed.text
        for i, rule in enumerate(self.rules):
            pat = rule.pattern.upper().strip()
            if not pat:
                continue
            if rule.kind == "contains":
                hit = pat in raw_up or pat in norm
            elif rule.kind == "exact":
                hit = pat == raw_up.strip() or compact(pat) == compact(norm)
            else:
                rx = self._regex.get(i)
                hit = rx is not None and bool(rx.search(raw) or rx.search(norm))
            if not hit:
                continue
            label = f"rule {rule.rule_id}" if rule.rule_id is not None else "a user rule"
            if rule.vendor_slug is None:
                return Classification(
                    None,
                    None,
                    None,
                    False,
                    CONFIDENCE["rule"],
                    "rule",
                    rule.pattern,
                    norm,
                    f"{label} ({rule.kind} {rule.pattern!r}) marks this as not software",
                )
            vendor = self.catalog.get(rule.vendor_slug)
            return Classification(
                rule.vendor_slug,
                vendor.name if vendor else None,
                (vendor.category or None) if vendor else None,
                vendor.is_software if vendor else True,
                CONFIDENCE["rule"],
                "rule",
                rule.pattern,
                norm,
                f"{label} ({rule.kind} {rule.pattern!r}) assigns "
                f"{vendor.name if vendor else rule.vendor_slug}",
            )
        return None

    # evidence ---------------------------------------------------------------------------
    def _exact(
        self, tokens: Sequence[str], star_prefix: str | None, *, allow_weak: bool = False
    ) -> tuple[KeyHit, int] | None:
        """Longest run of leading tokens that is a catalog key. Weak keys must cover every
        token; very short reseller codes (FS, DRI) need the ``*`` that announces them."""
        n = len(tokens)
        if not n:
            return None
        ctoks = tokens[:MAX_LEADING_TOKENS]
        exact = self.catalog.exact
        for k in range(len(ctoks), 0, -1):
            key = "".join(ctoks[:k])
            hits = exact.get(key)
            if not hits:
                continue
            for h in hits:
                if not h.strong and k != n and not (allow_weak and k == 1):
                    continue
                if (
                    len(key) <= 3
                    and h.vendor.is_reseller
                    and n > 1
                    and compact(star_prefix or "") != tokens[0]
                ):
                    continue
                return h, k
        return None

    def _domain(self, domains: Sequence[str]) -> tuple[Vendor, str] | None:
        index = self.catalog.domains
        for dom in domains:
            labels = dom.split(".")
            for i in range(len(labels) - 1):
                cand = ".".join(labels[i:])
                v = index.get(cand)
                if v is not None:
                    return v, dom
        for dom in domains:
            labels = dom.split(".")
            if len(labels) < 2:
                continue
            label = compact(
                labels[-3]
                if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2
                else labels[-2]
            )
            hits = self.catalog.exact.get(label)
            if hits and len(label) >= 5 and hits[0].strong:
                return hits[0].vendor, dom
        return None

    def _truncated(
        self, tokens: Sequence[str], min_len: int, *, exact_k: int | None = None
    ) -> tuple[KeyHit, str] | None:
        ctoks = tokens[:4]
        for k in range(len(ctoks), 0, -1):
            if exact_k is not None and k != exact_k:
                continue
            q = "".join(ctoks[:k])
            if len(q) < min_len:
                continue
            keys = self.catalog.keys_with_prefix(q, limit=20)
            if not keys:
                continue
            first = self.catalog.exact[keys[0]][0]
            if not all(self.catalog.exact[k2][0].vendor.slug == first.vendor.slug for k2 in keys):
                continue
            if q in _vendor_word_prefixes(first.vendor) or any(
                q in _word_prefixes(self.catalog.exact[k2][0].text) for k2 in keys
            ):
                # "PINNACLE" is a whole word of "PinnacleCart", not a cut: statements cut
                # names at a fixed width, mid-word ("ACTIVECAMP", "GOOGLE STORA").
                continue
            return first, q
        return None

    def _fuzzy(self, tokens: Sequence[str]) -> tuple[KeyHit, str, float, int] | None:
        ctoks = tokens[:2]
        best: tuple[KeyHit, str, float, int] | None = None
        for k in range(1, len(ctoks) + 1):
            q = "".join(ctoks[:k])
            if len(q) < FUZZY_MIN_LEN:
                continue
            block = self._blocks.get(q[:2])
            if not block:
                continue
            found = process.extract(
                q, block, scorer=fuzz.ratio, limit=6, score_cutoff=FUZZY_CUTOFF - FUZZY_MARGIN
            )
            # A key that merely extends the query (or the reverse) is truncation evidence,
            # judged by _truncated with its own length floor ("ROCKET" is not "Rocketfy").
            found = [f for f in found if not (f[0].startswith(q) or q.startswith(f[0]))]
            if not found:
                continue
            top_key, top_score, _ = found[0]
            top = self.catalog.exact[top_key][0]
            runner = max(
                (
                    s
                    for key, s, _ in found[1:]
                    if self.catalog.exact[key][0].vendor.slug != top.vendor.slug
                ),
                default=0.0,
            )
            if (
                top_score >= FUZZY_CUTOFF
                and top_score - runner >= FUZZY_MARGIN
                and (best is None or top_score > best[2])
            ):
                best = (top, q, top_score, k)
        return best

    def _lookup(
        self,
        tokens: Sequence[str],
        domains: Sequence[str],
        star_prefix: str | None,
        *,
        product: bool = False,
        allow_weak: bool = False,
    ) -> _Match | None:
        ex = self._exact(tokens, star_prefix, allow_weak=allow_weak)
        if ex is not None:
            h, k = ex
            if k < len(tokens) and len(tokens[k]) >= 3:
                # A longer key cut off by the statement beats the shorter exact one:
                # "GOOGLE *GOOGLE STORA" is Google Storage, not the bare "GOOGLE *GOOGLE".
                longer = self._truncated(tokens[: k + 1], TRUNCATION_MIN_LEN, exact_k=k + 1)
                if longer is not None and longer[0].vendor.slug != h.vendor.slug:
                    lh, q = longer
                    return _Match(
                        lh.vendor,
                        lh.kind,
                        lh.text,
                        CONFIDENCE["truncated"],
                        f"{q!r} is a cut-off {lh.kind} {lh.text!r}",
                        k + 1,
                    )
            method: MatchedBy = h.kind
            return _Match(h.vendor, method, h.text, CONFIDENCE[h.kind], f"{h.kind} {h.text!r}", k)
        dm = self._domain(domains)
        if dm is not None:
            v, dom = dm
            return _Match(v, "domain", dom, CONFIDENCE["domain"], f"domain {dom}")
        tr = self._truncated(tokens, RESELLER_TRUNCATION_MIN_LEN if product else TRUNCATION_MIN_LEN)
        if tr is not None:
            h, q = tr
            return _Match(
                h.vendor,
                h.kind,
                h.text,
                CONFIDENCE["truncated"],
                f"{q!r} is a cut-off {h.kind} {h.text!r}",
            )
        return None

    def _looks_like_small_merchant(
        self, match: _Match, parsed: ParsedDescriptor, tier: str | None
    ) -> bool:
        """True when a software match is more likely an ordinary merchant: a short key
        ("ZOOM CAR WASH", "SQ *NOTION BAKERY"), or any key of a vendor known only from the
        open sources ("PEPPERONI PIZZA" is not the Pepperoni tool)."""
        if not match.vendor.is_software or match.method in ("domain", "rule"):
            return False
        used = match.tokens_used
        if not used:
            return False
        short = len(compact("".join(parsed.tokens[:used]))) <= SHORT_KEY_LEN
        if not short and self.catalog.is_curated(match.vendor.slug):
            return False
        return (
            tier == "other"
            or parsed.processor in SMALL_MERCHANT_PROCESSORS
            or any(t in MERCHANT_WORDS for t in parsed.tokens[used:])
        )

    def _decide(
        self, parsed: ParsedDescriptor, code: str | None, memo: str | None, name: str | None
    ) -> Classification:
        tier = mcc_tier(code)
        tokens = parsed.keys  # compact matching keys, one per normalised token
        match: _Match | None = None
        reseller: Vendor | None = None

        if name is not None:
            np = parse(name)
            ex = self._exact(np.keys, np.star_prefix)
            if ex is not None and not ex[0].vendor.is_reseller:
                h, _ = ex
                match = _Match(
                    h.vendor,
                    h.kind,
                    h.text,
                    CONFIDENCE["merchant_name"],
                    f"merchant name {name!r} is {h.kind} {h.text!r}",
                )

        memo_soft = memo is not None and _MEMO_SOFTWARE.search(memo.upper()) is not None
        corroborated = tier in ("strong", "info", "catch_all") or memo_soft
        if match is None:
            match = self._lookup(
                tokens, parsed.domains, parsed.star_prefix, allow_weak=corroborated
            )
            if match is not None and self._looks_like_small_merchant(match, parsed, tier):
                match = None
            if match is not None and match.vendor.is_reseller:
                reseller = match.vendor
                rest = tokens[match.tokens_used :] if match.tokens_used else ()
                rest_domains = tuple(
                    d for d in parsed.domains if self.catalog.domains.get(d) is not reseller
                )
                product = (
                    self._lookup(rest, rest_domains, None, product=True)
                    if (rest or rest_domains)
                    else None
                )
                if (
                    product is not None
                    and product.vendor.slug != reseller.slug
                    and not (product.vendor.is_reseller)
                ):
                    match = replace(
                        product,
                        score=product.score * 0.97,
                        how=f"sold through {reseller.name}; product {product.how}",
                    )
                else:
                    match = _Match(
                        reseller,
                        "reseller",
                        match.text,
                        CONFIDENCE["reseller"],
                        f"reseller {match.text!r}, product not visible",
                    )

        if match is None and tokens:
            fz = self._fuzzy(tokens)
            if fz is not None and tier != "other":
                h, q, score, k = fz
                match = _Match(
                    h.vendor,
                    "fuzzy",
                    h.text,
                    round(score / 100 * 0.85, 3),
                    f"{q!r} is close to {h.kind} {h.text!r} ({score:.0f}/100)",
                    k,
                )
                if self._looks_like_small_merchant(match, parsed, tier):
                    match = None

        if match is None and memo is not None:
            mp = parse(memo)
            for i in range(min(len(mp.keys), 12)):
                ex = self._exact(mp.keys[i:], None)
                if ex is not None and ex[0].curated and not ex[0].vendor.is_reseller:
                    h, _ = ex
                    match = _Match(
                        h.vendor, "alias", h.text, CONFIDENCE["memo"], f"memo mentions {h.text!r}"
                    )
                    break

        norm = parsed.text
        if match is not None:
            v = match.vendor
            conf = match.score
            extra = ""
            if code and tier == "strong" and v.is_software:
                conf = min(1.0, conf + 0.03)
                extra = f"; MCC {code} agrees"
            elif code and tier == "other" and v.is_software and match.method != "rule":
                conf = max(0.05, conf - 0.1)
                extra = f"; MCC {code} ({mcc_label(code)}) is not a software category"
            verdict = "software" if v.is_software else "not software by policy"
            return Classification(
                vendor_slug=v.slug,
                vendor_name=v.name,
                category=(v.category or None) if v.is_software else None,
                is_software=v.is_software,
                confidence=round(conf, 3),
                matched_by=match.method,
                matched_text=match.text,
                normalised=norm,
                explanation=f"{v.name} ({verdict}): {match.how}{extra}",
                reseller_slug=reseller.slug if reseller is not None and reseller is not v else None,
            )

        if tier == "strong":
            return Classification(
                None,
                None,
                "other_software",
                True,
                CONFIDENCE["mcc_strong"],
                "mcc",
                code,
                norm,
                f"no catalog vendor; MCC {code} ({mcc_label(code or '')}) is a software category",
            )
        if tier == "info" and memo_soft:
            return Classification(
                None,
                None,
                "other_software",
                True,
                CONFIDENCE["mcc_info_memo"],
                "mcc",
                code,
                norm,
                f"no catalog vendor; MCC {code} is information/telecom and the memo names software",
            )
        conf = 0.8 if tier == "other" else 0.5 if tier == "info" else 0.6
        why = "empty descriptor" if not norm else f"no catalog vendor matches {norm[:60]!r}"
        if code and tier:
            why += f"; MCC {code} is {tier.replace('_', '-')}"
        return Classification(None, None, None, False, conf, "none", None, norm, why)
