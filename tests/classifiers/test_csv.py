"""classify_csv: the library side of `shadowspend classify IN.csv -o OUT.csv`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from classifiers import MissingColumnError, classify_csv


def test_classify_csv_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "date,descriptor,mcc,amount,currency,memo\n"
        "2024-01-02,FIGMA SAN FRANCISCO CA,5734,1500,USD,\n"
        "2024-01-03,STARBUCKS STORE 123,5814,450,USD,coffee\n"
        "2024-01-04,,,,,\n"
        "2024-01-05,NORTHWIND TRADERS,7372,9900,EUR,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    seen: list[int] = []
    n = classify_csv(src, out, progress=seen.append)
    assert n == 4
    assert seen[-1] == 4
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0].keys()) == [
        "date",
        "descriptor",
        "mcc",
        "amount",
        "currency",
        "memo",
        "vendor",
        "vendor_id",
        "category",
        "is_software",
        "confidence",
        "matched_by",
    ]
    assert rows[0]["vendor"] == "Figma"
    assert rows[0]["vendor_id"] == "figma"
    assert rows[0]["category"] == "design"
    assert rows[0]["is_software"] == "true"
    assert 0 < float(rows[0]["confidence"]) <= 1
    assert rows[1]["vendor"] == ""
    assert rows[1]["is_software"] == "false"
    assert rows[2]["matched_by"] == "none"
    assert rows[3]["is_software"] == "true"
    assert rows[3]["matched_by"] == "discovered"  # software by its MCC, seller named
    assert rows[0]["amount"] == "1500"


def test_missing_descriptor_column_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("merchant,amount\nFIGMA,1\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="descriptor"):
        classify_csv(src, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    assert issubclass(MissingColumnError, ValueError)


def test_non_utf8_input_does_not_crash(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b"descriptor\nGITHUB INC \xff\xfe\n\xf0\x9f\x9a\x80 ROCKET\n")
    out = tmp_path / "out.csv"
    assert classify_csv(src, out) == 2
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["vendor"] == "GitHub"
    assert rows[1]["is_software"] == "false"
