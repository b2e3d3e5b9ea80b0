"""The policies of the catalog sources kept in scripts/catalog-sources (third-party-web,
apis-guru, electron-apps): made-up entries through each source's reader.

Every brand, domain and company here is invented; none comes from a bank export, a labelled
set or the sources themselves.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import catalog_app_sources as apps  # noqa: E402
import catalog_web_sources as web  # noqa: E402
from catalog_builder import Builder, entry  # noqa: E402

from classifiers import provenance  # noqa: E402


def names(entries: list[dict[str, Any]]) -> set[str]:
    return {e["name"] for e in entries}


def tpw(name: str, category: str, domains: list[str], **extra: str) -> dict[str, Any]:
    return {"name": name, "category": category, "domains": domains, **extra}


def test_third_party_web_keeps_software_categories_and_reads_the_company() -> None:
    out = web.third_party_web_entries(
        [
            tpw("Zorbly Insights", "analytics", ["*.zorbly-insights.com"], company="Zorbly Labs"),
            tpw("Quandrix Chat", "customer-success", ["widget.quandrixchat.io"]),
            tpw("Plimsy Ads", "ad", ["*.plimsyads.net"]),
            tpw("Frobnic Social", "social", ["frobnic.social"]),
            tpw("Morrow Content", "content", ["morrowcontent.com"]),
        ]
    )
    assert names(out) == {"Zorbly Insights", "Quandrix Chat"}
    zorbly = next(e for e in out if e["name"] == "Zorbly Insights")
    assert zorbly["domains"] == ["zorbly-insights.com"]
    assert zorbly["category"] == "analytics"
    assert zorbly["legal_names"] == {"Zorbly Labs": "open:third-party-web"}


def test_third_party_web_drops_publisher_consent_defunct_and_payment_entries() -> None:
    out = web.third_party_web_entries(
        [
            tpw("Daily Gazette CMP", "consent-provider", ["dailygazette-example.com"]),
            tpw("Trellow-VOID", "analytics", ["trellow.com"]),
            tpw("Zentra Pay", "utility", ["zentrapay.com"], homepage="https://zentrapay.com"),
            tpw("Kolvo Consent", "consent-provider", ["kolvoconsent.com"]),
        ]
    )
    assert names(out) == {"Kolvo Consent"}


def test_third_party_web_hosting_and_utility_need_a_homepage_or_a_named_site() -> None:
    out = web.third_party_web_entries(
        [
            tpw("Pellmar Creative", "hosting", ["cdn.someagency-example.co.uk"]),
            tpw("Grintle", "hosting", ["static.grintle.com"]),
            tpw("Vostro Sites", "hosting", ["vostrocdn.net"], homepage="https://vostrosites.com/"),
            tpw("Ulmen Tools", "utility", ["ulm-static.net"]),
        ]
    )
    assert names(out) == {"Grintle", "Vostro Sites"}
    vostro = next(e for e in out if e["name"] == "Vostro Sites")
    assert vostro["domains"] == ["vostrosites.com", "vostrocdn.net"]


def test_third_party_web_shared_hosts_ip_addresses_and_pages_name_no_domain() -> None:
    out = web.third_party_web_entries(
        [
            tpw("Brisko", "analytics", ["brisko.cloudfront.net", "*.sharedcdn-example.net"]),
            tpw("Crandle", "analytics", ["*.sharedcdn-example.net", "crandle.io"]),
            tpw("Drummet", "analytics", ["10.0.3.183"]),
            tpw(
                "Elvix Metrics",
                "analytics",
                ["elvix-metrics.com"],
                homepage="https://www.bigsuite-example.com/products/elvix",
            ),
        ]
    )
    by_name = {e["name"]: e["domains"] for e in out}
    # A tenant of a shared host and a host two entities share are nobody's own site.
    assert by_name == {"Crandle": ["crandle.io"], "Elvix Metrics": ["elvix-metrics.com"]}


def test_third_party_web_product_of_a_company_keeps_only_its_own_sites() -> None:
    out = web.third_party_web_entries(
        [tpw("Zorbly Pulse", "analytics", ["zorbly.com", "zorblypulse.io"])]
    )
    assert out[0]["domains"] == ["zorblypulse.io"]


def apis(provider: str, titles: list[str], categories: list[str]) -> dict[str, Any]:
    return {"provider": provider, "titles": titles, "categories": categories}


def test_apis_guru_names_the_brand_from_titles_or_the_domain() -> None:
    out = web.apis_guru_entries(
        [
            apis("quillsend.com", ["QuillSend REST API v2"], ["messaging"]),
            apis("frabbit.io", ["Swagger Frabbit"], ["developer_tools"]),
            apis("docuvex.com", ["Docuvex.com API"], ["text"]),
            apis("plontra.io", ["Platform API"], ["cloud"]),
            apis("xq.io", ["Events API"], ["cloud"]),
        ]
    )
    assert {(e["name"], e["domains"][0], e["category"]) for e in out} == {
        ("QuillSend", "quillsend.com", "communication"),
        ("Frabbit", "frabbit.io", "developer_tools"),
        ("Docuvex.com", "docuvex.com", "developer_tools"),
        ("Plontra", "plontra.io", "cloud_infrastructure"),
    }


def test_apis_guru_drops_excluded_categories_tenants_and_public_bodies() -> None:
    out = web.apis_guru_entries(
        [
            apis("trunvale-bank.com", ["Trunvale Bank API"], ["financial"]),
            apis("olmsted-data.com", ["Olmsted Data"], ["open_data", "developer_tools"]),
            apis("gravel-shop.com", ["Gravel Shop API"], ["ecommerce"]),
            apis("myapp-42.appspot.com", ["Myapp API"], ["developer_tools"]),
            apis("zentrix.local", ["Zentrix API"], ["developer_tools"]),
            apis("transit.gov.example", ["Transit API"], ["developer_tools"]),
            apis("norvix.com", ["Norvix API"], []),
            apis("kelvrapay.com", ["Kelvra Pay API"], ["developer_tools"]),
            apis("ostrell.com", ["Ostrell API"], ["monitoring"]),
        ]
    )
    assert names(out) == {"Ostrell"}


def app(slug: str, category: str, website: str | None, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"slug": slug, "name": slug.title(), "category": category}
    if website:
        item["website"] = website
    item["repository"] = extra.pop("repository", False)
    item.update(extra)
    return item


def test_electron_apps_keeps_closed_source_apps_with_a_site_of_their_own() -> None:
    out = apps.electron_app_entries(
        [
            app("quillnote", "Productivity", "https://quillnote.app"),
            app("grepmate", "Developer Tools", "https://www.grepmate.io/", license="Commercial"),
            app("openpad", "Productivity", "https://openpad.dev", repository=True),
            app("freepad", "Productivity", "https://freepad.dev", license="MIT"),
            app("gratisnote", "Productivity", "https://gratisnote.com", license="Freeware"),
            app("blastoids", "Games", "https://blastoids.gg"),
            app("nositeapp", "Productivity", None),
            app("pagesapp", "Utilities", "https://someone.github.io/pagesapp"),
            app("studio-one", "Productivity", "https://tinystudio.example.com/one"),
            app("studio-two", "Productivity", "https://tinystudio.example.com/two"),
        ]
    )
    assert {(e["name"], e["domains"][0], e["category"]) for e in out} == {
        ("Quillnote", "quillnote.app", "productivity"),
        ("Grepmate", "grepmate.io", "developer_tools"),
    }


def test_electron_apps_companion_app_of_a_company_is_not_its_vendor() -> None:
    item = app("zorbly-direct", "Utilities", "https://www.zorbly.com/direct")
    item["name"] = "Zorbly Direct"
    assert apps.electron_app_entries([item]) == []


def write_sources(tmp: Path, tpw_items: list[Any], apis_items: list[Any]) -> Path:
    for folder, file, items in (
        (web.THIRD_PARTY_WEB, "entities.json", tpw_items),
        (web.APIS_GURU, "providers.json", apis_items),
    ):
        (tmp / folder).mkdir(parents=True)
        (tmp / folder / file).write_text(json.dumps(items), encoding="utf-8")
    return tmp


def test_web_sources_add_only_what_the_catalog_lacks(tmp_path: Path) -> None:
    b = Builder()
    b.add(entry("Zorbly", ["zorbly.com"], "analytics"), "wappalyzer")
    b.add(entry("Quandrix", ["quandrix.io"], "communication"), "wappalyzer")
    b.excluded = ({"trunvale"}, {"trunvale.com"})
    local = write_sources(
        tmp_path,
        [
            # A product line of a vendor the catalog knows, by its name or its company.
            tpw("Zorbly Pulse", "analytics", ["zorblypulse.io"]),
            tpw("Pulsar Tags", "tag-manager", ["pulsartags.io"], company="Zorbly Systems"),
            # Already there by name: adds its company, never its domains.
            tpw("Quandrix", "customer-success", ["quandrix-cdn.net"], company="Helmfort Software"),
            # A brand another source files as not software.
            tpw("Trunvale", "analytics", ["trunvale.com"]),
            tpw("Mostrel", "marketing", ["mostrel.com"], company="Mostrel Group"),
        ],
        [apis("ostrell.com", ["Ostrell API"], ["monitoring"])],
    )
    web.add_web_sources(local, b)
    assert sorted(b.vendors) == ["mostrel", "ostrell", "quandrix", "zorbly"]
    assert b.vendors["mostrel"]["legal_names"] == {"Mostrel Group": "open:third-party-web"}
    assert b.vendors["quandrix"]["domains"] == ["quandrix.io"]
    assert b.vendors["quandrix"]["legal_names"] == {"Helmfort Software": "open:third-party-web"}
    assert b.sources["quandrix"] == {"wappalyzer", "third-party-web"}
    assert b.sources["ostrell"] == {"apis-guru"}


@pytest.mark.parametrize("source", ["third-party-web", "apis-guru", "electron-apps"])
def test_new_sources_are_accepted_provenances(source: str) -> None:
    provenance.check(f"open:{source}")


def test_every_local_source_has_origin_and_license() -> None:
    local = ROOT / "scripts" / "catalog-sources"
    folders = sorted(p for p in local.iterdir() if p.is_dir())
    assert {p.name for p in folders} >= {"third-party-web", "apis-guru", "electron-apps"}
    for folder in folders:
        assert (folder / "ORIGIN").read_text(encoding="utf-8").strip(), folder
        assert "Permission is hereby granted" in (folder / "LICENSE").read_text("utf-8"), folder
