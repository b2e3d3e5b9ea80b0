"""The dashboard in a real browser: Playwright for Python driving Debian's chromium against a
live uvicorn serving a small demo company. Skips cleanly without playwright or chromium.

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

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path(os.environ.get("SHADOWSPEND_CHROMIUM", "/usr/bin/chromium"))
REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ["/", "/findings", "/subscriptions", "/redundancy", "/transactions"]

pytestmark = pytest.mark.skipif(
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


def _sign_in_with_keyboard(page: Any, live: Live, key: str) -> None:
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


_TIMINGS = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      ttfb_ms: Math.round(nav.responseStart - nav.requestStart),
      first_contentful_paint_ms: fcp ? Math.round(fcp.startTime) : null,
      charts_drawn_ms: Math.round(performance.now()),
    };
}"""


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def _record(artifacts: Path, name: str, figures: dict[str, Any]) -> None:
    path = artifacts / "figures.json"
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing[name] = figures
    path.write_text(json.dumps(existing, indent=2))
    print(f"\n{name}: {figures} (artifacts in {artifacts})")


def test_sign_in_pages_and_drill_down(live: Live, browser: Any, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    _sign_in_with_keyboard(page, live, live.admin_key)
    page.wait_for_function("document.querySelectorAll('.chart.drawn').length === 4")
    page.wait_for_selector("#renewals-body table, #renewals-body .empty")
    figures = page.evaluate(_TIMINGS)
    _record(artifacts, "overview_1280_first_visit", figures)
    assert figures["first_contentful_paint_ms"] is not None
    page.reload()
    page.wait_for_function("document.querySelectorAll('.chart.drawn').length === 4")
    _record(artifacts, "overview_1280_reload", page.evaluate(_TIMINGS))
    page.screenshot(path=str(artifacts / "overview-1280.png"), full_page=True)

    # Visible focus on a link reached by keyboard.
    first_link = page.locator("#top-outside-vendors-title ~ details table a").first
    first_link.focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

    # Drill-down by mouse: click the largest outside-IT vendor's bar.
    expected_total = first_link.inner_text()
    bar = page.locator("#top-outside-vendors-plot g.point path").first
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/transactions?**")
    assert "vendor_id=" in page.url
    assert "outside_it=true" in page.url
    assert page.locator("#tx-total").inner_text() == expected_total
    assert page.locator("table.tx tbody tr").count() > 0
    page.screenshot(path=str(artifacts / "drilldown-1280.png"), full_page=True)

    # Drill-down by keyboard: the same figure from the table fallback.
    page.go_back()
    page.wait_for_function("document.querySelectorAll('.chart.drawn').length === 4")
    page.locator("#top-outside-vendors-title ~ details table a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/transactions?**")
    assert page.locator("#tx-total").inner_text() == expected_total

    for path in PAGES[1:]:
        page.goto(live.base + path)
        assert page.locator("h1").count() == 1
        name = path.strip("/") or "overview"
        page.screenshot(path=str(artifacts / f"{name}-1280.png"), full_page=True)
    page.goto(live.base + "/findings")
    page.locator("table tbody a").first.click()
    page.wait_for_url("**/findings/*")
    page.screenshot(path=str(artifacts / "finding-1280.png"), full_page=True)
    page.get_by_role("link", name="Open these in the transactions list").click()
    page.wait_for_url("**/transactions?**")

    # Sign out through the form; pages then send us back to sign in.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.goto(live.base + "/findings")
    assert "/login" in page.url
    assert problems.items == []
    context.close()


def test_narrow_screen_and_scoped_key(live: Live, browser: Any, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    _sign_in_with_keyboard(page, live, live.marketing_key)
    page.wait_for_function("document.querySelectorAll('.chart.drawn').length >= 1")
    figures = page.evaluate(
        """() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return {first_contentful_paint_ms: fcp ? Math.round(fcp.startTime) : null};
    }"""
    )
    _record(artifacts, "overview_390_marketing", figures)
    departments = page.locator("#spend-by-department-title ~ details tbody th")
    assert departments.count() == 1
    assert (departments.first.text_content() or "").strip() == "Marketing"
    nav = page.locator("nav[aria-label=Main] a")
    paths = [nav.nth(i).get_attribute("href") or "" for i in range(nav.count())]
    assert "/redundancy" not in paths  # it compares departments: not for a scoped key
    for path in paths:
        page.goto(live.base + path)
        if path == "/":
            page.wait_for_function("document.querySelectorAll('.chart.drawn').length >= 1")
        assert _no_horizontal_scroll(page), path
        name = path.strip("/") or "overview"
        page.screenshot(path=str(artifacts / f"{name}-390.png"), full_page=True)
    assert problems.items == []
    context.close()


def _open_decision(page: Any, name: str) -> None:
    """Open one decision on a finding page with the keyboard (its summary, then Enter)."""
    summary = page.locator(f"#{name} > summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator(f"#{name}").get_attribute("open") is not None


def _open_findings(page: Any, live: Live, count: int) -> list[str]:
    page.goto(live.base + "/findings?status=open")
    links = page.locator("table tbody th a")
    assert links.count() >= count
    return [live.base + (links.nth(i).get_attribute("href") or "") for i in range(count)]


def test_review_decisions_through_the_ui(live: Live, browser: Any, artifacts: Path) -> None:
    """IT follows decisions through the pages with the keyboard: snooze one finding, lose a
    race on another (409, said plainly), dismiss a third to a vendor found by search, then
    reject two from the queue at once. Each page says what was done and who did it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    _sign_in_with_keyboard(page, live, live.admin_key)
    snooze_url, race_url, dismiss_url, *queue_urls = _open_findings(page, live, 5)

    # Snooze, all by keyboard.
    page.goto(snooze_url)
    _open_decision(page, "snooze")
    page.locator("#snooze-until").fill("2031-01-31")
    page.locator("#snooze-comment").focus()  # Tab would step through the date's own fields
    page.keyboard.type("revisit after the budget round")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Snooze"
    page.keyboard.press("Enter")
    page.wait_for_url("**?done=snooze")
    notice = page.locator("#outcome")
    assert "Snoozed until 2031-01-31." in notice.inner_text()
    assert page.evaluate("document.activeElement.id") == "outcome"  # keyboard users start here
    assert "until 2031-01-31" in page.locator("#finding-status").inner_text()
    history = page.locator(".history li").last.inner_text()
    assert "browser admin (admin) snoozed: “revisit after the budget round”" in history
    page.screenshot(path=str(artifacts / "review-snoozed-1280.png"), full_page=True)

    # Someone else decides first: the page says so and nothing changes.
    other = context.new_page()
    other.goto(race_url)
    page.goto(race_url)
    other.get_by_role("button", name="Approve").click()
    other.wait_for_url("**?done=approve")
    other.close()
    _open_decision(page, "reject")
    page.locator("#reject-comment").fill("we have a sanctioned tool for this")
    page.get_by_role("button", name="Reject").click()
    page.wait_for_load_state()
    error = page.locator("#outcome").inner_text()
    assert "Someone else changed this finding while you had it open" in error
    assert "approved by browser admin" in error
    assert "Your comment was not saved: “we have a sanctioned tool for this”." in error
    assert page.locator("#finding-status").inner_text().startswith("approved")
    page.screenshot(path=str(artifacts / "review-conflict-1280.png"), full_page=True)

    # Dismiss as a wrong match, the right vendor picked from a search as you type.
    page.goto(dismiss_url)
    _open_decision(page, "dismiss")
    page.locator("#vendor-q").focus()
    page.keyboard.type("zoom")
    first = page.locator("#vendor-results input[type=radio]").first
    first.wait_for()
    assert "match “zoom”" in page.locator("#vendor-count").inner_text()
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    page.get_by_role("button", name="Dismiss as a wrong match").click()
    page.wait_for_url("**?done=dismiss")
    assert "Dismissed as a wrong match" in page.locator("#outcome").inner_text()
    assert page.locator("#finding-status").inner_text() == "dismissed"

    # Two at once from the queue.
    page.goto(live.base + "/findings?status=open")
    ids = [url.rsplit("/", 1)[1] for url in queue_urls]
    for finding_id in ids:
        page.locator(f"#pick-{finding_id}").focus()
        page.keyboard.press("Space")
    assert page.locator("#bulk-count").inner_text() == "(2 ticked)"
    assert page.locator("#bulk-until").is_hidden()  # only asked for when snoozing
    page.locator("#bulk-action").select_option("reject")
    page.locator("#bulk-comment").fill("duplicates of the sanctioned suite")
    page.screenshot(path=str(artifacts / "review-bulk-ticked-1280.png"), full_page=True)
    page.get_by_role("button", name="Apply to ticked findings").click()
    page.wait_for_url("**done=reject**")
    outcome = page.locator("#outcome")
    assert "Rejected: 2 findings." in outcome.inner_text()
    assert outcome.locator("a").count() == 2
    page.screenshot(path=str(artifacts / "review-bulk-done-1280.png"), full_page=True)
    for url in queue_urls:
        page.goto(url)
        assert page.locator("#finding-status").inner_text() == "rejected"
    # The lost race answered 409 on purpose (the browser also logs it); nothing else may fail.
    assert [p for p in problems.items if "409" not in p] == []
    assert len(problems.items) <= 2
    context.close()


def test_review_forms_fit_a_phone_and_stay_hidden_without_the_permission(
    live: Live, browser: Any, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    _sign_in_with_keyboard(page, live, live.admin_key)
    (url,) = _open_findings(page, live, 1)
    assert _no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "review-queue-390.png"), full_page=True)
    page.goto(url)
    for name in ["reject", "dismiss", "snooze"]:
        _open_decision(page, name)
    page.locator("#vendor-q").fill("slack")
    page.locator("#vendor-results input[type=radio]").first.wait_for()
    assert _no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "review-finding-390.png"), full_page=True)
    page.locator("#decide").screenshot(path=str(artifacts / "review-decide-390.png"))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")

    _sign_in_with_keyboard(page, live, live.marketing_key)
    (url,) = _open_findings(page, live, 1)
    assert page.locator("#bulk").count() == 0
    page.goto(url)
    assert page.locator("form[method=post][action^='/findings/']").count() == 0
    assert problems.items == []
    context.close()
