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
- third-party-web entities.json, apis-guru providers.json (MIT, kept in scripts/catalog-sources;
  :mod:`catalog_web_sources`): companies whose scripts web pages load (analytics, customer
  success, marketing, tag and consent managers, CDNs, video, named hosting and utilities) with
  the company behind each product, and API providers by domain with the directory's categories.
- electron-apps apps.json (MIT, kept in scripts/catalog-sources; :mod:`catalog_app_sources`):
  closed-source desktop apps with a website of their own, in software categories.
- simple-icons brands.json: aliases ("aka") for vendors already in the catalog, and brands
  named as products of a software vendor whose own site is their icon source ("Cloudflare
  Pages" sourced from cloudflare.com); never a brand on its own (it is a brand list, mostly not
  software).

A technology or logo whose website is a page under another site (``atlassian.com/software/
jira``, ``aws.amazon.com/cloudwatch``) is a product: a vendor of its own, whose legal name is
the site's owner when the product's name says so ("Atlassian Jira", "AWS CloudWatch").

The three sources kept in scripts/catalog-sources after lobehub are read last: they only add
vendors the others lack (an entry naming a known vendor adds its company and the source, not
its domains), and never a product line of a company the catalog already knows.

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
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog_app_sources import add_app_sources, index_app_sources  # noqa: E402
from catalog_builder import (  # noqa: E402
    CODE_HOSTS,
    STRING_FIELDS,
    Builder,
    OpenIndex,
    company_name,
    entry,
    host_of,
    name_key,
)
from catalog_curated import load_curated  # noqa: E402
from catalog_web_sources import add_web_sources, index_web_sources  # noqa: E402

from classifiers.provenance import canon, name_forms  # noqa: E402

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


def clean_name(name: str) -> str:
    # 2fa-directory disambiguates regional entries as "Name [CA]".
    return re.sub(r"\s*\[[^\]]*\]\s*$", "", name).strip()


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
    index_web_sources(LOCAL_SOURCES, index)
    index_app_sources(LOCAL_SOURCES, index)
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
    # Last: they only add what the other sources lack, and never change their vendors' names.
    add_web_sources(LOCAL_SOURCES, b)
    add_app_sources(LOCAL_SOURCES, b)
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
