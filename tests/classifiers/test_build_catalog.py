"""The committed catalog is what scripts/build_catalog.py produces from ../shared."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / ".." / "shared" / "catalog-sources"


@pytest.mark.shared
@pytest.mark.skipif(not SOURCES.exists(), reason="../shared/catalog-sources not present")
def test_committed_catalog_is_reproducible() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_catalog.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
