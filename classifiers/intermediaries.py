"""Intermediaries: merchants of record, app stores, namespaced billers, wallets and
processors bill for a product. What they billed for is the product printed after them: a
catalog vendor when it is one, else the printed name itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from classifiers import candidates as cand
from classifiers.catalog import Catalog
from classifiers.discovery import title
from classifiers.models import Vendor
from classifiers.normalise import ParsedDescriptor, compact
from classifiers.tagging import Role, lexicon

# Words that name a billing page or a charge, never a product printed after a reseller.
_NOT_A_PRODUCT = frozenset(
    [
        "BILL",
        "BILLING",
        "CHARGE",
        "CHARGES",
        "PAYMENT",
        "HELP",
        "HELPPAY",
        "PAYHELP",
        "INVOICE",
        "ORDER",
        "PURCHASE",
        "SUBSCRIPTION",
        "RENEWAL",
        "MEMBERSHIP",
        "STORE",
        "ONLINE",
        "COM",
    ]
)

_NUMBER_WORDS = frozenset(["ONE", "TWO", "THREE", "FOUR", "FIVE", "TEN", "HUNDRED"])

SELLS_OTHERS = frozenset(["merchant_of_record", "app_store"])
_INTERMEDIARIES = frozenset(["merchant_of_record", "app_store", "namespace", "processor", "wallet"])


def intermediary(v: Vendor) -> bool:
    """A seller that bills for a product: a merchant of record, an app store, a namespaced
    biller ("GOOGLE *..."), a wallet or processor."""
    return v.is_reseller or v.role in _INTERMEDIARIES


def is_company_of(company: cand.Candidate, seller: cand.Candidate) -> bool:
    """The candidate names the company behind the seller (one of its legal names)."""
    own = {compact(x) for x in seller.vendor.legal_names}
    return compact(company.vendor.name) in own or compact(company.key_text) in own


def own_product(reseller: cand.Candidate, product: cand.Candidate) -> bool:
    """A namespace biller selling its own product ("MSFT *MICROSOFT 365", "GOOGLE *CLOUD"):
    the product's catalog text starts with the biller's word."""
    text = compact(product.key_text)
    own = {compact(reseller.vendor.name.split()[0]), compact(reseller.key_text)}
    own |= {compact(a.split()[0]) for a in reseller.vendor.descriptors if a.split()}
    return any(o and len(o) >= 3 and text.startswith(o) for o in own)


def printed_name(
    parsed: ParsedDescriptor, roles: Sequence[Role], start: int, reseller: cand.Candidate
) -> str | None:
    """The product name printed after an intermediary: the words up to the first reference,
    place or bank word."""
    words: list[str] = []
    own = {compact(x) for x in (reseller.vendor.name.split() + reseller.key_text.split())}
    i = start
    for i in range(start, len(parsed.keys)):
        r = roles[i]
        if r in ("word", "soft", "merchant"):
            k = parsed.keys[i]
            if k in _NOT_A_PRODUCT or k in own or k in _NUMBER_WORDS:
                if words:
                    break
                continue
            words.append(k)
            if len(words) == 3:
                break
        elif words:
            break
    after = parsed.keys[i + 1] if i + 1 < len(parsed.keys) else ""
    if words and (after in lexicon().address_words or parsed.keys[i] in lexicon().address_words):
        return None  # "ONE APPLE PARK WAY": the seller's address, not a product
    if not words or len("".join(words)) < 3 or not any(len(x) >= 3 for x in words):
        return None
    if compact("".join(words)) in {compact(reseller.vendor.name), compact(reseller.key_text)}:
        return None
    return title(words)


def billed_product(
    catalog: Catalog,
    weights: cand.Weights,
    parsed: ParsedDescriptor,
    ctx: cand.Context,
    seller: cand.Candidate,
    found: Sequence[cand.Candidate],
) -> cand.Candidate | str | None:
    """What an intermediary billed for: a catalog vendor printed after it (a wallet's
    merchant may also stand before it), or the printed name itself; None when nothing is
    printed."""
    end = seller.end
    # A wallet names its merchant anywhere; a domain (a billing or contact address) is
    # printed after the product it bills for ("GSUITE_ACME CC@GOOGLE.COM").
    anywhere = seller.vendor.role in ("wallet", "processor") or seller.hit_kind == "domain"
    roles = list(ctx.roles)
    for i in range(seller.start, end):
        roles[i] = "proc"
    pctx = replace(ctx, roles=tuple(roles))
    w = weights
    pool = [c for c in found if c.start >= end or c.hit_kind == "domain" or anywhere]
    # After a biller's prefix a short name counts: the layout delimits the product.
    rest = cand.generate(catalog, ctx.keys[end:], roles[end:], allow_weak=True)
    for c in rest:
        c.start += end
        c.end += end
    pool += rest
    if end < len(ctx.keys):
        tr = cand.truncated(catalog, ctx.keys, end, cand.PRODUCT_TRUNCATION_MIN_LEN)
        if tr is not None:
            pool.append(tr)
    options = [
        cand.score(replace(c, features={}), pctx, w)
        for c in pool
        if c.vendor.slug != seller.vendor.slug and not intermediary(c.vendor)
    ]
    options = [o for o in options if o.score >= w.product_accept]
    if options:
        return max(options, key=lambda c: (c.score, c.key_len))
    return printed_name(parsed, ctx.roles, end, seller)
