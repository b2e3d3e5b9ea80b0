"""The vendor catalog and its match indexes.

:meth:`Catalog.builtin` loads the packaged ``data/catalog.json`` (built by
``scripts/build_catalog.py``) once per process. :meth:`Catalog.from_vendors` builds a catalog
from any vendors, e.g. the built-in ones merged with a service's custom or edited vendors.
Catalogs are immutable after construction and safe to share between threads.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from classifiers import provenance
from classifiers.models import Vendor
from classifiers.normalise import compact, key_of

KeyKind = Literal["descriptor", "alias"]

# Catalog keys that name no merchant on their own: never indexed.
_NEVER_KEYS = frozenset(
    [
        "THE",
        "APP",
        "APPS",
        "CLOUD",
        "ONLINE",
        "STORE",
        "SHOP",
        "DIGITAL",
        "SERVICES",
        "SERVICE",
        "SOFTWARE",
        "WEB",
        "NET",
        "COM",
        "INC",
        "LLC",
        "PAY",
        "PAYMENT",
        "PAYMENTS",
        "BILL",
        "BILLING",
        "MARKET",
        "SUPPORT",
        "HOME",
        "DATA",
        "LIVE",
        "TEAM",
        "GROUP",
        "CENTER",
        "CENTRE",
        "MEDIA",
        "SYSTEMS",
        "SOLUTIONS",
        "NETWORK",
        "TECH",
        "LABS",
        "PLUS",
        "PRO",
        "PREMIUM",
        "ONE",
        "GO",
        "MY",
        "BOOK",
        "BOOKS",
        "CAFE",
        "BAR",
        "GRILL",
        "FOOD",
        "COFFEE",
        "HOTEL",
        "PARKING",
        "TRAVEL",
        "AIR",
    ]
)
# Derived (non-curated) keys shorter than this only match a whole descriptor, never a prefix:
# short single words ("Jasmine", "Astro") are also restaurant names.
STRONG_KEY_MIN = 8


def _is_strong(
    key: str, text: str, kind: KeyKind, curated: bool, descriptor_keys: set[str]
) -> bool:
    """May this key match the start of a longer descriptor?

    Curated billing descriptors: yes. A name or alias that is one short word ("Front",
    "Sage", "Ghost") only when the curated descriptors list it too: such words are also
    restaurant and shop names. Derived keys: long ones, ones mixing letters and digits
    ("15Five", "123 Reg") and multi-word names of 6+ characters."""
    if len(key) >= STRONG_KEY_MIN:
        return True
    if curated and (kind == "descriptor" or key in descriptor_keys):
        return True
    has_digit = not key.isalpha() and not key.isdigit()
    if has_digit and len(key) >= 4:
        return True
    return len(text.split()) >= 2 and len(key) >= 6


@dataclass(frozen=True, slots=True)
class KeyHit:
    """One catalog key pointing at a vendor. ``strong`` keys may match the start of a longer
    descriptor; weak ones only the whole merchant text."""

    vendor: Vendor
    kind: KeyKind
    text: str
    strong: bool
    curated: bool


class Catalog:
    """An immutable set of vendors with exact, prefix and domain indexes.

    ``vendors`` keeps input order; slugs are unique (a later vendor with the same slug
    replaces an earlier one, which is how a service overrides built-in entries).
    """

    def __init__(self, vendors: Iterable[Vendor], curated: Iterable[str] = ()) -> None:
        by_slug: dict[str, Vendor] = {}
        for v in vendors:
            by_slug[v.slug] = v
        self.vendors: Sequence[Vendor] = tuple(by_slug.values())
        self._by_slug = by_slug
        self._curated = frozenset(curated)
        self.exact: dict[str, tuple[KeyHit, ...]] = {}
        self.domains: dict[str, Vendor] = {}
        self._starts_strong: dict[str, bool] = {}
        # Per-catalog answers of the truncation search for one run of tokens (see
        # :func:`classifiers.candidates.truncated`); bounded, cleared when full.
        self.window_memo: dict[str, object] = {}
        self._build()

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_vendors(cls, vendors: Iterable[Vendor]) -> Catalog:
        """Build a catalog from vendors (e.g. the built-in ones merged with a service's own).

        A vendor identical to a built-in one keeps the built-in trust level, so an unchanged
        catalog matches exactly like :meth:`builtin`. Custom vendors (unknown slug) and edited
        built-in vendors count as curated: their short aliases may match the start of a
        descriptor, because someone chose them deliberately."""
        vs = list(vendors)
        builtin = cls.builtin()
        curated = [v.slug for v in vs if builtin.is_curated(v.slug) or builtin.get(v.slug) != v]
        return cls(vs, curated=curated)

    @classmethod
    def builtin(cls) -> Catalog:
        """The packaged catalog, loaded once per process (about 0.1-0.3 s)."""
        global _BUILTIN
        with _LOCK:
            if _BUILTIN is None:
                _BUILTIN = cls._load_packaged()
            return _BUILTIN

    @classmethod
    def _load_packaged(cls) -> Catalog:
        """Read ``data/catalog.json`` (format 2: every alias, descriptor and legal name is a
        ``[text, provenance]`` pair). Raises ValueError for another format."""
        raw = resources.files("classifiers").joinpath("data/catalog.json").read_text("utf-8")
        data: dict[str, Any] = json.loads(raw)
        if data.get("format") != 2:
            raise ValueError(f"catalog.json format {data.get('format')!r}, expected 2")
        vendors: list[Vendor] = []
        curated: list[str] = []
        for item in data["vendors"]:
            aliases = [(t, p) for t, p in item["aliases"]]
            descriptors = [(t, p) for t, p in item["descriptors"]]
            legal_names = [(t, p) for t, p in item["legal_names"]]
            vendors.append(
                Vendor(
                    slug=item["slug"],
                    name=item["name"],
                    domains=tuple(item["domains"]),
                    category=item["category"],
                    aliases=tuple(t for t, _ in aliases),
                    descriptors=tuple(t for t, _ in descriptors),
                    is_reseller=item["is_reseller"],
                    pricing_model=item["pricing_model"],
                    is_software=item["is_software"],
                    legal_names=tuple(t for t, _ in legal_names),
                    role=item["role"],
                    provenance=(*aliases, *descriptors, *legal_names),
                )
            )
            if item.get("curated"):
                curated.append(item["slug"])
        return cls(vendors, curated=curated)

    def _build(self) -> None:
        exact: dict[str, list[KeyHit]] = {}
        for v in self.vendors:
            is_curated = v.slug in self._curated
            entries: list[tuple[KeyKind, str, str]] = [
                ("descriptor", d, key_of(d)) for d in v.descriptors
            ]
            descriptor_keys = {e[2] for e in entries}
            entries += [("alias", a, key_of(a)) for a in (v.name, *v.aliases, *v.legal_names)]
            for kind, text, key in entries:
                if len(key) < 2 or key in _NEVER_KEYS or key.isdigit():
                    continue
                if not is_curated and len(key) < 3:
                    continue
                strong = _is_strong(key, text, kind, is_curated, descriptor_keys)
                hits = exact.setdefault(key, [])
                if any(h.vendor.slug == v.slug for h in hits):
                    continue
                hits.append(KeyHit(v, kind, text, strong, is_curated))
            for d in v.domains:
                d = d.lower().strip()
                if d and "/" not in d and (d not in self.domains or is_curated):
                    self.domains[d] = v
        # Curated first, then descriptors before aliases: the first hit of a key is used.
        self.exact = {
            k: tuple(sorted(hs, key=lambda h: (not h.curated, h.kind != "descriptor")))
            for k, hs in exact.items()
        }
        self._prefix_keys = sorted(k for k, hs in self.exact.items() if hs[0].strong)
        # Every beginning of every key: a run of tokens that is not one cannot grow into a
        # key, so the candidate search stops extending it.
        self.key_prefixes: frozenset[str] = frozenset(
            k[:j] for k in self.exact for j in range(1, len(k) + 1)
        )

    # -- queries ------------------------------------------------------------------------
    def get(self, slug: str) -> Vendor | None:
        """The vendor with this slug, or None."""
        return self._by_slug.get(slug)

    def __len__(self) -> int:
        return len(self.vendors)

    def __iter__(self) -> Iterator[Vendor]:
        return iter(self.vendors)

    def is_curated(self, slug: str) -> bool:
        return slug in self._curated

    def keys_with_prefix(self, prefix: str, limit: int = 50) -> list[str]:
        """Strong keys that start with ``prefix`` (sorted, at most ``limit``)."""
        i = bisect.bisect_left(self._prefix_keys, prefix)
        out: list[str] = []
        while i < len(self._prefix_keys) and len(out) < limit:
            k = self._prefix_keys[i]
            if not k.startswith(prefix):
                break
            out.append(k)
            i += 1
        return out

    def starts_strong_key(self, prefix: str) -> bool:
        """True when some strong key starts with ``prefix``; remembered per prefix (the
        truncation search asks it of the first word of most descriptors)."""
        hit = self._starts_strong.get(prefix)
        if hit is None:
            hit = bool(self.keys_with_prefix(prefix, limit=1))
            if len(self._starts_strong) >= 100_000:
                self._starts_strong.clear()
            self._starts_strong[prefix] = hit
        return hit

    @property
    def strong_keys(self) -> Sequence[str]:
        return self._prefix_keys

    def lookup_name(self, name: str) -> Vendor | None:
        """Resolve a human vendor name ("Akismet (Automattic)", "zoom.us") to a vendor:
        exact key of the name, then without a trailing parenthetical, then as a domain.
        Used to compare labels in evaluation; None when unknown."""
        candidates = [name]
        if "(" in name:
            candidates.append(name.split("(", 1)[0])
        for text in candidates:
            hits = self.exact.get(key_of(text)) or self.exact.get(compact(text))
            if hits:
                return hits[0].vendor
            dom = text.strip().lower()
            if dom in self.domains:
                return self.domains[dom]
        return None

    def without_undocumented(self) -> Catalog:
        """A copy keeping only the aliases, descriptors and legal names whose provenance is
        ``name``, ``domain`` or ``doc:<url>``: what is left of the catalog without what open
        catalogs contributed (and without any string of unknown origin). Comparing the two
        measures how much recognition rests on strings a vendor's facts do not explain.
        Vendors, their names, domains and trust levels are kept."""

        def keep(v: Vendor, texts: tuple[str, ...]) -> tuple[str, ...]:
            documented = {t for t, p in v.provenance if provenance.is_documented(p)}
            return tuple(t for t in texts if t in documented)

        vendors = [
            dataclasses.replace(
                v,
                aliases=keep(v, v.aliases),
                descriptors=keep(v, v.descriptors),
                legal_names=keep(v, v.legal_names),
                provenance=tuple((t, p) for t, p in v.provenance if provenance.is_documented(p)),
            )
            for v in self.vendors
        ]
        return Catalog(vendors, curated=self._curated)


_BUILTIN: Catalog | None = None
_LOCK = threading.Lock()
