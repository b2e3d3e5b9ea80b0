"""Build ``classifiers/data/catalog.json`` from the open catalog sources and the curated layer.

Reproducible: the same inputs give a byte-identical file (sorted output, no timestamps).

Format 2, one vendor per line: slug, name, domains, category, is_software, is_reseller, role,
pricing_model, curated, sources, and ``aliases``, ``descriptors`` and ``legal_names`` as
``[text, provenance]`` pairs (provenance: ``name``, ``domain``, ``doc:<url>`` or
``open:<source>``, see :mod:`classifiers.provenance`). Legal names come from the curated layer
and from wappalyzer's ``cpe`` (the CPE vendor of a linked technology: ``cpe:2.3:a:atlassian:
confluence`` gives Atlassian).

    .venv/bin/python scripts/build_catalog.py [--sources ../shared/catalog-sources] [--check]

Sources (facts only: names, domains, categories, company ids; no description text is read):

- wappalyzer technologies.json (MIT, 2023-01): products a team buys, in a category we map to
  our taxonomy: entries marked SaaS or with a pricing model, and commercial entries without
  pricing flags (not open source, not hosted on a code host). Advertising, retargeting,
  payment processors, BNPL, shipping carriers, ticketing, domain parking and fundraising are
  dropped (not software by our policy), and so are entries made only of building blocks
  (languages, frameworks, libraries, web servers, themes, fulfilment). ``cpe`` names the
  company behind a technology (a legal name).
- 2fa-directory entries.json: entries in software-like categories (developer, hosting, domains,
  cloud, security, backup, email, communication, task, remote, vpn, identity, marketing,
  creativity, finance). Banking, retail, crypto, universities, gaming, investing, social,
  entertainment, health, travel, transport, government, insurance, food, postal, tickets,
  crowdfunding, betting, IoT, utilities (energy/telecom), payments and "other" are dropped.
- gilbarbara logos.json: developer/tech brands; added as developer tools only when they carry a
  commercial domain (not a code host or a package registry).
- lobehub-icons toc.json (MIT, kept in scripts/catalog-sources): AI model providers and AI
  applications, as AI software (model families are not vendors).
- simple-icons brands.json: aliases ("aka") for vendors already in the catalog, and brands
  named as products of a software vendor whose own site is their icon source ("Cloudflare
  Pages" sourced from cloudflare.com); never a brand on its own (it is a brand list, mostly not
  software).

A technology or logo whose website is a page under another site (``atlassian.com/software/
jira``, ``aws.amazon.com/cloudwatch``) is a product: a vendor of its own, whose legal name is
the site's owner when the product's name says so ("Atlassian Jira", "AWS CloudWatch").

The curated layer (``classifiers/data/curated.toml``) wins over derived entries with the same
slug, name or domain, and adds the non-software brands and the resellers. Every alias,
descriptor and legal name in it carries a provenance (see :mod:`classifiers.provenance`); the
build refuses a ``name``/``domain`` claim it cannot derive and an ``open:<source>`` claim the
source does not make for that brand. Strings taken from open sources carry ``open:<source>``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers import provenance  # noqa: E402
from classifiers.provenance import canon, name_forms  # noqa: E402
from classifiers.taxonomy import CATEGORIES  # noqa: E402

OUT = ROOT / "classifiers" / "data" / "catalog.json"
CURATED = ROOT / "classifiers" / "data" / "curated.toml"
FORMAT = 2
DEFAULT_SOURCES = ROOT / ".." / "shared" / "catalog-sources"
# Sources kept in this repository (small extracts, each with ORIGIN and LICENSE).
LOCAL_SOURCES = ROOT / "scripts" / "catalog-sources"

WAPPALYZER_CATEGORIES: dict[int, str] = {
    1: "hosting_domains",
    2: "communication",
    4: "productivity",
    6: "ecommerce",
    8: "collaboration",
    9: "hosting_domains",
    10: "analytics",
    11: "hosting_domains",
    13: "developer_tools",
    14: "marketing",
    15: "marketing",
    16: "security_it",
    21: "hr",
    23: "cloud_infrastructure",
    24: "developer_tools",
    29: "developer_tools",
    30: "communication",
    31: "cloud_infrastructure",
    32: "marketing",
    34: "cloud_infrastructure",
    35: "developer_tools",
    42: "analytics",
    44: "developer_tools",
    46: "security_it",
    47: "developer_tools",
    48: "cloud_infrastructure",
    50: "productivity",
    51: "hosting_domains",
    52: "customer_support",
    53: "sales_crm",
    54: "marketing",
    55: "finance_accounting",
    58: "customer_support",
    60: "cloud_infrastructure",
    62: "cloud_infrastructure",
    63: "cloud_infrastructure",
    67: "security_it",
    68: "developer_tools",
    69: "security_it",
    70: "security_it",
    71: "marketing",
    72: "productivity",
    73: "analytics",
    74: "analytics",
    75: "marketing",
    76: "marketing",
    78: "developer_tools",
    83: "security_it",
    84: "ecommerce",
    85: "developer_tools",
    86: "analytics",
    88: "hosting_domains",
    89: "productivity",
    90: "ecommerce",
    92: "cloud_infrastructure",
    94: "marketing",
    95: "design",
    96: "marketing",
    97: "analytics",
    98: "ecommerce",
    100: "ecommerce",
    101: "hr",
    102: "ecommerce",
    103: "communication",
    106: "ecommerce",
    108: "ecommerce",
    110: "productivity",
    # Commercial products in these are software a team buys; libraries in them are caught by
    # the open-source rule in wappalyzer().
    3: "developer_tools",
    7: "design",
    20: "design",
    49: "productivity",
    79: "developer_tools",
    93: "ecommerce",
    105: "design",
}
# Categories that make an entry "not software" for us even if another category would map.
WAPPALYZER_EXCLUDE = {36, 41, 77, 91, 99, 104, 109, 111}
# Categories of building blocks (languages, frameworks, libraries, servers, themes, fulfilment):
# an entry with only these is not a product a team subscribes to, whatever its pricing flags.
WAPPALYZER_PARTS = {12, 17, 18, 19, 22, 23, 24, 25, 26, 27, 28, 33, 56, 57, 59, 64, 65, 66, 80, 107}

TWOFA_CATEGORIES: dict[str, str] = {
    "developer": "developer_tools",
    "hosting": "hosting_domains",
    "domains": "hosting_domains",
    "cloud": "cloud_infrastructure",
    "security": "security_it",
    "backup": "security_it",
    "email": "communication",
    "communication": "communication",
    "task": "collaboration",
    "remote": "security_it",
    "vpn": "security_it",
    "identity": "security_it",
    "marketing": "marketing",
    "creativity": "design",
    "finance": "finance_accounting",
}
TWOFA_EXCLUDE = {
    "banking",
    "retail",
    "cryptocurrencies",
    "universities",
    "gaming",
    "investing",
    "social",
    "entertainment",
    "health",
    "travel",
    "transport",
    "government",
    "insurance",
    "food",
    "postal",
    "tickets",
    "crowdfunding",
    "betting",
    "iot",
    "utilities",
    "payments",
    "education",
}
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


def clean_name(name: str) -> str:
    # 2fa-directory disambiguates regional entries as "Name [CA]".
    return re.sub(r"\s*\[[^\]]*\]\s*$", "", name).strip()


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url if "//" in url else f"https://{url}").hostname or ""
    host = host.lower().removeprefix("www.")
    return host or None


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", name).lower())


def cpe_company(cpe: str | None) -> str | None:
    """The vendor part of a CPE 2.3 name, as a company name: ``cpe:2.3:a:atlassian:jira``
    gives ``Atlassian``. CPE vendor ids are lower-case with underscores; we title-case them
    (acronyms of up to three letters upper-case)."""
    parts = (cpe or "").split(":")
    if len(parts) < 5 or not parts[3] or parts[3] in {"*", "-"}:
        return None
    words = parts[3].replace("_", " ").split()
    # Short ids are acronyms: "ibm" is IBM.
    return " ".join(w.upper() if len(w) <= 3 else w[:1].upper() + w[1:] for w in words)


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


def open_index(sources: Path) -> tuple[OpenIndex, dict[str, str]]:
    """Every entry of every source (filtered out or not: a source naming Netflix supports
    Netflix's aliases even though Netflix is not software), and the company display names."""
    index = OpenIndex()
    company_names: dict[str, str] = {}
    wap = json.loads(
        (sources / "wappalyzer-mit-2023-01" / "technologies.json").read_text(encoding="utf-8")
    )
    for name, tech in sorted(wap.items()):
        host = host_of(tech.get("website"))
        company = cpe_company(tech.get("cpe"))
        if company:
            company_names.setdefault(canon(company), company)
        index.add(
            "wappalyzer", name, [host] if host else [], companies=[company] if company else []
        )
    twofa_data = json.loads(
        (sources / "2fa-directory" / "entries.json").read_text(encoding="utf-8")
    )
    for raw_name, item in sorted(twofa_data.items()):
        index.add("2fa-directory", clean_name(raw_name), twofa_domains(item))
    for item in json.loads((sources / "gilbarbara-logos" / "logos.json").read_text("utf-8")):
        host = host_of(item.get("url"))
        index.add("gilbarbara-logos", item["name"], [host] if host else [])
    for item in json.loads((sources / "simple-icons" / "brands.json").read_text("utf-8")):
        # Linked by title only: an icon's "source" is often a press kit or a code host.
        index.add("simple-icons", item["title"], names=simple_icons_aka(item))
    for item in lobehub_items():
        name, inner = split_parenthetical(item["fullTitle"])
        host = host_of(item["desc"])
        index.add("lobehub-icons", name, [host] if host else [], names=[inner] if inner else [])
    return index, company_names


def lobehub_items() -> list[dict[str, Any]]:
    path = LOCAL_SOURCES / "lobehub-icons" / "toc.json"
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return items


def split_parenthetical(title: str) -> tuple[str, str]:
    """Split ``"Firefly (Adobe)"`` into ``("Firefly", "Adobe")``; drop a non-Latin one."""
    m = re.fullmatch(r"(.*?)\s*\(([^)]*)\)\s*", title)
    if not m:
        return title.strip(), ""
    inner = m.group(2).strip()
    return m.group(1).strip(), inner if inner.isascii() else ""


def twofa_domains(item: dict[str, Any]) -> list[str]:
    domains = [item.get("domain", ""), *item.get("additional-domains", [])]
    return [d.lower().removeprefix("www.") for d in domains if d and "/" not in d]


def simple_icons_aka(item: dict[str, Any]) -> list[str]:
    aka: list[str] = (item.get("aliases") or {}).get("aka") or []
    return aka


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


def wappalyzer(src: Path, b: Builder) -> None:
    """Wappalyzer technologies that are products a team buys: SaaS or priced ones, and
    commercial ones without pricing flags (neither open source nor hosted on a code host).
    A technology whose website is a page under another site (``atlassian.com/software/jira``)
    is a product of that site's owner: it becomes a vendor of its own, and
    :func:`attach_products` names the owner as its legal name."""
    data = json.loads((src / "technologies.json").read_text(encoding="utf-8"))
    for name, tech in sorted(data.items()):
        cats = set(tech.get("cats", []))
        if cats & WAPPALYZER_EXCLUDE or cats <= WAPPALYZER_PARTS:
            continue
        priced = bool(tech.get("saas") or tech.get("pricing"))
        url = tech.get("website") or ""
        host = host_of(url)
        if not priced and (tech.get("oss") or not host or host.endswith(CODE_HOSTS)):
            continue
        mapped = [WAPPALYZER_CATEGORIES[c] for c in sorted(cats) if c in WAPPALYZER_CATEGORIES]
        if not mapped:
            continue
        pricing = tech.get("pricing") or []
        model = (
            "subscription"
            if "recurring" in pricing
            else "usage"
            if "payg" in pricing
            else "one_time"
            if "onetime" in pricing
            else "freemium"
            if "freemium" in pricing
            else None
        )
        path = urlparse(url if "//" in url else f"https://{url}").path.strip("/ ")
        if host and path and not host.endswith(CODE_HOSTS):
            e = entry(name, [], mapped[0], pricing=model)
            e["product_of"] = host
            b.add(e, "wappalyzer")
        else:
            b.add(entry(name, [host] if host else [], mapped[0], pricing=model), "wappalyzer")


def owner_of(b: Builder, host: str, slug: str) -> dict[str, Any] | None:
    """The vendor (other than ``slug``) owning ``host`` or a parent domain of it."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        owner = b.by_domain.get(".".join(labels[i:]))
        if owner and owner != slug:
            return b.vendors[owner]
    return None


def company_name(vendor: dict[str, Any]) -> str:
    # "Google (Play & other purchases)" is Google.
    return re.sub(r"\s*\([^)]*\)", "", vendor["name"]).strip()


def _upper_words(text: str) -> list[str]:
    return re.findall(r"[A-Z0-9]+", unicodedata.normalize("NFKD", text).upper())


def maker_of(product: str, owner: dict[str, Any]) -> str | None:
    """The company behind ``product`` (on the owner's site) when the product's name says so:
    it starts with the owner's name ("Adobe Photoshop" on adobe.com: Adobe), or, for a
    curated owner, with the owner's domain label ("AWS CloudWatch" on aws.amazon.com: Amazon
    Web Services; "Apple iOS App Store" on apple.com: Apple). A marketplace page
    ("apps.shopify.com/some-app") names no maker."""
    name = company_name(owner)
    words, owner_words = _upper_words(product), _upper_words(name)
    if not owner_words or len(words) < 2:
        return None
    if len(words) > len(owner_words) and words[: len(owner_words)] == owner_words:
        return name
    labels = {label for d in owner["domains"] for label in _upper_words(d.split(".")[-2:][0])}
    if owner.get("curated") and words[0] in labels:
        # The owner's name may be a product bundle ("Apple App Store & iCloud"): then the
        # label word itself, as the product spells it, is the company.
        return product.split()[0] if owner_words[0] == words[0] else name
    return None


def attach_products(b: Builder, sources: Path) -> None:
    """Products on another vendor's site get that vendor as their legal name when their name
    says so (:func:`maker_of`); a product whose site nobody else owns takes the site as its
    domain. Then simple-icons brands named as products of a software vendor whose own site
    is their icon source join as that vendor's products (Simple Icons has no categories: the
    maker is the evidence that the brand is software)."""
    for slug in sorted(b.vendors):
        v = b.vendors[slug]
        host = v.pop("product_of", None)
        if not host:
            continue
        owner = owner_of(b, host, slug)
        if owner is None:
            v["domains"] = list(dict.fromkeys([*v["domains"], host]))
            b.by_domain.setdefault(host, slug)
            continue
        maker = maker_of(v["name"], owner)
        if maker:
            source = "wappalyzer" if "wappalyzer" in b.sources[slug] else "gilbarbara-logos"
            v["legal_names"].setdefault(maker, f"open:{source}")
        elif b.sources[slug] == {"gilbarbara-logos"}:
            # A logo on a page of someone else's site that does not name its maker is as
            # likely a standard or a free tool (w3.org's SVG, google.com's Chrome) as a
            # product: logos carry no pricing flag to tell.
            b.drop(slug)
    data = json.loads((sources / "simple-icons" / "brands.json").read_text(encoding="utf-8"))
    bad_names, _ = b.excluded
    for item in sorted(data, key=lambda x: x["title"]):
        host = host_of(item.get("source"))
        key = name_key(item["title"])
        if not host or host.endswith(CODE_HOSTS) or key in b.by_name or key in bad_names:
            continue
        owner = owner_of(b, host, "")
        if owner is None or not owner["is_software"] or owner["is_reseller"]:
            continue
        maker = maker_of(item["title"], owner)
        if maker is None:
            continue
        e = entry(item["title"], [], owner["category"])
        e["aliases"] = dict.fromkeys(simple_icons_aka(item), "open:simple-icons")
        e["legal_names"] = {maker: "open:simple-icons"}
        b.add(e, "simple-icons")


def twofa(src: Path, b: Builder) -> None:
    data = json.loads((src / "entries.json").read_text(encoding="utf-8"))
    for raw_name, item in sorted(data.items()):
        cats = item.get("categories", [])
        if any(c in TWOFA_EXCLUDE for c in cats):
            continue
        mapped = [TWOFA_CATEGORIES[c] for c in cats if c in TWOFA_CATEGORIES]
        if not mapped:
            continue
        b.add(entry(clean_name(raw_name), twofa_domains(item), mapped[0]), "2fa-directory")


def logos(src: Path, b: Builder) -> None:
    data = json.loads((src / "logos.json").read_text(encoding="utf-8"))
    for item in sorted(data, key=lambda x: x["name"]):
        url = item.get("url") or ""
        host = host_of(url)
        if not host or host.endswith(CODE_HOSTS):
            continue
        if urlparse(url if "//" in url else f"https://{url}").path.strip("/ "):
            # A page under another site (aws.amazon.com/cloudwatch): a product of its owner.
            e = entry(item["name"], [], "developer_tools")
            e["product_of"] = host
            b.add(e, "gilbarbara-logos")
        else:
            b.add(entry(item["name"], [host], "developer_tools"), "gilbarbara-logos")


def simple_icons(src: Path, b: Builder) -> None:
    data = json.loads((src / "brands.json").read_text(encoding="utf-8"))
    for item in data:
        slug = b.by_name.get(name_key(item["title"]))
        if not slug:
            continue
        v = b.vendors[slug]
        for aka in simple_icons_aka(item):
            if aka != v["name"]:
                v["aliases"].setdefault(aka, "open:simple-icons")
        b.sources[slug].add("simple-icons")


# Groups whose AI arm LobeHub files under the group's home page: on a statement their names
# are mostly other businesses (a marketplace, games, phones, payments).
LOBEHUB_GROUPS = frozenset(
    ["alibaba.com", "antgroup.com", "baidu.com", "bytedance.com", "huawei.com", "tencent.com"]
)


def lobehub(b: Builder) -> None:
    """LobeHub's AI brand icons: model providers and AI applications are AI software (model
    families are not vendors). A parenthetical that is a company we know names the maker
    ("Firefly (Adobe)"); other parentheticals are dropped (some are wrong: "Stability
    (StableDiffusion)" points at deepmind.google)."""
    makers = {name_key(company_name(v)): company_name(v) for v in b.vendors.values()}
    for item in sorted(lobehub_items(), key=lambda x: x["id"]):
        if item["group"] not in ("provider", "application"):
            continue
        host = host_of(item["desc"])
        if not host or host.endswith(CODE_HOSTS) or host in LOBEHUB_GROUPS:
            continue
        name, inner = split_parenthetical(item["fullTitle"])
        e = entry(name, [host], "ai")
        maker = makers.get(name_key(inner)) if inner else None
        if maker and name_key(maker) != name_key(name):
            e["legal_names"] = {maker: "open:lobehub-icons"}
        b.add(e, "lobehub-icons")


def legal_names_from_cpe(b: Builder, index: OpenIndex, company_names: dict[str, str]) -> None:
    """The company behind a product, where wappalyzer's ``cpe`` names it."""
    for v in b.vendors.values():
        for source, e in index.linked(v["name"], v["domains"]):
            if source != "wappalyzer":
                continue
            for key in sorted(e.companies):
                # "cpe:2.3:a:nodejs:node.js" says nothing the name does not.
                if key not in name_forms(v["name"]):
                    v["legal_names"].setdefault(company_names[key], "open:wappalyzer")


KINDS = {"software": (True, False), "reseller": (True, True), "not_software": (False, False)}
ROLES = frozenset(["processor", "wallet", "merchant_of_record", "app_store", "namespace"])


def load_curated(path: Path, index: OpenIndex) -> list[dict[str, Any]]:
    """Read the curated layer and check every string's provenance; exit listing every
    claim that does not hold (a ``name``/``domain`` string that cannot be derived, an
    ``open:`` string the source does not give for this brand, an unknown shape)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    errors: list[str] = []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    by_slug = {rec["slug"]: rec for rec in data["vendor"]}
    for rec in data["vendor"]:
        slug, name = rec["slug"], rec["name"]
        where = f"{path.name}: {slug}"
        if slug in seen:
            errors.append(f"{where}: duplicate slug")
        seen.add(slug)
        unknown = set(rec) - CURATED_KEYS
        if unknown:
            errors.append(f"{where}: unknown keys {sorted(unknown)}")
        kind = rec.get("kind", "software")
        if kind not in KINDS:
            errors.append(f"{where}: unknown kind {kind!r}")
            continue
        is_software, is_reseller = KINDS[kind]
        category = rec.get("category", "")
        if is_software and category not in CATEGORIES:
            errors.append(f"{where}: unknown category {category!r}")
        if not is_software and category:
            errors.append(f"{where}: a non-software brand has no category")
        role = rec.get("role")
        if role is not None and role not in ROLES:
            errors.append(f"{where}: unknown role {role!r}")
        domains = [d.strip().lower() for d in rec.get("domains", [])]
        parent: tuple[str, list[str]] | None = None
        if "parent" in rec:
            up = by_slug.get(rec["parent"])
            if up is None or up.get("role") != "namespace":
                errors.append(f"{where}: parent {rec['parent']!r} is not a namespace vendor")
            else:
                parent = (up["name"], up.get("domains", []))
        strings: dict[str, Strings] = {}
        for field in STRING_FIELDS:
            strings[field] = {}
            for text, prov in rec.get(field, []):
                problem = _provenance_problem(text, prov, name, domains, parent, field, index)
                if problem:
                    errors.append(f"{where}: {field[:-1]} {text!r}: {problem}")
                strings[field][text] = prov
        e = entry(
            name,
            domains,
            category,
            aliases=strings["aliases"],
            descriptors=strings["descriptors"],
            legal_names=strings["legal_names"],
            pricing=rec.get("pricing"),
            slug=slug,
            is_reseller=is_reseller,
            is_software=is_software,
            role=role,
        )
        e["curated"] = True
        e["parent"] = rec.get("parent")
        out.append(e)
    if errors:
        raise SystemExit("curated layer has unsupported strings:\n  " + "\n  ".join(errors))
    return out


CURATED_KEYS = frozenset(
    ["slug", "name", "kind", "role", "parent", "domains", "category", "pricing", *STRING_FIELDS]
)


def _provenance_problem(
    text: str,
    prov: str,
    name: str,
    domains: list[str],
    parent: tuple[str, list[str]] | None,
    field: str,
    index: OpenIndex,
) -> str | None:
    try:
        provenance.check(prov)
    except ValueError as exc:
        return str(exc)
    if prov in provenance.DOCUMENTED and prov not in provenance.derivations(
        text, name, domains, parent
    ):
        return f"marked {prov!r} but not derivable from the vendor's {prov}"
    if prov.startswith(provenance.OPEN_PREFIX):
        source = prov[len(provenance.OPEN_PREFIX) :]
        if not index.supports(source, text, name, domains, company=field == "legal_names"):
            return f"{source} does not give it for {name}"
    return None


def excluded_brands(sources: Path) -> tuple[set[str], set[str]]:
    """Names and domains that some source files under a non-software category (social,
    gaming, retail, advertising, ...): a brand excluded by one source is not re-admitted by
    another (logos lists Bluesky and 500px as tech brands; 2fa files them under social)."""
    names: set[str] = set()
    domains: set[str] = set()
    twofa_data = json.loads(
        (sources / "2fa-directory" / "entries.json").read_text(encoding="utf-8")
    )
    for raw_name, item in twofa_data.items():
        if any(c in TWOFA_EXCLUDE for c in item.get("categories", [])):
            names.add(name_key(clean_name(raw_name)))
            if item.get("domain"):
                domains.add(item["domain"].lower().removeprefix("www."))
    wap = json.loads(
        (sources / "wappalyzer-mit-2023-01" / "technologies.json").read_text(encoding="utf-8")
    )
    for name, tech in wap.items():
        if set(tech.get("cats", [])) & WAPPALYZER_EXCLUDE:
            names.add(name_key(name))
            host = host_of(tech.get("website"))
            if host:
                domains.add(host)
    return names, domains


def build(sources: Path, curated: Path = CURATED) -> dict[str, Any]:
    b = Builder()
    b.excluded = excluded_brands(sources)
    index, company_names = open_index(sources)
    wappalyzer(sources / "wappalyzer-mit-2023-01", b)
    twofa(sources / "2fa-directory", b)
    logos(sources / "gilbarbara-logos", b)
    simple_icons(sources / "simple-icons", b)
    for e in load_curated(curated, index):
        b.add(e, "curated", overwrite=True)
    # After the curated layer, so that a parenthetical can name a curated maker.
    lobehub(b)
    attach_products(b, sources)
    legal_names_from_cpe(b, index, company_names)
    vendors = []
    for slug in sorted(b.vendors):
        v = dict(b.vendors[slug])
        v["curated"] = bool(v.get("curated"))
        v["sources"] = sorted(b.sources.get(slug, set()))
        vendors.append(v)
    return {"format": FORMAT, "vendors": vendors}


def render(catalog: dict[str, Any]) -> str:
    # One vendor per line keeps diffs reviewable and the file compact. Strings keep their
    # order (the curated layer's, then the sources'), each as a [text, provenance] pair.
    lines = []
    for v in catalog["vendors"]:
        out = {k: (list(map(list, v[k].items())) if k in STRING_FIELDS else v[k]) for k in v}
        lines.append(json.dumps(out, ensure_ascii=False, sort_keys=True))
    return f'{{"format": {FORMAT}, "vendors": [\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--curated", type=Path, default=CURATED)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    text = render(build(args.sources.resolve(), args.curated))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date; run scripts/build_catalog.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    n = text.count("\n") - 2
    print(f"wrote {n} vendors to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
