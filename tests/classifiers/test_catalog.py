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
    assert len(software) >= 5000
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


def test_builtin_strings_carry_provenance() -> None:
    from classifiers import provenance

    cat = Catalog.builtin()
    for v in cat.vendors:
        texts = [t for t, _ in v.provenance]
        assert texts == [*v.aliases, *v.descriptors, *v.legal_names], v.slug
        for _, source in v.provenance:
            provenance.check(source)
    paddle = cat.get("paddle")
    assert paddle is not None
    assert paddle.role == "merchant_of_record"
    assert ("PADDLE.NET* PADDLE", "doc:") in [(t, p[:4]) for t, p in paddle.provenance]
    assert any(v.legal_names for v in cat.vendors)


def test_without_undocumented_keeps_name_domain_and_doc_strings_only() -> None:
    v = Vendor(
        slug="acme",
        name="Acme",
        domains=("acme.io",),
        category="ai",
        aliases=("Acme Cloud", "ACME.IO"),
        descriptors=("ACME", "ACME *PRO", "ACMECO"),
        legal_names=("Acme Holdings",),
        provenance=(
            ("Acme Cloud", "open:simple-icons"),
            ("ACME.IO", "domain"),
            ("ACME", "name"),
            ("ACME *PRO", "doc:https://acme.io/billing"),
            ("Acme Holdings", "open:wappalyzer"),
        ),
    )
    cat = Catalog([v], curated=["acme"])
    got = cat.without_undocumented().get("acme")
    assert got is not None
    assert got.aliases == ("ACME.IO",)
    assert got.descriptors == ("ACME", "ACME *PRO")  # ACMECO has no provenance at all
    assert got.legal_names == ()
    assert cat.without_undocumented().is_curated("acme")


def test_provenance_fields_do_not_make_a_vendor_look_edited() -> None:
    # The service stores vendors without the provenance fields and rebuilds them: they must
    # still equal the packaged vendors so that from_vendors keeps their trust level.
    cat = Catalog.builtin()
    v = next(v for v in cat.vendors if v.provenance and not cat.is_curated(v.slug))
    bare = Vendor(
        slug=v.slug,
        name=v.name,
        domains=v.domains,
        category=v.category,
        aliases=v.aliases,
        descriptors=v.descriptors,
        is_reseller=v.is_reseller,
        pricing_model=v.pricing_model,
        is_software=v.is_software,
    )
    assert bare == v
    assert not Catalog.from_vendors([bare]).is_curated(v.slug)
