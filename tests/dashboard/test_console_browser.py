"""The console's pages in a real browser (apps, one app, sanctioned apps and their forms,
registrations and the register form): each page and form driven by keyboard, at 1440 px, 1280 px
and on a phone, with and without script. Screenshots go to the artifacts folder (see
:mod:`tests.dashboard.browser_kit`) to be looked at; nothing is timed here."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.db import utcnow
from tests.dashboard.browser_kit import (
    SKIP_WITHOUT_CHROMIUM,
    Live,
    expect,
    no_horizontal_scroll,
    signed_in,
)

pytestmark = SKIP_WITHOUT_CHROMIUM
CONSOLE = ["/apps", "/sanctioned", "/sanctioned/new", "/registrations", "/registrations/new"]


def _shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def _first_app(page: Any, live: Live) -> str:
    page.goto(live.base + "/apps")
    href = page.locator("#apps tbody th a").first.get_attribute("href")
    assert href
    return live.base + href


def test_every_console_page_at_1440(live: Live, browser: Any, artifacts: Path) -> None:
    context, page, problems = signed_in(
        browser, live, live.admin_key, viewport={"width": 1440, "height": 900}
    )
    for path in CONSOLE:
        page.goto(live.base + path)
        assert page.locator("h1").count() == 1, path
        assert no_horizontal_scroll(page), path
        _shot(page, artifacts, "console" + path.replace("/", "-") + "-1440")
    page.goto(live.base + "/apps")
    assert page.locator("#apps tbody tr").count() > 1
    assert page.locator("#apps svg.spark").count() == page.locator("#apps tbody tr").count()
    page.goto(_first_app(page, live))
    expect(page.locator(".chart.drawn")).to_have_count(1)
    assert page.locator("#departments tbody tr").count() >= 1
    assert page.locator("table.tx tbody tr").count() >= 1
    _shot(page, artifacts, "console-app-1440")
    assert problems.items == []
    context.close()


def test_inventory_filters_and_sort_by_keyboard(live: Live, browser: Any) -> None:
    context, page, problems = signed_in(
        browser, live, live.admin_key, viewport={"width": 1280, "height": 900}
    )
    page.goto(live.base + "/apps")
    every = int(page.locator("#app-count").inner_text())
    page.locator("#f-status").focus()
    page.keyboard.press("ArrowDown")  # the first status: sanctioned company-wide
    page.locator("#f-sort").select_option("name")
    page.locator("#f-q").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/apps?**")
    assert "sort=name" in page.url
    narrowed = int(page.locator("#app-count").inner_text())
    assert narrowed < every
    names = page.locator("#apps tbody th a").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    csv_link = page.get_by_role("link", name=re.compile("Download CSV"))
    assert "sort=name" in (csv_link.get_attribute("href") or "")
    # Open the first app from the table by keyboard.
    page.locator("#apps tbody th a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/apps/*")
    assert page.locator("#contracts").count() == 1
    assert problems.items == []
    context.close()


def test_register_a_tool_with_catalog_suggestions(
    live: Live, browser: Any, artifacts: Path
) -> None:
    context, page, problems = signed_in(
        browser, live, live.marketing_key, viewport={"width": 1280, "height": 900}
    )
    page.goto(live.base + "/registrations")
    page.get_by_role("link", name="Register a tool").click()
    page.wait_for_url("**/registrations/new")
    page.locator("#reg-name").focus()
    page.keyboard.type("zoo")
    page.locator("#catalog-suggestions option").first.wait_for(state="attached")
    assert "Catalog vendors like this" in page.locator("#reg-name-hint").inner_text()
    picked = page.locator("#catalog-suggestions option").first.get_attribute("value")
    assert picked
    page.locator("#reg-name").fill(picked)
    page.keyboard.press("Tab")
    page.keyboard.type("owner@example.com")
    page.locator("#reg-purpose").fill("customer webinars")
    page.locator("#reg-seats").fill("8")
    page.locator("#reg-cost").fill("149.90")
    page.locator("#reg-period").select_option("monthly")
    _shot(page, artifacts, "console-register-filled-1280")
    page.locator("#reg-start").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/registrations?done=*")
    outcome = page.locator("#outcome").inner_text()
    assert f"matched to {picked}" in outcome
    row = page.locator("#registrations tbody tr").first.inner_text()
    assert "USD 149.90 per month" in row
    assert "Marketing" in row
    _shot(page, artifacts, "console-registrations-done-1280")
    assert problems.items == []
    context.close()


def test_register_without_script_is_a_plain_form_post(live: Live, browser: Any) -> None:
    context, page, _ = signed_in(
        browser,
        live,
        live.marketing_key,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
    )
    page.goto(live.base + "/registrations/new?name=Slack")
    assert page.locator("#catalog-suggestions option").count() >= 1  # filled by the server
    page.locator("#reg-cost").fill("12.345")
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    assert "more decimals than USD allows" in page.locator("#outcome").inner_text()
    assert page.locator("#reg-name").input_value() == "Slack"  # what was typed is kept
    page.locator("#reg-cost").fill("12.34")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/registrations?done=*")
    assert "Registered “Slack”" in page.locator("#outcome").inner_text()
    context.close()


def test_sanctioned_add_edit_retire_through_the_ui(
    live: Live, browser: Any, artifacts: Path
) -> None:
    context, page, problems = signed_in(
        browser, live, live.admin_key, viewport={"width": 1280, "height": 900}
    )
    page.goto(live.base + "/sanctioned")
    page.get_by_role("link", name="Add an app").click()
    page.wait_for_url("**/sanctioned/new")
    page.locator("#s-vendor").focus()
    page.keyboard.type("miro")
    page.locator("#catalog-suggestions option").first.wait_for(state="attached")
    picked = page.locator("#catalog-suggestions option").first.get_attribute("value")
    assert picked
    page.locator("#s-vendor").fill(picked)
    page.locator("#s-scope").select_option(label="Marketing only")
    ends = utcnow().date() + timedelta(days=45)
    page.locator("#s-end").fill(ends.isoformat())
    page.locator("#s-notice").fill("30")
    page.locator("#s-seats").fill("40")
    page.locator("#s-value").fill("9,600.00")
    page.get_by_role("button", name="Add to the inventory").click()
    page.wait_for_url("**/sanctioned?done=added*")
    assert picked in page.locator("#outcome").inner_text()
    month = page.locator("#renewals .month", has_text=ends.strftime("%B %Y"))
    assert picked in month.inner_text()
    assert "USD 9,600.00" in month.inner_text()
    _shot(page, artifacts, "console-sanctioned-added-1440")

    page.get_by_role("link", name=f"Edit or retire {picked} (Marketing)").click()
    page.wait_for_url("**/edit")
    page.locator("#s-seats").fill("45")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**/sanctioned?done=edited*")
    assert "45" in page.locator("#sanctioned tbody tr", has_text=picked).inner_text()

    page.get_by_role("link", name=f"Edit or retire {picked} (Marketing)").click()
    page.locator("#retire-comment").fill("replaced by the company whiteboard")
    page.get_by_role("button", name=f"Retire {picked}").click()
    page.wait_for_url("**/sanctioned?done=retired*")
    assert "retired" in page.locator("#outcome").inner_text()
    assert "Retired" in page.locator("#sanctioned tbody tr", has_text=picked).inner_text()
    assert problems.items == []
    context.close()


def test_console_pages_fit_a_phone(live: Live, browser: Any, artifacts: Path) -> None:
    context, page, problems = signed_in(
        browser, live, live.admin_key, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    for path in [*CONSOLE, _first_app(page, live).removeprefix(live.base)]:
        page.goto(live.base + path)
        assert no_horizontal_scroll(page), path
        name = "app" if path.startswith("/apps/") else path.strip("/").replace("/", "-")
        _shot(page, artifacts, f"console-{name}-390")
    assert problems.items == []
    context.close()
