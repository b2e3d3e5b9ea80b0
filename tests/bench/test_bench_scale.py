"""bench/bench_scale.py at a tiny N, so the scale bench cannot rot: the real import, the
feed, the findings list served by two workers under load and the overview, end to end.
Figures are only checked for shape: timing is the bench's business, never a test's."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import POSTGRES_URL

BENCH = Path(__file__).resolve().parents[2] / "bench"
LINE = re.compile(
    r"SCALE rows=(\d+) import_rows_per_s=(\d+) feed_p95_ms=([\d.]+) findings_rps=(\d+) "
    r"findings_p99_ms=([\d.]+) overview_p95_ms=([\d.]+)"
)


def _bench(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_scale_bench_runs_end_to_end_at_tiny_n(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scale = _bench("bench_scale")
    url = f"sqlite:///{tmp_path / 'scale.db'}"

    figures = scale.run(url, 400, runs=2, duration=1, with_explain=True)

    out = capsys.readouterr().out
    found = LINE.fullmatch(figures.line())
    assert found is not None, figures.line()
    assert found.group(1) == "400"
    assert figures.findings_rps > 0
    assert "imported 400 rows (400 inserted)" in out
    assert "EXPLAIN spend feed" in out
    assert "EXPLAIN findings list" in out
    assert "returns 0 findings" not in out
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM transactions")).scalar_one()
        findings = conn.execute(text("SELECT count(*) FROM findings")).scalar_one()
    engine.dispose()
    assert stored == 400
    assert findings > 0


def test_rows_cover_every_month_of_the_feeds_default_period(tmp_path: Path) -> None:
    from datetime import date

    scale = _bench("bench_scale")
    path = tmp_path / "cards.csv"
    scale.write_rows(path, 2_000, date(2026, 3, 9))
    months = {line[:7] for line in path.read_text().splitlines()[1:]}
    # 2025-02 .. 2026-03: the last 12 full months (2025-03 .. 2026-02) and either side.
    assert months == {f"2025-{m:02d}" for m in range(2, 13)} | {"2026-01", "2026-02", "2026-03"}


@pytest.mark.parametrize(
    ("figure", "ms"), [("850.00us", 0.85), ("12.34ms", 12.34), ("1.20s", 1200.0)]
)
def test_wrk_latencies_read_in_milliseconds(figure: str, ms: float) -> None:
    _bench("bench_scale")
    findings = _bench("bench_findings")
    assert findings._wrk_ms(figure) == pytest.approx(ms)


def test_wrk_latency_that_is_not_one_is_refused() -> None:
    _bench("bench_scale")
    findings = _bench("bench_findings")
    with pytest.raises(ValueError, match="not a wrk latency"):
        findings._wrk_ms("n/a")


@pytest.mark.postgres
def test_the_throwaway_database_is_dropped_when_the_run_fails() -> None:
    if not POSTGRES_URL:
        pytest.skip("SHADOWSPEND_TEST_POSTGRES_URL is not set")
    _bench("bench_scale")
    importer = _bench("bench_import")
    name = "shadowspend_scale_test_drop"
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")

    def exists() -> bool:
        with admin.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name}
                ).scalar_one()
            )

    try:
        with (  # noqa: PT012
            pytest.raises(RuntimeError, match="the run failed"),
            importer.throwaway_postgres(POSTGRES_URL, name) as url,
        ):
            assert make_url(url).database == name
            assert exists()
            raise RuntimeError("the run failed")
        assert not exists()
    finally:
        admin.dispose()
