"""What the browser tests share: a live uvicorn serving a small demo company, Playwright for
Python driving Debian's chromium, and helpers. The fixtures skip cleanly without playwright or
chromium (they are registered in ``conftest.py``; each test module gets its own server and data).

Screenshots and the measured figures (first contentful paint, time to first byte of the
overview) go to ``$SHADOWSPEND_TEST_ARTIFACTS`` or a pytest temp directory, never the repo.
They are recorded, not asserted (timings belong in benchmarks, not in pass/fail tests).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path(os.environ.get("SHADOWSPEND_CHROMIUM", "/usr/bin/chromium"))
REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_WITHOUT_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"
)


@dataclass(frozen=True)
class Live:
    base: str
    admin_key: str
    marketing_key: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load(url: str) -> tuple[str, str]:
    from rich.console import Console
    from sqlmodel import Session, select

    from app import db, migrate
    from app.api_keys import service as api_keys_service
    from app.demo.loader import load_demo
    from app.models import Department

    engine = db.make_engine(url)
    try:
        migrate.upgrade(engine)
        load_demo(engine, scale=0.2, console=Console(file=io.StringIO()))
        with Session(engine) as session:
            _, admin = api_keys_service.create_key(session, name="browser admin", role="admin")
            marketing = session.exec(select(Department).where(Department.name == "Marketing"))
            dept = marketing.first()
            assert dept is not None
            _, scoped = api_keys_service.create_key(
                session, name="browser marketing", role="marketing", department_id=dept.id
            )
            session.commit()
    finally:
        engine.dispose()
    return admin, scoped


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """uvicorn in a subprocess on a free loopback port, on a temp SQLite demo database."""
    folder = tmp_path_factory.mktemp("dashboard-live")
    url = f"sqlite:///{folder / 'demo.db'}"
    admin, scoped = _load(url)
    port = _free_port()
    env = {
        **os.environ,
        "SHADOWSPEND_DATABASE_URL": url,
        "SHADOWSPEND_SCHEDULER_MODE": "off",
        "SHADOWSPEND_LOG_LEVEL": "WARNING",
    }
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("the server did not start:\n" + (folder / "server.log").read_text())
            time.sleep(0.2)
        yield Live(base=base, admin_key=admin, marketing_key=scoped)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("SHADOWSPEND_TEST_ARTIFACTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Problems:
    """Console errors, uncaught exceptions and failed requests seen by one page."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on(
            "console",
            lambda m: self.items.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.items.append(f"pageerror: {e}"))
        page.on(
            "response",
            lambda r: self.items.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
        )


def sign_in_with_keyboard(page: Any, live: Live, key: str) -> None:
    page.goto(live.base + "/")
    assert "/login" in page.url
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"  # the first stop, and it is visible when focused
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.locator("#api_key").focus()
    page.keyboard.type(key)
    page.keyboard.press("Enter")
    page.wait_for_url(live.base + "/")


TIMINGS = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      ttfb_ms: Math.round(nav.responseStart - nav.requestStart),
      first_contentful_paint_ms: fcp ? Math.round(fcp.startTime) : null,
      charts_drawn_ms: Math.round(performance.now()),
    };
}"""


def no_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def record(artifacts: Path, name: str, figures: dict[str, Any]) -> None:
    path = artifacts / "figures.json"
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing[name] = figures
    path.write_text(json.dumps(existing, indent=2))
    print(f"\n{name}: {figures} (artifacts in {artifacts})")


def signed_in(browser: Any, live: Live, key: str, **context_args: Any) -> tuple[Any, Any, Problems]:
    """A new browser context signed in with ``key`` by keyboard: (context, page, problems)."""
    context = browser.new_context(**context_args)
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    sign_in_with_keyboard(page, live, key)
    return context, page, problems


def expect(target: Any) -> Any:
    """Playwright's web-first assertions (they retry until the page agrees, and run no string
    of script in the page, so the CSP's ``script-src 'self'`` never refuses them); imported
    here so a module without playwright still collects and skips."""
    sync_api = pytest.importorskip("playwright.sync_api")
    return sync_api.expect(target)
