"""The curated layer (``classifiers/data/curated.toml``): read it and check every string's
provenance against the vendor's facts and the open sources."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from catalog_builder import STRING_FIELDS, OpenIndex, Strings, entry

from classifiers import provenance
from classifiers.taxonomy import CATEGORIES

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
