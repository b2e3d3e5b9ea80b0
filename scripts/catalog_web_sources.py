"""Two more open sources for the catalog, kept as small extracts in ``scripts/catalog-sources``
(each with ORIGIN and LICENSE):

- ``third-party-web`` (MIT): the companies whose scripts web pages load, each with a category,
  the hosts its scripts come from, often a homepage and the company behind it. Software a team
  buys: analytics, customer success, marketing, tag managers, consent managers, CDNs, video
  platforms, and the hosting and utility entries that carry a homepage or a site named as they
  are (the rest of "hosting" is mostly web agencies, of "utility" payment, finance and retail
  sites). Advertising, social, content and "other" are dropped, and so are a publisher's or
  ad network's own IAB consent registration ("Some Publisher CMP"), entries the list marks
  defunct ("-VOID") and names that say payments, finance or advertising.
  ``company`` names the company behind a product (a legal name).
- ``apis-guru`` (MIT; API definitions CC0): API providers by domain with the directory's
  categories. A provider is a vendor when its domain is a site of its own (not a tenant of a
  shared host such as appspot.com, not ``.local``, not a government or university), named as
  an API title spells the domain's name ("ClickSend REST API" on clicksend.com gives
  "ClickSend") or else by the domain's name; categories as for 2fa-directory (banking,
  payments, open data, media, transport, commerce, ... drop the provider).

Every vendor goes through :class:`catalog_builder.Builder`: deduplicated against the vendors
already there by name and domain, and refused when another source files the brand as not
software. Names that are ordinary words get no special treatment here: the engine treats every
derived (non-curated) vendor's short or dictionary-word name as weak evidence
(:mod:`classifiers.catalog` and :mod:`classifiers.candidates`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from catalog_builder import CODE_HOSTS, Builder, OpenIndex, company_name, entry, host_of, name_key

THIRD_PARTY_WEB = "third-party-web"
APIS_GURU = "apis-guru"

TPW_CATEGORIES: dict[str, str] = {
    "analytics": "analytics",
    "customer-success": "customer_support",
    "marketing": "marketing",
    "tag-manager": "marketing",
    "consent-provider": "security_it",
    "cdn": "cloud_infrastructure",
    "hosting": "hosting_domains",
    "utility": "developer_tools",
    "video": "marketing",
}
# Kept only with a homepage or a site named as the entry is ("Acme" on acme.com): the rest of
# these two categories is web agencies, payment and finance sites, retailers, one-person
# studios and projects hosted on someone else's domain.
TPW_NEEDS_HOMEPAGE = frozenset(["hosting", "utility"])
# Words in a name that say the business is payments, banking, lending or a charity.
NOT_SOFTWARE_WORDS = frozenset(
    [
        "pay",
        "payment",
        "payments",
        "paypal",
        "card",
        "cards",
        "bank",
        "banking",
        "finance",
        "financial",
        "credit",
        "loan",
        "loans",
        "lending",
        "exchange",
        "charity",
        "charities",
        "retail",
        "insurance",
        "ads",
        "advertising",
    ]
)

APIS_GURU_CATEGORIES: dict[str, str] = {
    "developer_tools": "developer_tools",
    "security": "security_it",
    "cloud": "cloud_infrastructure",
    "hosting": "hosting_domains",
    "backend": "cloud_infrastructure",
    "storage": "cloud_infrastructure",
    "monitoring": "developer_tools",
    "search": "developer_tools",
    "messaging": "communication",
    "email": "communication",
    "telecom": "communication",  # SMS and voice APIs (CPaaS)
    "location": "developer_tools",  # geocoding, IP location, weather and routing APIs
    "collaboration": "collaboration",
    "project_management": "collaboration",
    "time_management": "collaboration",
    "enterprise": "productivity",
    "tools": "productivity",
    "forms": "productivity",
    "marketing": "marketing",
    "analytics": "analytics",
    "customer_relation": "sales_crm",
    "support": "customer_support",
    "machine_learning": "ai",
    "text": "developer_tools",
}
APIS_GURU_EXCLUDE = frozenset(
    [
        "open_data",
        "financial",
        "payment",
        "media",
        "entertainment",
        "social",
        "transport",
        "education",
        "iot",
        "ecommerce",
    ]
)
# Public-sector and academic domains publish APIs, they do not sell software.
PUBLIC_SECTOR = re.compile(r"(^|\.)(gov|gouv|gob|govt|mil|edu|ac|int)(\.|$)")


@cache
def _psl() -> tuple[Any, Any]:
    """The Public Suffix List as shipped in ``publicsuffixlist``: ICANN suffixes only (for a
    site's registrable domain) and with the private section (appspot.com, cloudfront.net)."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=True), PublicSuffixList()


def site_of(host: str) -> str | None:
    """The registrable domain of ``host`` ("eu.api.example.co.uk" is "example.co.uk"), or
    None for a tenant of a shared host ("someapp.appspot.com"), a code host or ``.local``."""
    host = host.lower().strip().lstrip("*.").removeprefix("www.")
    if not host or "." not in host or host.endswith((".local", *CODE_HOSTS)):
        return None
    if not re.search(r"[a-z]", host.rsplit(".", 1)[-1]):
        return None  # an IP address
    icann, full = _psl()
    if full.publicsuffix(host) != icann.publicsuffix(host):
        return None
    site: str | None = icann.privatesuffix(host)
    return site


def _name_words(name: str) -> set[str]:
    return set(re.findall(r"[a-z]+", name.lower()))


def _named_site(name: str, item: dict[str, Any]) -> bool:
    """Is one of the entry's sites named as the entry is ("Acme" on acme.com)?"""
    sites = {site_of(h) for h in item.get("domains", [])}
    return any(s and name_key(s.split(".")[0]) == name_key(name) for s in sites)


def read_third_party_web(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return items


def third_party_web_entries(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The vendor entries the policy keeps, in a stable order. A host listed by two or more
    entities (cloudfront.net, a consent registry) is shared infrastructure and names none."""
    items = list(items)
    seen = Counter(s for it in items for s in {site_of(h) for h in it.get("domains", [])} if s)
    out = []
    for it in sorted(items, key=lambda x: x["name"]):
        kind, name = it.get("category", ""), it["name"].strip()
        category = TPW_CATEGORIES.get(kind)
        homepage = it.get("homepage") or ""
        if category is None:
            continue
        if kind in TPW_NEEDS_HOMEPAGE and not homepage and not _named_site(name, it):
            continue
        if name.upper().endswith((" CMP", "-VOID")) or _name_words(name) & NOT_SOFTWARE_WORDS:
            continue  # a publisher's consent registration; a company the list marks defunct
        domains = [s for s in (site_of(h) for h in it.get("domains", [])) if s and seen[s] == 1]
        home = host_of(homepage)
        path = re.sub(r"^[a-z]+://[^/]+", "", homepage).strip("/ ")
        # A homepage that is a page of a bigger site (salesforce.com/products/...) is the
        # company's site, not the product's.
        site = site_of(home) if home and not path else None
        domains = own_domains(name, [*([site] if site else []), *domains])
        if not domains:
            continue
        e = entry(name, domains, category)
        company = (it.get("company") or "").strip()
        if company and name_key(company) != name_key(name):
            e["legal_names"] = {company: f"open:{THIRD_PARTY_WEB}"}
        out.append(e)
    return out


def own_domains(name: str, sites: Iterable[str]) -> list[str]:
    """The sites of a product, less its company's: "Acme Insights" on acme.com is a product of
    Acme, whose site would send every Acme charge to the product."""
    words = name.split()
    first = name_key(words[0]) if len(words) >= 2 else ""
    return [s for s in dict.fromkeys(sites) if not first or name_key(s.split(".")[0]) != first]


def read_apis_guru(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return items


def brand_from_titles(domain: str, titles: Iterable[str]) -> str | None:
    """The words of an API title that spell the domain's name, as the title prints them:
    "ClickSend REST API" on clicksend.com is "ClickSend", "Swagger API2Cart" on api2cart.com
    "API2Cart", "Files.com API" on files.com "Files.com"."""
    label = name_key(domain.split(".")[0])
    if len(label) < 2:
        return None
    for title in sorted(titles):
        words = [w.strip(" -:,()") for w in re.split(r"[\s|]+", title)]
        for start in range(len(words)):
            if words[start].lower() == domain:
                return words[start]
            for n in range(1, min(4, len(words) - start) + 1):
                key = name_key("".join(words[start : start + n]))
                if key == label and words[start][:1].isalnum():
                    return " ".join(words[start : start + n])
                if not label.startswith(key) or not key:
                    break
    return None


def name_from_domain(domain: str) -> str | None:
    """The directory lists a provider by its domain: when no API title spells the brand, the
    domain's name ("acmecloud.io" is "Acmecloud"), if it is a word of four letters or more."""
    label = domain.split(".")[0]
    return label.capitalize() if label.isalpha() and len(label) >= 4 else None


def apis_guru_entries(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for it in sorted(items, key=lambda x: x["provider"]):
        provider = it["provider"].lower()
        cats = it.get("categories", [])
        if site_of(provider) != provider or PUBLIC_SECTOR.search(provider):
            continue
        if any(c in APIS_GURU_EXCLUDE for c in cats):
            continue
        mapped = [APIS_GURU_CATEGORIES[c] for c in cats if c in APIS_GURU_CATEGORIES]
        name = brand_from_titles(provider, it.get("titles", [])) or name_from_domain(provider)
        if not mapped or name is None or _name_words(name) & NOT_SOFTWARE_WORDS:
            continue
        out.append(entry(name, [provider], mapped[0]))
    return out


def add_web_sources(local: Path, b: Builder) -> None:
    """Add the two sources' vendors. An entry naming a vendor already in the catalog adds
    nothing to it but its company (when matched by name: a shared host or a regional domain
    says less) and the source; a company that is itself a vendor of the catalog is not a
    legal name of another one (its name already finds it)."""
    tpw = third_party_web_entries(read_third_party_web(local / THIRD_PARTY_WEB / "entities.json"))
    api = apis_guru_entries(read_apis_guru(local / APIS_GURU / "providers.json"))
    # Keys that already find a vendor ("Google (Play & other purchases)" is found as Google),
    # and brands some source files as not software.
    taken = {name_key(company_name(v)) for v in b.vendors.values()} | b.excluded[0]
    taken |= {name_key(a) for v in b.vendors.values() for a in v["aliases"]}
    for source, entries in ((THIRD_PARTY_WEB, tpw), (APIS_GURU, api)):
        for e in entries:
            if _product_of_known(e, taken):
                continue
            companies = {c: p for c, p in e["legal_names"].items() if not _known(c, taken)}
            existing = b.find(e["name"], e["domains"])
            if existing is None:
                e["legal_names"] = companies
                b.add(e, source)
                continue
            v = b.vendors[existing]
            if b.by_name.get(name_key(e["name"])) == existing:
                for company, prov in companies.items():
                    if name_key(company) != name_key(v["name"]):
                        v["legal_names"].setdefault(company, prov)
            b.sources[existing].add(source)


def _product_of_known(e: dict[str, Any], taken: set[str]) -> bool:
    """A product line of a company the catalog already knows (or files as not software):
    "Acme Insights", or an entry whose company ("Acme Systems") starts with such a vendor.
    Its charges come from that company: a vendor of its own would only compete with it for
    the company's name."""
    words = e["name"].split()
    lead = {name_key(" ".join(words[:n])) for n in range(1, len(words))}
    return bool(lead & taken) or any(_known(c, taken) for c in e["legal_names"])


def _known(company: str, taken: set[str]) -> bool:
    """Does the company's name, or its leading words ("Acme Systems"), name a vendor?"""
    words = company.split()
    return any(name_key(" ".join(words[:n])) in taken for n in range(1, len(words) + 1))


def index_web_sources(local: Path, index: OpenIndex) -> None:
    """What the two sources say, filtered or not, for ``open:`` claims in the curated layer."""
    for it in read_third_party_web(local / THIRD_PARTY_WEB / "entities.json"):
        hosts = [it.get("homepage") and host_of(it["homepage"]), *it.get("domains", [])]
        domains = [s for s in (site_of(h) for h in hosts if h) if s]
        company = [it["company"]] if it.get("company") else []
        index.add(THIRD_PARTY_WEB, it["name"], domains, companies=company)
    for it in read_apis_guru(local / APIS_GURU / "providers.json"):
        name = brand_from_titles(it["provider"], it.get("titles", []))
        name = name or name_from_domain(it["provider"])
        if name:
            index.add(APIS_GURU, name, [it["provider"]])
