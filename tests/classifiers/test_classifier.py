"""The matcher: ordered evidence, resellers, software decision, rules, bad input, caching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers import (
    CATEGORIES,
    CLASSIFIER_VERSION,
    Catalog,
    Classification,
    Classifier,
    MatchRule,
    Vendor,
)

# Billing descriptors removed from the catalog for lacking an honest source (issue #11: no
# string copied from statements); the engine must recognise these from names, domains and
# documented descriptors alone, which it does not yet.
# Descriptors whose catalog string was removed for lacking a vendor's own page: FACEBK,
# "FS *", DRI*, MSFT*M365, AMZN MKTP and YouTube's g.co line are still undocumented (no page of
# Meta, FastSpring, Digital River, Microsoft, Amazon or Google found that prints them).
_UNSOURCED = pytest.mark.xfail(reason="descriptor removed for lacking provenance", strict=False)


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier()


# (descriptor, expected vendor slug or None, is_software, matched_by)
EVIDENCE = [
    ("SLACK T01ABCD2EF 415-6305884 CA 02/11", "slack", True, "descriptor"),
    ("HOOTSUITE MEDIA VANCOUVER BC", "hootsuite", True, "descriptor"),
    ("GODADDY.COM 480-505-8855 AZ", "godaddy", True, "descriptor"),
    ("DIGITAL MARKETING WWW.EZS3.COM 07/15", "ezs3", True, "descriptor"),
    ("NORTHWIND CHARGE STORYBLOCKS.COM", "storyblocks", True, "domain"),
    ("PAYPAL *ACTIVECAMP 402-935-7733 IL", "activecampaign", True, "descriptor"),
    ("CONSTANTCONT 855-229-5506 MA", "constant-contact", True, "descriptor"),
    ("GRAMMERLY.COM SAN FRANCISCO CA", "grammarly", True, "fuzzy"),
    ("NETFLIX.COM 866-579-7172 CA", "netflix", False, "descriptor"),
    pytest.param(
        "GOOGLE *YouTubePremium g.co/helppay#CA", "youtube", False, "descriptor", marks=_UNSOURCED
    ),
    pytest.param(
        "FACEBK *ADS 650-5434800 CA", "facebook-ads", False, "descriptor", marks=_UNSOURCED
    ),
    ("STARBUCKS STORE 12345 SEATTLE WA", "starbucks", False, "descriptor"),
    ("SAWADDEE THAI REST PROVIDENCE", None, False, "none"),
]


@pytest.mark.parametrize(("descriptor", "slug", "software", "method"), EVIDENCE)
def test_evidence(
    clf: Classifier, descriptor: str, slug: str | None, software: bool, method: str
) -> None:
    r = clf.classify(descriptor)
    assert (r.vendor_slug, r.is_software, r.matched_by) == (slug, software, method), r.explanation


# Reseller unmasking: (descriptor, vendor slug, reseller slug, matched_by)
RESELLERS = [
    ("PADDLE.NET* SETAPP", "setapp", "paddle", "descriptor"),
    ("PADDLE.NET* PADDLE", "paddle", None, "reseller"),
    ("PADDLE.NET* ZZQXWV", None, "paddle", "product"),  # printed product, not in the catalog
    pytest.param(
        "FS *SUBLIMEHQ.COM 8773278914 CA", "sublime", "fastspring", "domain", marks=_UNSOURCED
    ),
    pytest.param(
        "FS *ahrefs.com 877-3278914 CA", "ahrefs", "fastspring", "descriptor", marks=_UNSOURCED
    ),
    ("FSPRG.COM", "fastspring", None, "reseller"),
    ("2CO.COM*BITDEFENDER", "bitdefender", "2checkout", "descriptor"),
    ("AVANGATE*SOFTWAREPROD", None, "2checkout", "product"),
    pytest.param("DRI*KASPERSKY LAB", "kaspersky", "digital-river", "descriptor", marks=_UNSOURCED),
    ("GUMRD.COM* SOMECREATOR", None, "gumroad", "product"),
    ("GUMRD.COM 800-555-0100 CA", "gumroad", None, "reseller"),  # nothing printed: the bucket
    ("APPLE.COM/BILL 866-712-7753 CA", "apple-services", None, "reseller"),
    ("APL* ITUNES.COM/BILL", "apple-services", None, "reseller"),
    ("MSFT * E0300ABCDE MSBILL.INFO WA", "microsoft", None, "reseller"),
    ("MSFT *MICROSOFT 365", "microsoft-365", None, "descriptor"),
    pytest.param("MSFT*M365 BUSINESS", "microsoft-365", None, "descriptor", marks=_UNSOURCED),
    ("MICROSOFT*XBOX GAME PASS", "xbox", None, "descriptor"),
    ("GOOGLE *CLOUD FTx4NR", "google-cloud", None, "descriptor"),
    ("GOOGLE *Google Stora g.co/payhelp# CA", "google-one", None, "descriptor"),
    ("GOOGLE *SOMEGAME", "google-payments", None, "descriptor"),
    ("AMAZON WEB SERVICES AWS.AMAZON.CO WA", "aws", None, "descriptor"),
    pytest.param(
        "AMZN MKTP US*2K4AB1234 AMZN.COM/BILL WA", "amazon", None, "descriptor", marks=_UNSOURCED
    ),
]


@pytest.mark.parametrize(("descriptor", "slug", "reseller", "method"), RESELLERS)
def test_resellers(
    clf: Classifier, descriptor: str, slug: str | None, reseller: str | None, method: str
) -> None:
    r = clf.classify(descriptor)
    assert (r.vendor_slug, r.reseller_slug, r.matched_by) == (slug, reseller, method), r.explanation


def test_truncated_product_after_reseller(clf: Classifier) -> None:
    r = clf.classify("PADDLE.NET* FRESHL")
    assert r.vendor_slug == "fresh-lead-finder"
    assert r.reseller_slug == "paddle"
    assert "cut-off" in r.explanation


@pytest.mark.parametrize(
    "descriptor",
    [
        "ZOOM CAR WASH PHOENIX AZ",
        "NOTION BAKERY PORTLAND OR",
        "SQ *ZOOM TAQUERIA",
        "TST* BOX HILL BAR AND GRILL",
        "CLOUD 9 CAFE DENVER CO",
        "PEPPERONI PIZZA DENVER CO",  # a derived vendor's name before a merchant word
        "SQ *SKYLIGHT",  # a derived vendor's name through a point-of-sale processor
        "PINNACLE LLC DENVER CO",  # a whole word of "PinnacleCart" is not a cut-off name
        "SENTINEL DENVER",  # nor of "SentinelOne"
        "PRIME",  # catalog keys keep words that are bank wording in statements
    ],
)
def test_software_word_on_an_ordinary_merchant_is_not_software(
    clf: Classifier, descriptor: str
) -> None:
    assert clf.classify(descriptor).is_software is False


def test_small_merchant_veto_uses_mcc(clf: Classifier) -> None:
    assert clf.classify("ASANA LLC", mcc="7997").is_software is False
    assert clf.classify("ASANA LLC").vendor_slug == "asana"


@pytest.mark.parametrize(
    ("mcc", "memo", "software"),
    [
        ("7372", None, True),
        ("5734", None, True),
        ("5817", None, True),
        ("4816", None, True),
        ("7375", None, False),
        ("7375", "annual software licence", True),
        ("4814", None, False),
        ("7399", None, False),
        ("5999", None, False),
        ("5812", None, False),
        (None, None, False),
        ("not-an-mcc", None, False),
    ],
)
def test_mcc_without_catalog_match(
    clf: Classifier, mcc: str | None, memo: str | None, software: bool
) -> None:
    r = clf.classify("NORTHWIND TRADERS 4155550100 CA", mcc=mcc, memo=memo)
    assert r.vendor_slug is None
    assert r.is_software is software
    # Software by its evidence: the seller is named as a candidate vendor.
    assert r.matched_by == ("discovered" if software else "none")
    assert r.candidate_name == ("Northwind Traders" if software else None)


def test_catch_all_mcc_counts_with_a_catalog_match(clf: Classifier) -> None:
    r = clf.classify("KOUNT INC BOISE ID", mcc="7399")
    assert r.vendor_name == "Kount"
    assert clf.classify("KOUNT INC BOISE ID").vendor_slug is None  # short derived name alone


def test_strong_mcc_raises_confidence(clf: Classifier) -> None:
    plain = clf.classify("FIGMA SAN FRANCISCO CA")
    agreed = clf.classify("FIGMA SAN FRANCISCO CA", mcc="5734")
    assert agreed.confidence > plain.confidence
    assert "MCC 5734 agrees" in agreed.explanation


def test_memo_names_the_vendor(clf: Classifier) -> None:
    r = clf.classify("EXPENSE REIMBURSEMENT 00421", memo="Figma seats for the design team")
    assert r.vendor_slug == "figma"
    assert r.matched_by == "alias"


def test_merchant_name_is_used_first(clf: Classifier) -> None:
    r = clf.classify("PAYMENT 4421 XYZ", merchant_name="Linear")
    assert r.vendor_slug == "linear"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "\n\t",
        "A" * 10_000,
        "🚀💸🔥 emoji only",
        "\udcff\udcfe",
        b"\xff\xfe\x00garbage".decode("utf-8", errors="replace"),
        "\x00" * 50,
    ],
)
def test_bad_input_gives_no_match(clf: Classifier, bad: str) -> None:
    r = clf.classify(bad)
    assert r.vendor_slug is None
    assert r.is_software is False
    assert r.matched_by == "none"
    assert "\n" not in r.explanation


def test_every_result_explains_itself(clf: Classifier) -> None:
    for d in ["GITHUB INC", "PADDLE.NET* SETAPP", "TARGET", "", "GOOGLE *GSUITE"]:
        r = clf.classify(d)
        assert isinstance(r, Classification)
        assert r.explanation
        assert "\n" not in r.explanation
        assert 0.0 <= r.confidence <= 1.0
        assert r.category is None or r.category in CATEGORIES


def test_rules_come_first_and_respect_priority() -> None:
    rules = [
        MatchRule("ACME", "contains", None, priority=50, rule_id=2),
        MatchRule("ACME SAAS", "contains", "figma", priority=10, rule_id=1),
        MatchRule(r"^GITHUB", "regex", None, priority=100, rule_id=3),
        MatchRule("[unclosed", "regex", "figma", priority=1, rule_id=4),
        MatchRule("TARGET", "exact", "notion", priority=100, rule_id=5),
    ]
    clf = Classifier(rules=rules)
    r = clf.classify("ACME SAAS 4155550100 CA")
    assert (r.vendor_slug, r.matched_by, r.is_software) == ("figma", "rule", True)
    assert "rule 1" in r.explanation
    r = clf.classify("ACME HARDWARE")
    assert (r.vendor_slug, r.is_software, r.matched_by) == (None, False, "rule")
    assert clf.classify("GITHUB INC").is_software is False
    assert clf.classify("TARGET 1234 MINNEAPOLIS").vendor_slug != "notion"
    assert clf.classify("TARGET").vendor_slug == "notion"


def test_custom_catalog_from_vendors() -> None:
    base = list(Catalog.builtin().vendors)
    custom = Vendor(
        slug="acme-internal",
        name="Acme Internal Tool",
        domains=("acme-tool.io",),
        category="developer_tools",
        descriptors=("ACMETOOL",),
    )
    clf = Classifier(Catalog.from_vendors([*base, custom]))
    r = clf.classify("ACMETOOL*INV 12345 DE")
    assert (r.vendor_slug, r.is_software, r.category) == ("acme-internal", True, "developer_tools")
    assert clf.classify("CHARGE ACME-TOOL.IO").vendor_slug == "acme-internal"


def test_classify_many_matches_classify_and_caches() -> None:
    clf = Classifier()
    items = [("GITHUB INC", None, None), ("TARGET", "5310", None), ("GITHUB INC", None, None)]
    out = clf.classify_many(items)
    assert [r.vendor_slug for r in out] == ["github", "target", "github"]
    assert out[0] is out[2]
    assert clf.classify("GITHUB INC") is out[0]
    # same normalised text, different raw: served from the normalised cache
    a = clf.classify("PURCHASE AUTHORIZED ON 01/02 FIGMA S3840341234567 CARD 1111")
    b = clf.classify("PURCHASE AUTHORIZED ON 02/03 FIGMA S3840349999999 CARD 2222")
    assert a is b


def test_version_is_a_string() -> None:
    assert isinstance(CLASSIFIER_VERSION, str)
    assert CLASSIFIER_VERSION


_FUZZ_CLF = Classifier()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.one_of(st.none(), st.text(max_size=6)), st.none() | st.text())
def test_any_text_never_crashes(descriptor: str, mcc: str | None, memo: str | None) -> None:
    r = _FUZZ_CLF.classify(descriptor, mcc=mcc, memo=memo)
    assert 0.0 <= r.confidence <= 1.0
    assert "\n" not in r.explanation
