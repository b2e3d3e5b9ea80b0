"""A session-wide set of Prism mock servers for the conformance tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.connectors_api.prism import PrismFarm, PrismUnavailable

#: The specs the conformance tests serve; all start together the first time one is needed.
SPEC_FILES = (
    "xero_accounting.yaml",  # the slowest to start: first
    "plaid-2020-09-14.yml",
    "ramp-developer-api.json",
    "brex_transactions.oas.json",
)


@pytest.fixture(scope="session")
def prism_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismFarm]:
    farm = PrismFarm(log_dir=tmp_path_factory.mktemp("prism"))
    try:
        for spec in SPEC_FILES:
            try:
                farm.launch(spec)
            except PrismUnavailable:
                break  # each test that needs it will skip with the reason
        yield farm
    finally:
        farm.stop()


@pytest.fixture(scope="session")
def prism(prism_farm: PrismFarm) -> Callable[[str], str]:
    """``prism("spec file name") -> base URL``; skips the test when Prism cannot run here."""

    def url(spec: str) -> str:
        try:
            return prism_farm.url(spec)
        except PrismUnavailable as exc:
            pytest.skip(str(exc))

    return url
