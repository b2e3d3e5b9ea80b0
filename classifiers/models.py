"""Value types of the recognition engine: vendors, user rules and classification results.

Every type is a frozen dataclass so results can be cached and shared between threads safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

MatchedBy = Literal[
    "rule",
    "alias",
    "descriptor",
    "domain",
    "fuzzy",
    "reseller",
    "product",
    "mcc",
    "discovered",
    "none",
]
RuleKind = Literal["contains", "exact", "regex"]


@dataclass(frozen=True, slots=True)
class Vendor:
    """One catalog entry.

    ``slug`` is the stable identifier; ``category`` is a key of :data:`CATEGORIES` (empty for
    non-software brands). ``aliases`` are alternative names, ``descriptors`` are billing
    descriptors seen on card statements (both free text; the matcher normalises them).
    ``is_reseller`` marks merchants of record (Paddle, FastSpring, ...) whose own name appears
    when the product behind the charge is not visible. ``is_software`` is False for brands the
    catalog carries only so that they are recognised and explicitly rejected (streaming, ads,
    hardware stores, ...).

    ``legal_names`` are the companies behind the product ("Atlassian" for Confluence).
    ``role`` says what kind of intermediary a reseller or namespaced biller is: ``processor``,
    ``wallet``, ``merchant_of_record``, ``app_store`` or ``namespace`` (a parent that prints
    ``PARENT *PRODUCT``); None for a vendor selling its own product. ``provenance`` pairs each
    alias, descriptor and legal name with where it comes from, in that order: ``name``,
    ``domain``, ``doc:<url>`` or ``open:<source>`` (see :mod:`classifiers.provenance`); a
    vendor made by hand has none.

    The last three fields do not take part in equality: a vendor read back from a store that
    does not keep them (the service's vendors table) equals the packaged one, so
    :meth:`Catalog.from_vendors` still recognises it as unedited.
    """

    slug: str
    name: str
    domains: tuple[str, ...] = ()
    category: str = ""
    aliases: tuple[str, ...] = ()
    descriptors: tuple[str, ...] = ()
    is_reseller: bool = False
    pricing_model: str | None = None
    is_software: bool = True
    legal_names: tuple[str, ...] = field(default=(), compare=False)
    role: str | None = field(default=None, compare=False)
    provenance: tuple[tuple[str, str], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class MatchRule:
    """A user rule: a descriptor pattern that forces a vendor, or "not software" when
    ``vendor_slug`` is None.

    ``pattern`` is compared case-insensitively with both the raw descriptor and its normalised
    form. Rules are tried in ascending ``priority`` (then ``rule_id``); the first hit wins.
    An invalid regular expression never matches (it does not raise at classification time).
    A rule naming a slug the classifier's catalog does not hold still assigns that slug
    (software, no name or category): keep rules and catalog in step.
    """

    pattern: str
    kind: RuleKind
    vendor_slug: str | None
    priority: int = 100
    rule_id: int | None = None


@dataclass(frozen=True, slots=True)
class Classification:
    """The answer for one descriptor, explaining itself.

    ``confidence`` is in [0, 1]. ``matched_by`` names the evidence that decided (see
    :data:`MatchedBy`); ``matched_text`` is the alias, descriptor, domain, rule pattern or MCC
    that matched. ``reseller_slug`` is set when the charge went through a merchant of record.

    ``matched_by="product"``: a product printed after an intermediary that the catalog does
    not know (``vendor_name`` is the printed name, ``vendor_slug`` None). ``"discovered"``: no
    vendor, but software by its evidence (MCC, category label, domain, software words).
    ``candidate_name`` is the seller's name extracted for both, the key under which the
    service collects candidate vendors; ``software_probability`` is the scorer's estimate
    (None where it was not estimated).
    """

    vendor_slug: str | None
    vendor_name: str | None
    category: str | None
    is_software: bool
    confidence: float
    matched_by: MatchedBy
    matched_text: str | None
    normalised: str
    explanation: str
    reseller_slug: str | None = None
    software_probability: float | None = None
    candidate_name: str | None = None
