"""The vendor-function data: every row names a known function and its source, and a vendor the
data does not know has no function (it is then never grouped with anything)."""

from __future__ import annotations

import csv
from pathlib import Path

from app.insights import functions

DATA = Path(functions.__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_row_names_a_known_function_and_its_source() -> None:
    known = {row["function"] for row in _rows("functions.csv")}
    rows = _rows("vendor_functions.csv")
    assert len(rows) > 500
    assert len({row["slug"] for row in rows}) == len(rows), "one function per vendor"
    for row in rows:
        assert row["function"] in known, row
        assert row["source"].strip(), row
    for row in _rows("functions.csv"):
        assert all(row[k] for k in ("label", "category", "source")), row


def test_jobs_not_categories() -> None:
    of = {
        slug: (functions.of(slug) or functions.Function("", "", "")).code
        for slug in (
            "gong",
            "salesforce",
            "hubspot",
            "zoominfo",
            "linkedin-premium",
            "datadog",
            "github",
            "jetbrains",
            "google-workspace",
            "calendly",
            "zoom",
            "slack",
            "twilio",
        )
    }
    assert of["salesforce"] == of["hubspot"] == "crm"
    assert len({of["gong"], of["salesforce"], of["zoominfo"], of["linkedin-premium"]}) == 4
    assert len({of["datadog"], of["github"], of["jetbrains"]}) == 3
    assert of["google-workspace"] != of["calendly"]
    assert len({of["zoom"], of["slack"], of["twilio"]}) == 3


def test_an_unknown_slug_has_no_function() -> None:
    assert functions.of("a-vendor-added-yesterday") is None
    assert functions.of(None) is None
    assert "a-vendor-added-yesterday" not in functions.slugs_of(set(functions.functions()))
