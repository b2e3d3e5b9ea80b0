"""Build ``classifiers/data/catalog.json`` from the open catalog sources and the curated layer.

Reproducible: the same inputs give a byte-identical file (sorted output, no timestamps).

    .venv/bin/python scripts/build_catalog.py [--sources ../shared/catalog-sources] [--check]

Sources (facts only: names, domains, categories; no description text is read):

- wappalyzer technologies.json (MIT, 2023-01): entries marked SaaS or with a pricing model, in a
  category we map to our taxonomy. Advertising, retargeting, payment processors, BNPL,
  shipping carriers, ticketing, domain parking, fundraising, themes and pure libraries are
  dropped: they are not software a team subscribes to, or not software at all by our policy.
- 2fa-directory entries.json: entries in software-like categories (developer, hosting, domains,
  cloud, security, backup, email, communication, task, remote, vpn, identity, marketing,
  creativity, finance). Banking, retail, crypto, universities, gaming, investing, social,
  entertainment, health, travel, transport, government, insurance, food, postal, tickets,
  crowdfunding, betting, IoT, utilities (energy/telecom), payments and "other" are dropped.
- gilbarbara logos.json: developer/tech brands; used to enrich names/domains of vendors found
  elsewhere and added as developer tools only when they carry a commercial domain (not a code
  host or a package registry).
- simple-icons brands.json: aliases ("aka") for vendors already in the catalog; never adds a
  vendor on its own (it is a brand list, mostly not software).

The curated layer (``classifiers/curated.py``) wins over derived entries with the same slug,
name or domain, and adds the non-software brands and the resellers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers import curated  # noqa: E402
from classifiers.taxonomy import CATEGORIES  # noqa: E402

OUT = ROOT / "classifiers" / "data" / "catalog.json"
DEFAULT_SOURCES = ROOT / ".." / "shared" / "catalog-sources"

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
}
# Categories that make an entry "not software" for us even if another category would map.
WAPPALYZER_EXCLUDE = {36, 41, 77, 91, 99, 104, 109, 111}

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
                # Curated facts win; keep the domains the sources knew as extra evidence.
                merged_domains = list(dict.fromkeys([*entry["domains"], *cur["domains"]]))
                merged_aliases = list(dict.fromkeys([*entry["aliases"], *cur["aliases"]]))
                self._drop(existing)
                entry = {**entry, "domains": merged_domains, "aliases": merged_aliases}
                self._put(entry)
                known = self.sources.pop(existing, set())
                self.sources[entry["slug"]] = known | {source}
                return
            cur["domains"] = list(dict.fromkeys([*cur["domains"], *entry["domains"]]))
            cur["aliases"] = list(dict.fromkeys([*cur["aliases"], *entry["aliases"]]))
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

    def _drop(self, slug: str) -> None:
        self.vendors.pop(slug)
        self.by_name = {k: v for k, v in self.by_name.items() if v != slug}
        self.by_domain = {k: v for k, v in self.by_domain.items() if v != slug}


def entry(
    name: str,
    domains: Iterable[str],
    category: str,
    *,
    aliases: Iterable[str] = (),
    descriptors: Iterable[str] = (),
    pricing: str | None = None,
    slug: str | None = None,
    is_reseller: bool = False,
    is_software: bool = True,
) -> dict[str, Any]:
    return {
        "slug": slug or slugify(name),
        "name": name,
        "domains": [d for d in dict.fromkeys(domains) if d],
        "category": category,
        "aliases": [a for a in dict.fromkeys(aliases) if a and a != name],
        "descriptors": list(dict.fromkeys(descriptors)),
        "is_reseller": is_reseller,
        "pricing_model": pricing,
        "is_software": is_software,
    }


def wappalyzer(src: Path, b: Builder) -> None:
    data = json.loads((src / "technologies.json").read_text(encoding="utf-8"))
    for name, tech in sorted(data.items()):
        cats = set(tech.get("cats", []))
        if cats & WAPPALYZER_EXCLUDE or not (tech.get("saas") or tech.get("pricing")):
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
        host = host_of(tech.get("website"))
        b.add(entry(name, [host] if host else [], mapped[0], pricing=model), "wappalyzer")


def twofa(src: Path, b: Builder) -> None:
    data = json.loads((src / "entries.json").read_text(encoding="utf-8"))
    for raw_name, item in sorted(data.items()):
        cats = item.get("categories", [])
        if any(c in TWOFA_EXCLUDE for c in cats):
            continue
        mapped = [TWOFA_CATEGORIES[c] for c in cats if c in TWOFA_CATEGORIES]
        if not mapped:
            continue
        domains = [item.get("domain", ""), *item.get("additional-domains", [])]
        domains = [d.lower().removeprefix("www.") for d in domains if d and "/" not in d]
        b.add(entry(clean_name(raw_name), domains, mapped[0]), "2fa-directory")


def logos(src: Path, b: Builder) -> None:
    data = json.loads((src / "logos.json").read_text(encoding="utf-8"))
    for item in sorted(data, key=lambda x: x["name"]):
        host = host_of(item.get("url"))
        if not host or host.endswith(CODE_HOSTS):
            continue
        b.add(entry(item["name"], [host], "developer_tools"), "gilbarbara-logos")


def simple_icons(src: Path, b: Builder) -> None:
    data = json.loads((src / "brands.json").read_text(encoding="utf-8"))
    for item in data:
        slug = b.by_name.get(name_key(item["title"]))
        if not slug:
            continue
        aka = (item.get("aliases") or {}).get("aka") or []
        v = b.vendors[slug]
        v["aliases"] = list(dict.fromkeys([*v["aliases"], *aka]))
        b.sources[slug].add("simple-icons")


def parse_table(text: str, *, is_software: bool, is_reseller: bool) -> list[dict[str, Any]]:
    out = []
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        slug, name, domains, category, pricing, aliases, descriptors = (
            part.strip() for part in line.split("|")
        )
        if category and category not in CATEGORIES:
            raise SystemExit(f"unknown category {category!r} for {slug}")
        out.append(
            entry(
                name,
                [d.strip().lower() for d in domains.split(",") if d.strip()],
                category if is_software else "",
                aliases=[a.strip() for a in aliases.split(";") if a.strip()],
                descriptors=[d.strip() for d in descriptors.split(";") if d.strip()],
                pricing=pricing or None,
                slug=slug,
                is_reseller=is_reseller,
                is_software=is_software,
            )
        )
    return out


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


def build(sources: Path) -> dict[str, Any]:
    b = Builder()
    bad_names, bad_domains = excluded_brands(sources)
    b.excluded = (bad_names, bad_domains)
    wappalyzer(sources / "wappalyzer-mit-2023-01", b)
    twofa(sources / "2fa-directory", b)
    logos(sources / "gilbarbara-logos", b)
    simple_icons(sources / "simple-icons", b)
    for table, soft, res in (
        (curated.SOFTWARE, True, False),
        (curated.RESELLERS, True, True),
        (curated.NOT_SOFTWARE, False, False),
    ):
        for e in parse_table(table, is_software=soft, is_reseller=res):
            e["curated"] = True
            b.add(e, "curated", overwrite=True)
    vendors = []
    for slug in sorted(b.vendors):
        v = dict(b.vendors[slug])
        v["curated"] = bool(v.get("curated"))
        v["sources"] = sorted(b.sources.get(slug, set()))
        vendors.append(v)
    return {"format": 1, "vendors": vendors}


def render(catalog: dict[str, Any]) -> str:
    # One vendor per line keeps diffs reviewable and the file compact.
    lines = [json.dumps(v, ensure_ascii=False, sort_keys=True) for v in catalog["vendors"]]
    return '{"format": 1, "vendors": [\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    text = render(build(args.sources.resolve()))
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
