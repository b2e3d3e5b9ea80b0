"""The catalog build's shared pieces: slugs and keys, the vendor entry, the builder that
dedupes vendors by name and domain, and the index of what each open source says (to check
``open:<source>`` claims). Used by :mod:`build_catalog` and its source readers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from classifiers.provenance import canon, name_forms

CODE_HOSTS = (
    "github.com",
    "github.io",
    "gitlab.com",
    "npmjs.com",
    "pypi.org",
    "sourceforge.net",
    "bitbucket.org",
    "apache.org",
    "gnu.org",
)


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("+", " plus ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "vendor"


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url if "//" in url else f"https://{url}").hostname or ""
    host = host.lower().removeprefix("www.")
    return host or None


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", name).lower())


Strings = dict[str, str]  # text -> provenance, insertion-ordered


class Builder:
    def __init__(self) -> None:
        self.vendors: dict[str, dict[str, Any]] = {}
        self.by_name: dict[str, str] = {}
        self.by_domain: dict[str, str] = {}
        self.sources: dict[str, set[str]] = {}
        self.excluded: tuple[set[str], set[str]] = (set(), set())

    def find(self, name: str, domains: Iterable[str]) -> str | None:
        slug = self.by_name.get(name_key(name))
        if slug:
            return slug
        for d in domains:
            if d in self.by_domain:
                return self.by_domain[d]
        return None

    def add(self, entry: dict[str, Any], source: str, *, overwrite: bool = False) -> None:
        if not overwrite:
            bad_names, bad_domains = self.excluded
            if name_key(entry["name"]) in bad_names or set(entry["domains"]) & bad_domains:
                return
        existing = self.find(entry["name"], entry["domains"])
        if existing is None and entry["slug"] in self.vendors:
            existing = entry["slug"]
        if existing is not None:
            cur = self.vendors[existing]
            if overwrite:
                # Curated facts win; keep what the sources knew as extra evidence.
                merged = {
                    **entry,
                    "domains": list(dict.fromkeys([*entry["domains"], *cur["domains"]])),
                }
                for field in STRING_FIELDS:
                    merged[field] = {**cur[field], **entry[field]}
                self._drop(existing)
                self._put(merged)
                known = self.sources.pop(existing, set())
                self.sources[merged["slug"]] = known | {source}
                return
            cur["domains"] = list(dict.fromkeys([*cur["domains"], *entry["domains"]]))
            for field in STRING_FIELDS:
                cur[field] = {**entry[field], **cur[field]}
            if not cur.get("pricing_model") and entry.get("pricing_model"):
                cur["pricing_model"] = entry["pricing_model"]
            self.sources.setdefault(existing, set()).add(source)
            return
        slug = entry["slug"]
        n = 2
        while slug in self.vendors:
            slug = f"{entry['slug']}-{n}"
            n += 1
        entry["slug"] = slug
        self._put(entry)
        self.sources.setdefault(slug, set()).add(source)

    def _put(self, entry: dict[str, Any]) -> None:
        self.vendors[entry["slug"]] = entry
        self.by_name.setdefault(name_key(entry["name"]), entry["slug"])
        for d in entry["domains"]:
            self.by_domain.setdefault(d, entry["slug"])

    def drop(self, slug: str) -> None:
        """Remove a vendor that turned out not to belong."""
        self._drop(slug)
        self.sources.pop(slug, None)

    def _drop(self, slug: str) -> None:
        self.vendors.pop(slug)
        self.by_name = {k: v for k, v in self.by_name.items() if v != slug}
        self.by_domain = {k: v for k, v in self.by_domain.items() if v != slug}


STRING_FIELDS = ("aliases", "descriptors", "legal_names")


def company_name(vendor: dict[str, Any]) -> str:
    # "Google (Play & other purchases)" is Google.
    return re.sub(r"\s*\([^)]*\)", "", vendor["name"]).strip()


def entry(
    name: str,
    domains: Iterable[str],
    category: str,
    *,
    aliases: Strings | None = None,
    descriptors: Strings | None = None,
    legal_names: Strings | None = None,
    pricing: str | None = None,
    slug: str | None = None,
    is_reseller: bool = False,
    is_software: bool = True,
    role: str | None = None,
) -> dict[str, Any]:
    return {
        "slug": slug or slugify(name),
        "name": name,
        "domains": [d for d in dict.fromkeys(domains) if d],
        "category": category,
        "aliases": {a: p for a, p in (aliases or {}).items() if a and a != name},
        "descriptors": dict(descriptors or {}),
        "legal_names": dict(legal_names or {}),
        "is_reseller": is_reseller,
        "pricing_model": pricing,
        "is_software": is_software,
        "role": role,
        "parent": None,
    }


@dataclass(frozen=True)
class OpenEntry:
    """One entry of an open catalog: the names it gives a brand, the domains that link it to
    a vendor, and the company behind it (wappalyzer ``cpe``)."""

    title_key: str
    domains: frozenset[str]
    names: frozenset[str]
    companies: frozenset[str]


class OpenIndex:
    """What each open source says, to check ``open:<source>`` claims and to read legal names.

    An entry is linked to a vendor when its title is a spelling of the vendor's name or when
    they share a domain (code hosts such as github.com link nothing)."""

    def __init__(self) -> None:
        self._by_key: dict[str, dict[str, list[OpenEntry]]] = {}
        self._by_title: dict[str, list[tuple[str, OpenEntry]]] = {}
        self._by_domain: dict[str, list[tuple[str, OpenEntry]]] = {}

    def add(
        self,
        source: str,
        title: str,
        domains: Iterable[str] = (),
        names: Iterable[str] = (),
        companies: Iterable[str] = (),
    ) -> None:
        doms = frozenset(d for d in domains if d and not d.endswith(CODE_HOSTS))
        entry = OpenEntry(
            title_key=canon(title),
            domains=doms,
            names=frozenset(canon(n) for n in (title, *names) if canon(n)),
            companies=frozenset(canon(c) for c in companies if canon(c)),
        )
        keys = self._by_key.setdefault(source, {})
        for k in entry.names | entry.companies:
            keys.setdefault(k, []).append(entry)
        self._by_title.setdefault(entry.title_key, []).append((source, entry))
        for d in doms:
            self._by_domain.setdefault(d, []).append((source, entry))

    @staticmethod
    def _linked(entry: OpenEntry, name: str, domains: Iterable[str]) -> bool:
        return entry.title_key in name_forms(name) or bool(entry.domains & set(domains))

    def supports(
        self, source: str, text: str, name: str, domains: Iterable[str], *, company: bool
    ) -> bool:
        """Does ``source`` give ``text`` as a name (or, with ``company``, as the company) of
        a brand linked to the vendor ``name``/``domains``?"""
        doms = list(domains)
        key = canon(text)
        for entry in self._by_key.get(source, {}).get(key, []):
            pool = entry.companies if company else entry.names
            if key in pool and self._linked(entry, name, doms):
                return True
        return False

    def linked(self, name: str, domains: Iterable[str]) -> list[tuple[str, OpenEntry]]:
        """Entries linked to a vendor, in a stable order."""
        out = [e for k in sorted(name_forms(name)) for e in self._by_title.get(k, [])]
        for d in sorted(set(domains)):
            out += self._by_domain.get(d, [])
        return list(dict.fromkeys(out))
