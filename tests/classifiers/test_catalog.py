"""The packaged catalog: size, taxonomy, curated layer, lookups."""

from __future__ import annotations

from collections import Counter

from classifiers import CATEGORIES, Catalog, Vendor

EXPECTED_SLUGS = {
    "collaboration",
    "design",
    "developer_tools",
    "cloud_infrastructure",
    "hosting_domains",
    "marketing",
    "sales_crm",
    "analytics",
    "security_it",
    "hr",
    "finance_accounting",
    "productivity",
    "ai",
    "communication",
    "customer_support",
    "ecommerce",
}


def test_taxonomy_slugs() -> None:
    assert set(CATEGORIES) >= EXPECTED_SLUGS
    assert set(CATEGORIES) - EXPECTED_SLUGS <= {"other_software"}


def test_builtin_catalog_size_and_shape() -> None:
    cat = Catalog.builtin()
    software = [v for v in cat.vendors if v.is_software]
    assert len(software) >= 2500
    assert len({v.slug for v in cat.vendors}) == len(cat.vendors)
    for v in software:
        assert v.category in CATEGORIES, v
        assert v.name
    for v in cat.vendors:
        if not v.is_software:
            assert v.category == ""


def test_curated_layer_has_descriptors_for_300_business_vendors() -> None:
    cat = Catalog.builtin()
    curated = [
        v
        for v in cat.vendors
        if cat.is_curated(v.slug) and v.is_software and v.descriptors and not v.is_reseller
    ]
    assert len(curated) >= 300
    cats = Counter(v.category for v in curated)
    assert len(cats) >= 15  # spread over the taxonomy


def test_resellers_are_flagged() -> None:
    cat = Catalog.builtin()
    for slug in ("paddle", "fastspring", "2checkout", "digital-river", "gumroad"):
        v = cat.get(slug)
        assert v is not None, slug
        assert v.is_reseller, slug


def test_non_software_brands_are_carried_and_rejected() -> None:
    cat = Catalog.builtin()
    for slug in ("netflix", "spotify", "google-ads", "apple-store", "xbox", "steam"):
        v = cat.get(slug)
        assert v is not None, slug
        assert v.is_software is False, slug


def test_builtin_is_cached() -> None:
    assert Catalog.builtin() is Catalog.builtin()


def test_get_and_lookup_name() -> None:
    cat = Catalog.builtin()
    assert cat.get("figma") is not None
    assert cat.get("no-such-vendor") is None
    akismet = cat.lookup_name("Akismet (Automattic)")
    assert akismet is not None
    assert akismet.slug == "akismet"
    zoom = cat.lookup_name("zoom.us")
    assert zoom is not None
    assert zoom.slug == "zoom"
    assert cat.lookup_name("Definitely Not A Vendor 123") is None


def test_from_vendors_later_slug_wins() -> None:
    a = Vendor(slug="x", name="Old", category="ai")
    b = Vendor(slug="x", name="New", category="ai")
    cat = Catalog.from_vendors([a, b])
    got = cat.get("x")
    assert got is not None
    assert got.name == "New"
    assert len(cat) == 1


def test_from_vendors_with_the_builtin_vendors_matches_like_builtin() -> None:
    from classifiers import Classifier

    rebuilt = Catalog.from_vendors(Catalog.builtin().vendors)
    a, b = Classifier(Catalog.builtin()), Classifier(rebuilt)
    for d in ["ASTRO BURGERS", "KOUNT INC BOISE ID", "FIGMA", "SQ *JASMINE THAI", "TARGET"]:
        assert a.classify(d) == b.classify(d), d
