"""The dashboard in a real browser: Playwright for Python driving Debian's chromium against a
live uvicorn serving a small demo company (:mod:`tests.dashboard.browser_kit`). Skips cleanly
without playwright or chromium.

Screenshots and the measured figures (first contentful paint, time to first byte of the
overview) go to ``$SHADOWSPEND_TEST_ARTIFACTS`` or a pytest temp directory, never the repo.
They are recorded, not asserted (timings belong in benchmarks, not in pass/fail tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.dashboard.browser_kit import (
    SKIP_WITHOUT_CHROMIUM,
    TIMINGS,
    Live,
    Problems,
    expect,
    no_horizontal_scroll,
    record,
    sign_in_with_keyboard,
)

PAGES = ["/", "/findings", "/subscriptions", "/redundancy", "/transactions"]
pytestmark = SKIP_WITHOUT_CHROMIUM


def test_sign_in_pages_and_drill_down(live: Live, browser: Any, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    sign_in_with_keyboard(page, live, live.admin_key)
    expect(page.locator(".chart.drawn")).to_have_count(4)
    page.wait_for_selector("#renewals-body table, #renewals-body .empty")
    figures = page.evaluate(TIMINGS)
    record(artifacts, "overview_1280_first_visit", figures)
    assert figures["first_contentful_paint_ms"] is not None
    page.reload()
    expect(page.locator(".chart.drawn")).to_have_count(4)
    record(artifacts, "overview_1280_reload", page.evaluate(TIMINGS))
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
    expect(page.locator(".chart.drawn")).to_have_count(4)
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
    sign_in_with_keyboard(page, live, live.marketing_key)
    page.locator(".chart.drawn").first.wait_for()
    figures = page.evaluate(
        """() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return {first_contentful_paint_ms: fcp ? Math.round(fcp.startTime) : null};
    }"""
    )
    record(artifacts, "overview_390_marketing", figures)
    departments = page.locator("#spend-by-department-title ~ details tbody th")
    assert departments.count() == 1
    assert (departments.first.text_content() or "").strip() == "Marketing"
    nav = page.locator("nav[aria-label=Main] a")
    paths = [nav.nth(i).get_attribute("href") or "" for i in range(nav.count())]
    assert "/redundancy" not in paths  # it compares departments: not for a scoped key
    for path in paths:
        page.goto(live.base + path)
        if path == "/":
            page.locator(".chart.drawn").first.wait_for()
        assert no_horizontal_scroll(page), path
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
    sign_in_with_keyboard(page, live, live.admin_key)
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
    sign_in_with_keyboard(page, live, live.admin_key)
    (url,) = _open_findings(page, live, 1)
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "review-queue-390.png"), full_page=True)
    page.goto(url)
    for name in ["reject", "dismiss", "snooze"]:
        _open_decision(page, name)
    page.locator("#vendor-q").fill("slack")
    page.locator("#vendor-results input[type=radio]").first.wait_for()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "review-finding-390.png"), full_page=True)
    page.locator("#decide").screenshot(path=str(artifacts / "review-decide-390.png"))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")

    sign_in_with_keyboard(page, live, live.marketing_key)
    (url,) = _open_findings(page, live, 1)
    assert page.locator("#bulk").count() == 0
    page.goto(url)
    assert page.locator("form[method=post][action^='/findings/']").count() == 0
    assert problems.items == []
    context.close()
