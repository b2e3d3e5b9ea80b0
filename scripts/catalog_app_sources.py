"""Desktop applications as catalog vendors: ``electron-apps`` (MIT), the apps listed on
electronjs.org/apps, kept as a small extract in ``scripts/catalog-sources/electron-apps``.

Policy: an app is a vendor when it is closed source (the entry names no source repository and
no open-source or freeware licence: an open-source app is free to download, nothing to buy),
in a category of software a team buys (productivity, developer tools, utilities, business,
graphics and design, photo and video, finance, education; games, social networking, music,
news, entertainment, books, health and lifestyle apps are dropped), and has a website of
its own: not a tenant of a shared host (someapp.github.io, a store page), not a site that
several apps of the list share (a studio's site names no one product), and not the site of
the company whose name starts the app's ("Acme Direct" on acme.com is a companion app of
Acme's hardware).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from catalog_builder import Builder, OpenIndex, entry, host_of
from catalog_web_sources import own_domains, site_of

ELECTRON_APPS = "electron-apps"

ELECTRON_CATEGORIES: dict[str, str] = {
    "Productivity": "productivity",
    "Developer Tools": "developer_tools",
    "Utilities": "productivity",
    "Business": "productivity",
    "Graphics & Design": "design",
    "Photo & Video": "design",
    "Finance": "finance_accounting",
    "Education": "other_software",
}
# A licence field that says the app is free to take: open-source licences and freeware.
FREE_LICENCE = re.compile(
    r"\b(mit|gpl|agpl|lgpl|apache|bsd|mpl|isc|unlicense|cc0|wtfpl|gnu|freeware|open)\b", re.I
)


def read_electron_apps(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return items


def electron_app_entries(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The vendor entries the policy keeps, in a stable order."""
    items = list(items)
    site = {it["slug"]: site_of(host_of(it.get("website")) or "") for it in items}
    shared = Counter(s for s in site.values() if s)
    out = []
    for it in sorted(items, key=lambda x: x["slug"]):
        category = ELECTRON_CATEGORIES.get(it.get("category", ""))
        if category is None or it.get("repository"):
            continue
        if FREE_LICENCE.search(it.get("license") or ""):
            continue
        s = site[it["slug"]]
        if not s or shared[s] > 1:
            continue
        name = it["name"].strip()
        domains = own_domains(name, [s])
        if domains:
            out.append(entry(name, domains, category))
    return out


def add_app_sources(local: Path, b: Builder) -> None:
    """Add the apps the catalog lacks; an app already there (by name or site) adds only the
    source to that vendor."""
    apps = read_electron_apps(local / ELECTRON_APPS / "apps.json")
    for e in electron_app_entries(apps):
        existing = b.find(e["name"], e["domains"])
        if existing is None:
            b.add(e, ELECTRON_APPS)
        else:
            b.sources[existing].add(ELECTRON_APPS)


def index_app_sources(local: Path, index: OpenIndex) -> None:
    """What the list says, filtered or not, for ``open:`` claims in the curated layer."""
    for it in read_electron_apps(local / ELECTRON_APPS / "apps.json"):
        s = site_of(host_of(it.get("website")) or "")
        index.add(ELECTRON_APPS, it["name"], [s] if s else [])
