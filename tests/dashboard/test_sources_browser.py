"""The pages of #15 items 4, 5 and 7 in a real browser: Sources (an upload followed to its
end, with the script polling and without it), the findings and transactions filters and
their CSV links, and the overview's "what changed". Screenshots at 1440 px (and 390 px for
two pages) go to the artifacts folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.dashboard.browser_kit import (
    SKIP_WITHOUT_CHROMIUM,
    Live,
    expect,
    no_horizontal_scroll,
    signed_in,
)

pytestmark = SKIP_WITHOUT_CHROMIUM
STATEMENT = "\n".join(
    [
        "Date,Description,Amount",
        "02/03/2026,QUIRKLY DESIGN STUDIO SUBSCR,19.00",
        "02/10/2026,HARBOUR DINER 77,23.40",
        "03/03/2026,QUIRKLY DESIGN STUDIO SUBSCR,19.00",
    ]
)


def _shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def _upload(page: Any, live: Live, name: str, connection: str) -> None:
    page.goto(live.base + "/sources")
    page.locator("#up-file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": STATEMENT.encode()}]
    )
    page.locator("#up-preset").select_option("amex")
    page.locator("#up-connection").fill(connection)
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/sources/jobs/*")


def test_upload_a_statement_and_watch_it_finish(live: Live, browser: Any, artifacts: Path) -> None:
    context, page, problems = signed_in(
        browser, live, live.admin_key, viewport={"width": 1440, "height": 900}
    )
    page.goto(live.base + "/sources")
    assert page.locator("#connections tbody tr").count() >= 1
    assert no_horizontal_scroll(page)
    _shot(page, artifacts, "sources-1440")
    _upload(page, live, "quirkly.csv", "Browser upload")
    # polled by the script (no reload): the block turns into the result
    expect(page.locator("#job-status")).to_have_text("Done", timeout=20_000)
    expect(page.locator("#job-result")).to_contain_text("3 rows read: 3 new")
    _shot(page, artifacts, "sources-job-done-1440")
    page.get_by_role("link", name="Browser upload").click()
    page.wait_for_url("**/sources/*")
    assert page.locator("#runs tbody tr").count() == 1
    _shot(page, artifacts, "source-detail-1440")
    assert problems.items == []
    context.close()


def test_upload_without_script_refreshes_until_done(live: Live, browser: Any) -> None:
    context, page, problems = signed_in(
        browser,
        live,
        live.admin_key,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
    )
    _upload(page, live, "quirkly-again.csv", "No-script upload")
    expect(page.locator("#job-status")).to_have_text("Done", timeout=20_000)
    assert "3 rows read" in page.locator("#job-result").inner_text()
    assert problems.items == []
    context.close()


def test_a_rejected_upload_lists_its_rows(live: Live, browser: Any) -> None:
    context, page, problems = signed_in(
        browser, live, live.admin_key, viewport={"width": 1280, "height": 900}
    )
    page.goto(live.base + "/sources")
    broken = STATEMENT + "\n03/09/2026,QUIRKLY DESIGN STUDIO SUBSCR,nineteen"
    page.locator("#up-file").set_input_files(
        files=[{"name": "broken.csv", "mimeType": "text/csv", "buffer": broken.encode()}]
    )
    page.locator("#up-preset").select_option("amex")
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/sources/jobs/*")
    expect(page.locator("#job-status")).to_have_text("Failed", timeout=20_000)
    expect(page.locator("#job-errors")).to_contain_text("row 4")
    assert problems.items == []
    context.close()


def test_findings_and_transactions_filters_by_keyboard(
    live: Live, browser: Any, artifacts: Path
) -> None:
    context, page, problems = signed_in(
        browser, live, live.admin_key, viewport={"width": 1440, "height": 900}
    )
    page.goto(live.base + "/findings")
    every = int(page.locator("#findings-count").inner_text().replace(",", ""))
    page.locator("#f-severity").select_option("high")
    page.locator("#f-q").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/findings?**")
    assert "severity=high" in page.url
    narrowed = int(page.locator("#findings-count").inner_text().replace(",", ""))
    assert narrowed <= every
    assert "severity=high" in (page.locator("#findings-csv").get_attribute("href") or "")
    assert no_horizontal_scroll(page)
    _shot(page, artifacts, "findings-filtered-1440")

    page.goto(live.base + "/transactions")
    page.locator("#tx-software").select_option("true")
    page.locator("#tx-outside").select_option("true")
    page.locator("#tx-q").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/transactions?**")
    assert "outside_it=true" in page.url
    expect(page.locator("p.filters")).to_contain_text("bought outside IT")
    csv_href = page.locator("#tx-csv").get_attribute("href") or ""
    assert "outside_it=true" in csv_href
    assert no_horizontal_scroll(page)
    _shot(page, artifacts, "transactions-filtered-1440")
    assert problems.items == []
    context.close()


def test_overview_says_what_changed(live: Live, browser: Any, artifacts: Path) -> None:
    context, page, problems = signed_in(
        browser, live, live.admin_key, viewport={"width": 1440, "height": 900}
    )
    expect(page.locator(".chart.drawn")).to_have_count(4)
    changed = page.locator("#what-changed")
    expect(changed.locator("[data-delta]")).to_have_count(4)
    expect(changed).to_contain_text("Against the previous period")
    assert changed.locator("svg.spark").count() == 2
    page.get_by_role("link", name="How this is estimated").click()
    page.wait_for_url(re.compile(r".*/redundancy#how-estimated$"))
    expect(page.locator("#how-estimated")).to_be_visible()
    page.go_back()
    expect(page.locator(".chart.drawn")).to_have_count(4)
    _shot(page, artifacts, "overview-1440")
    page.goto(live.base + "/apps")
    _shot(page, artifacts, "apps-1440")
    page.goto(live.base + "/redundancy#how-estimated")
    _shot(page, artifacts, "redundancy-1440")
    assert problems.items == []
    context.close()


def test_sources_and_overview_on_a_phone(live: Live, browser: Any, artifacts: Path) -> None:
    context, page, problems = signed_in(
        browser, live, live.admin_key, viewport={"width": 390, "height": 844}
    )
    page.locator(".chart.drawn").first.wait_for()
    assert no_horizontal_scroll(page)
    _shot(page, artifacts, "overview-390")
    page.goto(live.base + "/sources")
    assert no_horizontal_scroll(page)
    _shot(page, artifacts, "sources-390")
    page.goto(live.base + "/findings")
    assert no_horizontal_scroll(page)
    _shot(page, artifacts, "findings-390")
    assert problems.items == []
    context.close()
