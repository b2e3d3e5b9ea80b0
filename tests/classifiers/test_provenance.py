"""What counts as derived from a vendor's name or domain (classifiers.provenance), and the
catalog build refusing claims it cannot reproduce."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from classifiers import provenance

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / ".." / "shared" / "catalog-sources"
MS = ("Microsoft", ["microsoft.com"])


@pytest.mark.parametrize(
    ("text", "name", "domains", "parent", "expected"),
    [
        ("1PASSWORD", "1Password", [], None, {"name"}),
        ("1Password Inc.", "1Password", [], None, {"name"}),
        ("Sketch B.V.", "Sketch", [], None, {"name"}),
        ("FACEBOOK ADS", "Meta (Facebook ads)", [], None, {"name"}),
        ("ZAPIER.COM", "Zapier", ["zapier.com"], None, {"domain"}),
        ("ZAPIER COM", "Zapier", ["zapier.com"], None, {"domain"}),
        ("ZAPIER", "Zapier", ["zapier.com"], None, {"name", "domain"}),
        ("AMAZON", "Amazon Web Services", ["aws.amazon.com"], None, {"domain"}),
        ("AMAZON.CO.UK", "Amazon", ["amazon.co.uk"], None, {"domain"}),
        ("MICROSOFT*XBOX", "Xbox", [], MS, {"name"}),
        ("MICROSOFT*MICROSOFT 365", "Microsoft 365", [], MS, {"name"}),
        # Not derivable (made-up vendors): a truncation, a company word, a product word, a
        # www prefix, a ticker, a billing path.
        ("ZORBLY T", "Zorbly", ["zorbly.com"], None, set()),
        ("ZORBLY TECHNOLOGIES", "Zorbly", ["zorbly.com"], None, set()),
        ("ACMEPIX *PHOTO PLN", "Acmepix", ["acmepix.com"], None, set()),
        ("WWW ACMEPIX COM", "Acmepix", ["acmepix.com"], None, set()),
        ("MSFT *XBOX", "Xbox", [], MS, set()),
        ("MICROSOFT*XBOX", "Xbox", [], None, set()),
        ("APPLE.COM/BILL", "Apple", ["apple.com"], None, set()),
    ],
)
def test_derivations(
    text: str,
    name: str,
    domains: list[str],
    parent: tuple[str, list[str]] | None,
    expected: set[str],
) -> None:
    assert provenance.derivations(text, name, domains, parent) == expected


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ("name", True),
        ("domain", True),
        ("doc:https://paddle.com/help", True),
        ("open:wappalyzer", True),
        ("open:somewhere", False),
        ("doc:paddle.com", False),
        ("bank-export", False),
    ],
)
def test_provenance_shapes(source: str, ok: bool) -> None:
    if ok:
        provenance.check(source)
    else:
        with pytest.raises(ValueError, match="provenance"):
            provenance.check(source)


@pytest.mark.shared
@pytest.mark.skipif(not SOURCES.exists(), reason="../shared/catalog-sources not present")
def test_build_refuses_an_underivable_name_claim(tmp_path: Path) -> None:
    curated = (ROOT / "classifiers" / "data" / "curated.toml").read_text(encoding="utf-8")
    planted = curated.replace('["SLACK", "name"]', '["SLACK XQ", "name"]', 1)
    assert planted != curated
    path = tmp_path / "curated.toml"
    path.write_text(planted, encoding="utf-8")
    script = ROOT / "scripts" / "build_catalog.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--curated", str(path), "--out", str(tmp_path / "x.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "'SLACK XQ': marked 'name' but not derivable" in proc.stderr
