"""The matcher: descriptor -> :class:`Classification`, with scored, explained evidence.

Order:

1. user rules (:class:`MatchRule`, ascending priority): the first that matches decides;
2. the provider's clean merchant name, when given, matched exactly;
3. candidates found **anywhere** in the descriptor (:mod:`classifiers.candidates`): every
   run of tokens that is a catalog name, alias, billing descriptor or legal name, a cut-off
   name at the start of the merchant text, every domain; each scored on explained features
   (kind and length of the key, curated or derived, where it stands, ordinary-word names,
   shop words around it, point-of-sale prefixes, MCC, printed category labels). The best
   candidate whose score reaches the threshold wins; the runner-up is named;
4. roles: when the winner is an intermediary (merchant of record, app store, namespaced
   biller), the product printed after it is the answer: a catalog vendor if it is one, else
   the printed name itself (``matched_by="product"``); the intermediary's own bucket only when
   nothing is printed;
5. fuzzy (rapidfuzz ratio on the leading words) with a cutoff and a margin over the runner-up;
6. vendor named in the memo;
7. long-tail discovery: no vendor, but software by its evidence (MCC, a printed category
   label, a domain, software words, the memo): the extracted name with a software
   probability (``matched_by="discovered"``); otherwise "none".

Software or not: a catalog vendor carries ``is_software`` (non-software brands are rejected
explicitly). Weights and thresholds live in ``data/weights.json`` and are chosen by
measurement (``python -m classifiers.evaluate``).

This module holds the order above; the answers it builds live in :mod:`classifiers.answers`,
what an intermediary billed for in :mod:`classifiers.intermediaries` and long-tail discovery
in :mod:`classifiers.discovery`.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from rapidfuzz import fuzz, process

from classifiers import candidates as cand
from classifiers.answers import CONFIDENCE, answer, printed_product, scored_answer
from classifiers.answers import Match as _Match
from classifiers.catalog import Catalog, KeyHit
from classifiers.discovery import discover
from classifiers.intermediaries import SELLS_OTHERS as _SELLS_OTHERS
from classifiers.intermediaries import billed_product
from classifiers.intermediaries import intermediary as _intermediary
from classifiers.intermediaries import is_company_of as _is_company_of
from classifiers.intermediaries import own_product as _own_product
from classifiers.mcc import clean_mcc, mcc_tier
from classifiers.models import Classification, MatchRule, Vendor
from classifiers.normalise import PROCESSORS, ParsedDescriptor, compact, parse
from classifiers.tagging import Role, lexicon, tag

CLASSIFIER_VERSION = "2026.12.1"

# Fuzzy thresholds, measured with `bench/bench_classify.py --sweep` (ratio on compact keys):
# cutoff 80-82 lets ordinary merchants through on the dev set ("BEERHIVE PUB",
# "CAFETASIA"), 84-85 has no false match on either labelled set and recovers 245/289 one-edit
# typos of catalog names, 86 recovers 231, 88 214, 92 176. The margin over the runner-up
# vendor (4) costs one typo at most and guards near-duplicates ("Mailgun"/"Mailjet").
FUZZY_CUTOFF = 85.0
FUZZY_MARGIN = 4.0
FUZZY_MIN_LEN = 6
# Each cached result costs about 0.9 KB (key, result and its explanation; measured on unique
# bank-transfer memos): 50,000 keep a statement's distinct merchants (a card file has tens to
# thousands) within ~45 MB, where 250,000 took a 434k-row MT940 import, whose every memo is
# unique, past 512 MiB (bench/bench_import.py --formats --only mt940).
MAX_CACHE = 50_000

_MEMO_SOFTWARE = re.compile(
    r"\b(SOFTWARE|SAAS|SUBSCRIPTION|LICEN[CS]E|HOSTING|DOMAIN|CLOUD|API|SEATS?|WORKSPACE)\b"
)
# "ADOBE *CREATIVE CLD": a biller's own prefix before a star, the soft-descriptor layout.
_STAR_AFTER_FIRST = re.compile(r"^\s*[A-Z0-9][A-Z0-9.&'-]{2,}\s?\*")


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
        self.weights = cand.load_weights()
        lexicon()  # load the word lists and gazetteer now, not on the first descriptor
        cand.prepare(self.catalog)

    # -- public ---------------------------------------------------------------------------
    def classify(
        self,
        descriptor: str,
        *,
        mcc: str | None = None,
        memo: str | None = None,
        merchant_name: str | None = None,
        boilerplate: frozenset[str] = frozenset(),
    ) -> Classification:
        """Classify one descriptor. ``mcc`` is a 4-digit ISO 18245 code (other values are
        ignored); ``memo`` is free text from the expense/cardholder; ``merchant_name`` is a
        provider's cleaned merchant name when it has one; ``boilerplate`` is the wording the
        descriptor's source repeats on most rows (:func:`classifiers.boilerplate.learn`)."""
        key = (descriptor, mcc, memo, merchant_name, boilerplate)
        try:
            hit = self._raw_cache.get(key)
        except TypeError:  # unhashable garbage: classify without caching
            return self._classify(descriptor, mcc, memo, merchant_name, boilerplate)
        if hit is not None:
            return hit
        result = self._classify(descriptor, mcc, memo, merchant_name, boilerplate)
        self._remember(self._raw_cache, key, result)
        return result

    def classify_many(
        self,
        items: Iterable[tuple[str, str | None, str | None]],
        boilerplate: frozenset[str] = frozenset(),
    ) -> list[Classification]:
        """Classify ``(descriptor, mcc, memo)`` tuples in order, with the same answers as
        :meth:`classify` one by one; the batch path shares the caches, so repeated
        descriptors cost a dictionary lookup."""
        with _collector_paused():
            return self._classify_many(items, boilerplate)

    def _classify_many(
        self,
        items: Iterable[tuple[str, str | None, str | None]],
        boilerplate: frozenset[str],
    ) -> list[Classification]:
        cache = self._raw_cache
        out: list[Classification] = []
        append = out.append
        for descriptor, mcc, memo in items:
            key = (descriptor, mcc, memo, None, boilerplate)
            try:
                hit = cache.get(key)
            except TypeError:
                append(self._classify(descriptor, mcc, memo, None, boilerplate))
                continue
            if hit is None:
                hit = self._classify(descriptor, mcc, memo, None, boilerplate)
                self._remember(cache, key, hit)
            append(hit)
        return out

    def scored_candidates(
        self, descriptor: str, *, mcc: str | None = None, memo: str | None = None
    ) -> list[cand.Candidate]:
        """The candidates step 3 weighs for ``descriptor``, best first, each with its
        features and score under ``self.weights`` (no rules, no fuzzy, no memo, no
        discovery). For fitting and explaining the weights (:mod:`classifiers.fit`)."""
        parsed = parse(descriptor)
        if not parsed.keys:
            return []
        tier = mcc_tier(clean_mcc(mcc))
        memo_soft = bool(memo and _MEMO_SOFTWARE.search(memo.upper()))
        star = parsed.processor is None and _STAR_AFTER_FIRST.match(descriptor.upper()) is not None
        roles = tag(parsed.keys, parsed.star_prefix, frozenset())
        ctx = self._context(parsed, roles, tier, memo_soft, star)
        corroborated = tier in ("strong", "info", "catch_all") or memo_soft
        return self._candidates(parsed, ctx, corroborated)

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
        self,
        descriptor: object,
        mcc: object,
        memo: object,
        merchant_name: object,
        boilerplate: frozenset[str] = frozenset(),
    ) -> Classification:
        parsed = parse(descriptor)
        code = clean_mcc(mcc)
        memo_text = memo if isinstance(memo, str) and memo.strip() else None
        name = merchant_name if isinstance(merchant_name, str) and merchant_name.strip() else None
        if self.rules:
            ruled = self._apply_rules(descriptor, parsed)
            if ruled is not None:
                return ruled
        learned = (
            frozenset(k for k in parsed.keys if k in boilerplate) if boilerplate else frozenset()
        )
        star = (
            isinstance(descriptor, str)
            and parsed.processor is None
            and "*" in descriptor
            and _STAR_AFTER_FIRST.match(descriptor.upper()) is not None
        )
        nkey: tuple[object, ...] = (
            parsed.text,
            parsed.domains,
            parsed.star_prefix,
            parsed.processor,
            code,
            memo_text,
            name,
            learned,
            star,
            parsed.company_ends,
        )
        cached = self._norm_cache.get(nkey)
        if cached is not None:
            return cached
        result = self._decide(parsed, code, memo_text, name, learned, star)
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
        """Longest run of leading tokens that is a catalog key (used for a provider's clean
        merchant name and the memo). Weak keys must cover every token."""
        n = len(tokens)
        if not n:
            return None
        ctoks = tokens[: cand.MAX_SPAN]
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

    def _domain_candidates(
        self, domains: Sequence[str], keys: Sequence[str] = ()
    ) -> list[cand.Candidate]:
        """Each domain seen (or a parent domain: ``billing.acme.io`` -> ``acme.io``) that the
        catalog knows, then a domain whose label is a strong catalog key."""
        index = self.catalog.domains
        out: list[cand.Candidate] = []
        seen: set[str] = set()
        for dom in domains:
            labels = dom.split(".")
            if dom not in index:
                labels = _uncut(dom, index).split(".")
            for i in range(len(labels) - 1):
                v = index.get(".".join(labels[i:]))
                if v is not None and v.slug not in seen:
                    seen.add(v.slug)
                    at = _position(keys, dom)
                    out.append(
                        cand.Candidate(
                            v, "domain", dom, at, at + 1, len(compact(dom)), True, "domain"
                        )
                    )
                    break
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
            if hits and len(label) >= 5 and hits[0].strong and hits[0].vendor.slug not in seen:
                v = hits[0].vendor
                seen.add(v.slug)
                at = _position(keys, dom)
                out.append(cand.Candidate(v, "domain", dom, at, at + 1, len(label), True, "domain"))
        return out

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
            # judged with its own length floor ("ROCKET" is not "Rocketfy").
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

    def _context(
        self,
        parsed: ParsedDescriptor,
        roles: tuple[Role, ...],
        tier: str | None,
        memo_soft: bool,
        star: bool = False,
    ) -> cand.Context:
        dom_vendors = (
            frozenset(
                v.slug for d in parsed.domains if (v := self.catalog.domains.get(d)) is not None
            )
            if parsed.domains
            else frozenset()
        )
        processor = parsed.processor
        if processor is None and "proc" in roles:
            # A processor printed after the bank's own wording ("POS DEBIT SQ *...").
            processor = next(
                (
                    PROCESSORS[k]
                    for k, r in zip(parsed.keys, roles, strict=True)
                    if r == "proc" and k in PROCESSORS
                ),
                None,
            )
        return cand.Context(
            keys=parsed.keys,
            roles=roles,
            tier=tier,
            processor=processor,
            domains=parsed.domains,
            domain_vendors=dom_vendors,
            category_label=_has_category_label(parsed.keys),
            memo_software=memo_soft,
            corroborated=tier in ("strong", "info", "catch_all") or memo_soft,
            soft_descriptor=star,
            company_ends=parsed.company_ends,
        )

    def _candidates(
        self, parsed: ParsedDescriptor, ctx: cand.Context, allow_weak: bool
    ) -> list[cand.Candidate]:
        keys = parsed.keys
        roles = ctx.roles
        found = cand.generate(self.catalog, keys, roles, allow_weak=allow_weak)
        if parsed.domains:
            found += self._domain_candidates(parsed.domains, keys)
        lead = next((i for i, r in enumerate(roles) if r not in ("noise", "bank", "proc")), None)
        starts = {lead} if lead is not None else set()
        if "proc" in roles:
            starts |= {i + 1 for i, r in enumerate(roles[:-1]) if r == "proc"}
        for start in sorted(starts):
            if start is None or start >= len(keys):
                continue
            tr = cand.truncated(self.catalog, keys, start, cand.TRUNCATION_MIN_LEN)
            if tr is not None:
                found.append(tr)
        w = self.weights
        return sorted((cand.score(c, ctx, w) for c in found), key=lambda c: (-c.score, -c.key_len))

    def _decide(
        self,
        parsed: ParsedDescriptor,
        code: str | None,
        memo: str | None,
        name: str | None,
        learned: frozenset[str],
        star: bool = False,
    ) -> Classification:
        tier = mcc_tier(code)
        norm = parsed.text
        memo_soft = memo is not None and _MEMO_SOFTWARE.search(memo.upper()) is not None

        if name is not None:
            named = parse(name)
            hit = self._exact(named.keys, named.star_prefix)
            if hit is not None and not hit[0].vendor.is_reseller:
                h, _ = hit
                return answer(
                    _Match(
                        h.vendor,
                        h.kind,
                        h.text,
                        CONFIDENCE["merchant_name"],
                        f"merchant name {name!r} is {h.kind} {h.text!r}",
                    ),
                    norm,
                    code,
                    tier,
                )

        roles = tag(parsed.keys, parsed.star_prefix, learned) if parsed.keys else ()
        ctx = self._context(parsed, roles, tier, memo_soft, star)
        corroborated = tier in ("strong", "info", "catch_all") or memo_soft
        found = self._candidates(parsed, ctx, corroborated)
        w = self.weights
        accepted = [c for c in found if c.score >= w.accept]
        if accepted:
            best = accepted[0]
            runner = next((c for c in found if c.vendor.slug != best.vendor.slug), None)
            # "PARENT *PRODUCT": a biller's own prefix before a star, the product after it.
            # A domain before the star is the merchant's own ("TRELLO.COM* ATLASSIAN"): the
            # words after it are its company, not a product it sells.
            prefix = (
                ctx.soft_descriptor
                and best.start == 0
                and best.end == 1
                and "." not in best.key_text
                and best.hit_kind != "domain"
            )
            if _intermediary(best.vendor) or prefix:
                product = billed_product(self.catalog, self.weights, parsed, ctx, best, found)
                sells_others = best.vendor.is_reseller or best.vendor.role in _SELLS_OTHERS
                if isinstance(product, cand.Candidate) and _is_company_of(product, best):
                    product = None  # "ZOOM *ZOOM VIDEO COMMUNICATIONS": the seller's company
                if isinstance(product, cand.Candidate):
                    via = best if sells_others and not _own_product(best, product) else None
                    return scored_answer(self.weights, product, runner, norm, code, tier, via)
                if isinstance(product, str) and sells_others:
                    return printed_product(product, best, norm)
                # Nothing else printed (or the parent's own product line): the biller itself.
                bucket = best.vendor.is_reseller
                return scored_answer(
                    self.weights, best, runner, norm, code, tier, None, bucket=bucket
                )
            earlier = next(
                (
                    c
                    for c in found
                    if c.vendor.is_reseller
                    and c.end <= best.start
                    and c.hit_kind != "domain"
                    and (c.score >= w.product_accept or ctx.roles[c.start] == "proc")
                ),
                None,
            )
            if earlier is not None and _own_product(earlier, best):
                earlier = None
            return scored_answer(self.weights, best, runner, norm, code, tier, earlier)

        if parsed.keys and tier != "other":
            lead = next((i for i, r in enumerate(roles) if r == "word"), None)
            if lead is not None:
                fz = self._fuzzy(parsed.keys[lead:])
                if fz is not None:
                    h, q, fscore, k = fz
                    fc = cand.Candidate(
                        h.vendor, "fuzzy", h.text, lead, lead + k, len(q), h.curated, h.kind
                    )
                    cand.score(fc, ctx, w)
                    if fc.score >= w.accept:
                        fc.features["spelling"] = round(fscore, 1)
                        return scored_answer(
                            self.weights,
                            fc,
                            None,
                            norm,
                            code,
                            tier,
                            None,
                            fuzzy_score=fscore,
                            fuzzy_q=q,
                        )

        if memo is not None:
            mp = parse(memo)
            for i in range(min(len(mp.keys), 12)):
                hit = self._exact(mp.keys[i:], None)
                if hit is not None and hit[0].curated and not hit[0].vendor.is_reseller:
                    h, _ = hit
                    return answer(
                        _Match(
                            h.vendor,
                            "alias",
                            h.text,
                            CONFIDENCE["memo"],
                            f"memo mentions {h.text!r}",
                        ),
                        norm,
                        code,
                        tier,
                    )
        return discover(self.catalog, self.weights, parsed, roles, ctx, code, tier, found)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a batch, when it runs.

    A batch allocates many small objects (parsed lines, candidates, answers) and builds no
    reference cycles, but the allocations alone trigger collections that walk the caches and
    every object made so far (about 2-7% of a batch's time, the full collections growing with
    the caches). Paused only if it was enabled, and enabled again after; a thread that finds
    it paused by another batch leaves it to that batch."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_CUT_TLDS = ("com", "net", "org", "io")


def _uncut(domain: str, index: dict[str, Vendor]) -> str:
    """A catalog domain that ``domain`` is cut from at the statement's width
    ("aws.amazon.co" for aws.amazon.com), else ``domain`` itself."""
    head, _, tld = domain.rpartition(".")
    for full in _CUT_TLDS:
        if full != tld and full.startswith(tld) and f"{head}.{full}" in index:
            return f"{head}.{full}"
    return domain


def _position(keys: Sequence[str], domain: str) -> int:
    """The token where a domain is printed (0 when it is not among the tokens)."""
    key = compact(domain)
    for i, k in enumerate(keys):
        if k == key or (len(k) > 4 and key.startswith(k)) or k.startswith(key):
            return i
    return 0


def _has_category_label(keys: Sequence[str]) -> bool:
    lex = lexicon()
    if lex.label_words.isdisjoint(keys):
        return False
    joined = " ".join(keys)
    return any(label in joined for label in lex.category_label_texts)
