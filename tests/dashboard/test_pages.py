"""The dashboard through TestClient: sign-in, cookie flags, CSRF, scope, every page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import ApiKey, Finding
from tests.dashboard.conftest import Spend, chart_data, login_csrf, sign_in

PAGES = ["/", "/findings", "/subscriptions", "/redundancy", "/transactions"]


def _set_cookies(response: Any) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


@pytest.mark.parametrize("path", [*PAGES, "/findings/1", "/transactions?vendor_id=1"])
def test_pages_redirect_to_login_when_signed_out(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [path]


def test_login_sets_httponly_strict_cookie_without_the_key(client: TestClient, keys: Any) -> None:
    token = login_csrf(client)
    response = client.post(
        "/login",
        data={"api_key": keys.admin, "csrf_token": token, "next": "/findings"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/findings"
    cookies = _set_cookies(response)
    session_cookie = cookies["ss_session"]
    assert "HttpOnly" in session_cookie
    assert "samesite=strict" in session_cookie.lower()
    assert "Path=/" in session_cookie
    assert keys.admin not in session_cookie
    assert keys.admin.split("_", 2)[2] not in session_cookie  # the secret part
    csrf_cookie = cookies["ss_csrf"]
    assert "HttpOnly" not in csrf_cookie  # scripts echo it in X-CSRF-Token
    assert "samesite=strict" in csrf_cookie.lower()
    assert client.get("/", follow_redirects=False).status_code == 200


def test_secure_flag_over_https(app: Any, keys: Any) -> None:
    with TestClient(app, base_url="https://dash.example") as secure_client:
        token = login_csrf(secure_client)
        response = secure_client.post(
            "/login",
            data={"api_key": keys.admin, "csrf_token": token},
            headers={"Origin": "https://dash.example"},
            follow_redirects=False,
        )
    assert response.status_code == 303
    assert "Secure" in _set_cookies(response)["ss_session"]


def test_wrong_key_is_refused(client: TestClient, keys: Any) -> None:
    token = login_csrf(client)
    response = client.post("/login", data={"api_key": "ssk_nope_nope", "csrf_token": token})
    assert response.status_code == 401
    assert "Sign-in failed" in response.text
    assert "ss_session" not in _set_cookies(response)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_form_needs_its_token_and_same_origin(client: TestClient, keys: Any) -> None:
    no_token = client.post("/login", data={"api_key": keys.admin}, follow_redirects=False)
    assert no_token.status_code == 403
    assert "ss_session" not in _set_cookies(no_token)
    token = login_csrf(client)
    cross = client.post(
        "/login",
        data={"api_key": keys.admin, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert cross.status_code == 403
    assert "ss_session" not in _set_cookies(cross)
    token = login_csrf(client)
    referer = client.post(
        "/login",
        data={"api_key": keys.admin, "csrf_token": token},
        headers={"Referer": "https://evil.example/page"},
        follow_redirects=False,
    )
    assert referer.status_code == 403


def test_login_never_redirects_off_site(client: TestClient, keys: Any) -> None:
    token = login_csrf(client)
    response = client.post(
        "/login",
        data={"api_key": keys.admin, "csrf_token": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_every_page_renders_when_signed_in(client: TestClient, keys: Any, spend: Spend) -> None:
    sign_in(client, keys.admin)
    for path in [
        *PAGES,
        f"/findings/{spend.finding_id}",
        "/findings?status=all&sort=spend",
        f"/transactions?vendor_id={spend.figma_id}&outside_it=true",
        "/fragments/renewals",
    ]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page = client.get("/").text
    assert 'class="skip-link" href="#main"' in page
    # every chart has a labelled plot and a table fallback with a caption
    for chart_id in chart_data(page):
        assert f'id="{chart_id}-plot"' in page
    assert page.count("<caption>") >= 4
    assert 'src="/static/vendor/plotly.min.js?v=' in page
    assert " defer>" in page


def test_plotly_is_served_from_the_package_with_long_cache(client: TestClient) -> None:
    response = client.get("/static/vendor/plotly.min.js?v=1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "max-age=31536000" in response.headers["cache-control"]
    assert "immutable" in response.headers["cache-control"]
    assert "plotly.js" in response.text[:2000]
    again = client.get(
        "/static/vendor/plotly.min.js", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
    assert client.get("/static/dashboard.js").status_code == 200
    assert client.get("/static/dashboard.css").status_code == 200
    assert client.get("/static/..%2Fdashboard%2Frouter.py").status_code == 404


def test_overview_figures_match_the_spend_feed(client: TestClient, keys: Any, spend: Spend) -> None:
    sign_in(client, keys.admin)
    page = client.get("/")
    charts = chart_data(page.text)
    start = re.search(r'id="from" name="from" type="date" value="([0-9-]+)"', page.text)
    assert start is not None
    headers = keys.headers("admin")
    for chart_id, group, key in [
        ("spend-by-department", "department", "department_name"),
        ("spend-by-category", "category", "category"),
        ("spend-over-time", "month", "month"),
    ]:
        feed = client.get(
            "/api/v1/feeds/spend",
            params={"group_by": group, "is_software": "true", "from": start.group(1)},
            headers=headers,
        ).json()
        expected = {
            str(r[key] or ""): (r["sanctioned_minor"], r["outside_it_minor"]) for r in feed["rows"]
        }
        chart = charts[chart_id]
        shown = {
            cat: (chart["series"][0]["values"][i], chart["series"][1]["values"][i])
            for i, cat in enumerate(chart["categories"])
        }
        for cat, values in shown.items():
            if cat in expected:
                assert values == expected[cat], (chart_id, cat)
        assert sum(sum(v) for v in shown.values()) == sum(sum(v) for v in expected.values())
    sales_row = charts["spend-by-department"]["categories"].index(
        next(c for c in charts["spend-by-department"]["categories"] if c.startswith("Sales"))
    )
    assert charts["spend-by-department"]["series"][1]["values"][sales_row] == 3 * 99_00


def test_drill_down_lists_exactly_the_rows_behind_a_bar(
    client: TestClient, keys: Any, spend: Spend
) -> None:
    sign_in(client, keys.admin)
    charts = chart_data(client.get("/").text)
    vendors = charts["top-outside-vendors"]
    i = vendors["categories"].index(next(c for c in vendors["categories"] if "Sketchy" in c))
    link = vendors["series"][0]["links"][i]
    assert f"vendor_id={spend.figma_id}" in link
    assert "outside_it=true" in link
    page = client.get(link)
    assert page.status_code == 200
    assert 'id="tx-total">USD 297.00<' in page.text  # 3 x 99.00, the bar's value
    assert 'id="tx-count">3<' in page.text
    month_link = charts["spend-over-time"]["series"][1]["links"][-1]
    assert "from=" in month_link
    assert "to=" in month_link
    assert client.get(month_link).status_code == 200


def test_state_changing_api_calls_by_cookie_need_the_csrf_header(
    client: TestClient, keys: Any
) -> None:
    csrf = sign_in(client, keys.admin)
    assert client.get("/api/v1/transactions").status_code == 200  # reads need no token
    body = {"name": "made from the dashboard", "role": "viewer"}
    refused = client.post("/api/v1/api-keys", json=body)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    wrong = client.post("/api/v1/api-keys", json=body, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    made = client.post("/api/v1/api-keys", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201


def test_logout_needs_the_token_and_ends_the_session(client: TestClient, keys: Any) -> None:
    csrf = sign_in(client, keys.admin)
    refused = client.post("/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200
    done = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert 'ss_session=""' in _set_cookies(done)["ss_session"]
    assert client.get("/", follow_redirects=False).status_code == 303


def test_forged_or_revoked_sessions_are_signed_out(
    client: TestClient, keys: Any, session: Session
) -> None:
    sign_in(client, keys.admin)
    good = str(client.cookies["ss_session"])
    key_id, expires, nonce, signature = good.split(".")
    client.cookies.clear()
    client.cookies.set("ss_session", f"{int(key_id) + 1}.{expires}.{nonce}.{signature}")
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set("ss_session", good)
    assert client.get("/", follow_redirects=False).status_code == 200
    row = session.get(ApiKey, int(key_id))
    assert row is not None
    from app.db import utcnow

    row.revoked_at = utcnow()
    session.add(row)
    session.commit()
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/transactions").status_code == 401


def test_marketing_key_sees_only_its_department(
    client: TestClient, keys: Any, spend: Spend
) -> None:
    sign_in(client, keys.marketing)
    page = client.get("/")
    assert page.status_code == 200
    charts = chart_data(page.text)
    assert len(charts["spend-by-department"]["categories"]) == 1
    assert not any("Sales" in c for c in charts["spend-by-department"]["categories"])
    totals = sum(sum(s["values"]) for s in charts["spend-over-time"]["series"])
    assert totals == 3 * (12_00 + 45_00)
    other = client.get(f"/transactions?department_id={spend.sales_id}")
    assert other.status_code == 403
    own = client.get(f"/transactions?vendor_id={spend.figma_id}")
    assert 'id="tx-count">3<' in own.text  # Sales' three Figma rows stay hidden
    assert 'href="/redundancy"' not in own.text  # it compares departments
    assert client.get("/redundancy").status_code == 403


def test_finance_sees_no_findings(client: TestClient, keys: Any, spend: Spend) -> None:
    sign_in(client, keys.finance)
    overview = client.get("/")
    assert overview.status_code == 200
    assert 'href="/findings"' not in overview.text
    assert client.get("/findings").status_code == 403


def test_decision_form_needs_the_token_and_records_the_decision(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    page = client.get(f"/findings/{spend.finding_id}")
    assert "Approve for" in page.text
    form = {"decision": "reject", "version": "1", "comment": "use the sanctioned tool"}
    refused = client.post(
        f"/findings/{spend.finding_id}/decision", data=form, follow_redirects=False
    )
    assert refused.status_code == 403
    done = client.post(
        f"/findings/{spend.finding_id}/decision",
        data={**form, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    row = session.get(Finding, spend.finding_id)
    assert row is not None
    session.refresh(row)
    assert row.status == "rejected"
    stale = client.post(
        f"/findings/{spend.finding_id}/decision",
        data={**form, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert stale.status_code == 409  # the version moved on


def test_viewer_cannot_decide(client: TestClient, keys: Any, spend: Spend) -> None:
    csrf = sign_in(client, keys.viewer)
    assert "Approve for" not in client.get(f"/findings/{spend.finding_id}").text
    response = client.post(
        f"/findings/{spend.finding_id}/decision",
        data={"decision": "approve", "version": "1", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_pages_show_an_empty_state_without_the_insights_package(
    client: TestClient, keys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.dashboard import queries

    monkeypatch.setattr(queries, "insights_module", lambda: None)
    sign_in(client, keys.admin)
    assert "not available in this build" in client.get("/subscriptions").text
    assert "not available in this build" in client.get("/redundancy").text
    assert "not available in this build" in client.get("/fragments/renewals").text


def test_overview_of_an_empty_period_says_so(client: TestClient, keys: Any) -> None:
    sign_in(client, keys.admin)
    page = client.get("/?from=1990-01-01&to=1990-12-31")
    assert page.status_code == 200
    assert page.text.count("No spend in this period.") == 4
    assert client.get("/?from=2020-02-01&to=2020-01-01").status_code == 422
