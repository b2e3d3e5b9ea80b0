"""The candidate engine: names anywhere, printed products, look-alikes, long-tail discovery,
and the evaluation protocol. Descriptors here are made up in the shapes of issue #11."""

from __future__ import annotations

import pytest

from classifiers import Classifier, protocol
from classifiers.tagging import tag


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier()


@pytest.mark.parametrize(
    ("descriptor", "slug"),
    [
        ("RF-A1B2C3D4 +18005550100 FIGMA INC SPRINGFIELD ST", "figma"),
        (
            "20123456789 8005550100 PAYPAL *ACTIVECAMP 8005550100 CA Description : SOFTWARE",
            "activecampaign",
        ),
        ("A1234567890 PROFESSIONAL SERVICES ZAPIER SAN FRANCISCO CA", "zapier"),
        ("Online Transfer Debit DROPBOX ZZ99ZZ99 ST Date 01/02/24 12345 4816", "dropbox"),
        ("Card Withdrawal - Atlassian Inc. 12 Main Street Springfield", "atlassian"),
        ("PAGO*NOTION LABS 12345 BOGOTA", "notion"),
    ],
)
def test_names_are_found_anywhere(clf: Classifier, descriptor: str, slug: str) -> None:
    r = clf.classify(descriptor)
    assert (r.vendor_slug, r.is_software) == (slug, True), r.explanation
    assert "score" in r.explanation


def test_a_printed_product_behind_a_merchant_of_record_is_the_answer(clf: Classifier) -> None:
    r = clf.classify("PADDLE.NET* TINYTOOL")
    assert (r.vendor_slug, r.vendor_name, r.reseller_slug) == (None, "Tinytool", "paddle")
    assert (r.is_software, r.matched_by, r.candidate_name) == (True, "product", "Tinytool")
    assert r.confidence < 0.9


@pytest.mark.parametrize(
    "descriptor",
    [
        "POS DEBIT CURSOR HAIR STUDIO 123456",
        "ROAM COFFEE ROASTERS BEND OR",
        "SQ *FIGMA KNITTING PORTLAND OR",
        "TST* ZAPIER TACOS AUSTIN TX",
        "NOTION INTERIORS 5035550100 OR",
    ],
)
def test_look_alike_local_merchants_are_not_software(clf: Classifier, descriptor: str) -> None:
    r = clf.classify(descriptor)
    assert r.is_software is False, r.explanation


def test_long_tail_software_is_discovered_with_its_evidence(clf: Classifier) -> None:
    r = clf.classify("QUILLSTACK BACKUP SOFTWARE 8005550100 CA")
    assert (r.vendor_slug, r.is_software, r.matched_by) == (None, True, "discovered")
    assert r.candidate_name == "Quillstack Backup Software"
    assert r.software_probability is not None
    assert r.software_probability > 0.5
    assert "BACKUP" in r.explanation
    r = clf.classify("CHARGE QUILLSTACK.IO 8005550100")
    assert (r.is_software, r.candidate_name) == (True, "quillstack.io")
    assert clf.classify("QUILLSTACK BAKERY 8005550100 CA").is_software is False


def test_learned_boilerplate_is_bank_wording() -> None:
    keys = ("ZORBLAT", "WIDGETLY", "AUSTIN")
    assert tag(keys)[0] == "word"
    assert tag(keys, None, frozenset({"ZORBLAT"}))[0] == "bank"


def test_batch_and_single_answers_agree() -> None:
    items = [
        ("RF-A1B2C3D4 FIGMA INC SPRINGFIELD ST", None, None),
        ("PADDLE.NET* TINYTOOL", None, None),
        ("ROAM COFFEE ROASTERS BEND OR", "5814", None),
    ]
    batch = Classifier().classify_many(items)
    single = Classifier()
    assert batch == [single.classify(d, mcc=m, memo=o) for d, m, o in items]


def test_protocol_measures_transfer_and_lookalikes(clf: Classifier) -> None:
    vendors = [v for v in (clf.catalog.get(s) for s in ("figma", "zapier", "dropbox")) if v]
    tt = protocol.template_transfer(clf, vendors)
    assert tt.rows == 3 * len(tt.per_shape)
    assert len(tt.per_shape) >= 10
    assert tt.named / tt.rows >= 0.9
    rows = protocol.lookalike_rows(["FIGMA", "ZAPIER", "DROPBOX"], n=50)
    assert len(set(rows)) == 50
    la = protocol.lookalikes(clf, rows)
    assert la.flagged / la.rows <= 0.1, la.examples


def test_derivable_catalog_drops_remembered_strings(clf: Classifier) -> None:
    reduced = protocol.derivable_only(clf.catalog)
    slack = reduced.get("slack")
    assert slack is not None
    assert "SLACK T" not in slack.descriptors
    assert "SLACK.COM" in slack.descriptors


def test_boilerplate_is_learned_from_a_sources_own_rows() -> None:
    from classifiers import boilerplate

    merchants = ["ZORBLAT GRILL", "FIGMA", "PEQUOD MARKET", "SLACK", "QUIBBLE CAFE"] * 20
    rows = [f"ZZYX WITHDRAWL VIA PORTAL {m} {i:05d}" for i, m in enumerate(merchants)]
    learned = boilerplate.learn(rows)
    assert {"ZZYX", "WITHDRAWL", "PORTAL"} <= learned
    assert "FIGMA" not in learned
    assert "SLACK" not in learned
    assert boilerplate.learn(rows[:10]) == frozenset()  # too few rows to tell
    clf = Classifier()
    with_it = clf.classify("ZZYX WITHDRAWL VIA PORTAL FIGMA 00001", boilerplate=learned)
    assert with_it.vendor_slug == "figma"
    assert "after_other_words" not in with_it.explanation
