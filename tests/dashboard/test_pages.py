"""The dashboard through TestClient: sign-in, cookie flags, CSRF, scope, every page, and IT's
review forms (every decision, owner, comment, bulk) with their refusals."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.api_keys import service as api_keys_service
from app.auth import cookie as web_session
from app.db import utcnow
from app.models import ApiKey, AuditEvent, Finding, MatchRule, SanctionedApp, Transaction
from tests.dashboard.conftest import Spend, chart_data, login_csrf, make_finding, sign_in

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
    copied = str(client.cookies["ss_session"])
    done = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert 'ss_session=""' in _set_cookies(done)["ss_session"]
    assert client.get("/", follow_redirects=False).status_code == 303
    # Signing out ends the session itself, not just this browser's cookie (issue #14: a kept
    # copy of the cookie worked for its 8 hours).
    client.cookies.set("ss_session", copied)
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/transactions").status_code == 401


def test_forged_or_revoked_sessions_are_signed_out(
    client: TestClient, keys: Any, session: Session
) -> None:
    sign_in(client, keys.admin)
    good = str(client.cookies["ss_session"])
    client.cookies.clear()
    client.cookies.set("ss_session", good[:-2] + ("AA" if good[-2:] != "AA" else "BB"))
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set("ss_session", good)
    assert client.get("/", follow_redirects=False).status_code == 200
    key_id = web_session.key_of(session, good)
    assert key_id is not None
    row = session.get(ApiKey, key_id)
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


def test_overview_of_an_empty_period_says_so(client: TestClient, keys: Any) -> None:
    sign_in(client, keys.admin)
    page = client.get("/?from=1990-01-01&to=1990-12-31")
    assert page.status_code == 200
    assert page.text.count("No spend in this period.") == 4
    assert client.get("/?from=2020-02-01&to=2020-01-01").status_code == 422


# --- IT review -------------------------------------------------------------------------------


class _Controls(HTMLParser):
    """Form controls a person fills in, and whether each has a label."""

    def __init__(self) -> None:
        super().__init__()
        self.labelled_ids: set[str] = set()
        self.in_label = 0
        self.controls: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.labelled_ids.add(str(a["for"]))
        elif tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit"}:
            name = str(a.get("id") or a.get("name"))
            self.controls.append((name, bool(self.in_label or a.get("aria-label"))))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


def _unlabelled(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    return [name for name, ok in parser.controls if not ok and name not in parser.labelled_ids]


def _post(client: TestClient, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data=data, follow_redirects=False)


def _state(session: Session, finding_id: int) -> Finding:
    row = session.get(Finding, finding_id)
    assert row is not None
    session.refresh(row)
    return row


def _events(session: Session, finding_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "finding", AuditEvent.entity_id == str(finding_id))
            .order_by(col(AuditEvent.id))
        )
    )


def _decide(client: TestClient, csrf: str, finding_id: int, decision: str, **fields: Any) -> Any:
    data = {"decision": decision, "version": "1", "csrf_token": csrf, **fields}
    return _post(client, f"/findings/{finding_id}/decision", data)


def test_it_sees_a_labelled_form_for_every_review_action(
    client: TestClient, keys: Any, spend: Spend
) -> None:
    sign_in(client, keys.it)
    page = client.get(f"/findings/{spend.finding_id}").text
    for decision in ["approve", "reject", "dismiss", "snooze"]:
        assert f'name="decision" value="{decision}"' in page
    assert 'name="scope" value="company"' in page
    assert 'name="cancel_by" type="date"' in page
    assert 'name="snooze_until" type="date" required' in page
    assert 'value="not-software"' in page
    assert f'action="/findings/{spend.finding_id}/assign"' in page
    assert f'action="/findings/{spend.finding_id}/comment"' in page
    assert page.count('name="version" value="1"') == 5  # four decisions and the owner
    assert page.count('name="csrf_token"') == 7  # those, the comment, and sign-out
    assert _unlabelled(page) == []
    queue = client.get("/findings").text
    assert 'action="/findings/bulk-decision"' in queue
    assert f'name="ids" value="{spend.finding_id}"' in queue
    assert _unlabelled(queue) == []


def test_approve_company_wide_sanctions_everywhere_and_says_who_did_it(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    done = _decide(
        client, csrf, spend.finding_id, "approve", scope="company", comment="standard tool now"
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/findings/{spend.finding_id}?done=approve-company"
    assert _state(session, spend.finding_id).status == "approved"
    apps = session.exec(select(SanctionedApp).where(SanctionedApp.vendor_id == spend.slack_id))
    assert [a.department_id for a in apps] == [None]
    page = client.get(done.headers["location"]).text
    assert "Approved company-wide" in page
    assert "Recorded in the history below as it key." in page
    assert "it key (it) approved: “standard tool now”" in page
    assert 'name="decision"' not in page  # decided: no decision forms, the owner form stays
    assert f'action="/findings/{spend.finding_id}/assign"' in page


def test_approve_for_the_department_only(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    done = _decide(client, csrf, spend.finding_id, "approve", scope="department")
    assert done.headers["location"].endswith("?done=approve")
    apps = session.exec(select(SanctionedApp).where(SanctionedApp.vendor_id == spend.slack_id))
    assert [a.department_id for a in apps] == [spend.marketing_id]
    assert "now sanctioned for Marketing" in client.get(done.headers["location"]).text


def test_reject_with_a_cancel_by_date_and_refuse_a_past_one(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    past = (utcnow().date() - timedelta(days=1)).isoformat()
    refused = _decide(client, csrf, spend.finding_id, "reject", cancel_by=past, comment="no")
    assert refused.status_code == 422
    assert "Nothing was changed: the cancel-by date is in the past." in refused.text
    assert 'id="reject" open' in refused.text  # the form that failed stays open, as sent
    assert f'value="{past}"' in refused.text
    row = _state(session, spend.finding_id)
    assert (row.status, row.version, row.cancel_by) == ("open", 1, None)
    assert _events(session, spend.finding_id) == []
    by = utcnow().date() + timedelta(days=30)
    done = _decide(client, csrf, spend.finding_id, "reject", cancel_by=by.isoformat())
    assert done.status_code == 303
    row = _state(session, spend.finding_id)
    assert (row.status, row.cancel_by) == ("rejected", by)
    page = client.get(done.headers["location"]).text
    assert f"Rejected; the tool is to be cancelled by {by.isoformat()}." in page


def test_snooze_needs_a_future_date(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    today = utcnow().date().isoformat()
    for bad, message in [
        (today, "the snooze date must be in the future"),
        ("", "snooze needs the snooze date"),
        ("next week", "the snooze date: Input should be a valid date"),
    ]:
        refused = _decide(client, csrf, spend.finding_id, "snooze", snooze_until=bad)
        assert refused.status_code == 422, bad
        assert message in refused.text, bad
        assert 'role="alert"' in refused.text
    assert _state(session, spend.finding_id).status == "open"
    until = utcnow().date() + timedelta(days=14)
    done = _decide(client, csrf, spend.finding_id, "snooze", snooze_until=until.isoformat())
    assert done.status_code == 303
    row = _state(session, spend.finding_id)
    assert (row.status, row.snoozed_until) == ("snoozed", until)
    assert f"Snoozed until {until.isoformat()}." in client.get(done.headers["location"]).text


def test_dismiss_as_not_software_creates_a_rule_and_reclassifies(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    done = _decide(client, csrf, spend.finding_id, "dismiss", correct_vendor="not-software")
    assert done.status_code == 303, done.text[:500]
    assert _state(session, spend.finding_id).status == "dismissed"
    rules = list(session.exec(select(MatchRule).where(MatchRule.created_by == "it key")))
    assert rules
    assert all(r.vendor_id is None for r in rules)
    left = session.exec(select(Transaction).where(Transaction.vendor_id == spend.slack_id)).all()
    assert left == []  # every charge behind it is re-classified
    page = client.get(done.headers["location"])
    assert page.status_code == 200
    assert "Dismissed as a wrong match" in page.text


def test_dismiss_to_the_right_vendor_picked_by_search(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    searched = client.get(f"/findings/{spend.finding_id}", params={"vendor_q": "sketchy"}).text
    assert 'id="dismiss" open' in searched
    assert f'name="correct_vendor" value="{spend.figma_id}"' in searched
    own = client.get(f"/findings/{spend.finding_id}", params={"vendor_q": "chatter"}).text
    assert f'value="{spend.slack_id}"' not in own  # never the vendor it already has
    fragment = client.get(
        "/fragments/vendor-options", params={"finding": spend.finding_id, "q": "SKETCHY"}
    )
    assert fragment.status_code == 200
    assert f'value="{spend.figma_id}"' in fragment.text
    assert "<html" not in fragment.text
    nothing = client.get(
        "/fragments/vendor-options", params={"finding": spend.finding_id, "q": "%"}
    )
    assert "No vendor in the catalog matches" in nothing.text  # % is a character, not a wildcard

    unknown = _decide(client, csrf, spend.finding_id, "dismiss", correct_vendor="987654321")
    assert unknown.status_code == 422
    assert "Nothing was changed: vendor 987654321 does not exist." in unknown.text
    missing = _decide(client, csrf, spend.finding_id, "dismiss", vendor_q="sketchy")
    assert missing.status_code == 422
    assert "the right vendor or “not software”" in missing.text
    assert f'value="{spend.figma_id}"' in missing.text  # the search is shown again
    assert _state(session, spend.finding_id).status == "open"
    assert session.exec(select(MatchRule).where(MatchRule.created_by == "it key")).all() == []

    done = _decide(client, csrf, spend.finding_id, "dismiss", correct_vendor=str(spend.figma_id))
    assert done.status_code == 303
    assert _state(session, spend.finding_id).status == "dismissed"
    rules = session.exec(select(MatchRule).where(MatchRule.created_by == "it key")).all()
    assert {r.vendor_id for r in rules} == {spend.figma_id}


def test_assign_an_owner_and_comment(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    url = f"/findings/{spend.finding_id}"
    bad = _post(
        client,
        url + "/assign",
        {"assignee_email": "not an email", "version": "1", "csrf_token": csrf},
    )
    assert bad.status_code == 422
    assert "the owner&#39;s email" in bad.text
    assert 'value="not an email"' in bad.text
    assert _state(session, spend.finding_id).assignee_email is None
    done = _post(
        client,
        url + "/assign",
        {"assignee_email": "ana@example.com", "version": "1", "csrf_token": csrf},
    )
    assert done.headers["location"] == url + "?done=assign"
    assert _state(session, spend.finding_id).assignee_email == "ana@example.com"
    page = client.get(done.headers["location"]).text
    assert "Owner set to ana@example.com." in page
    assert "it key (it) changed the owner" in page
    assert "owner: ana@example.com" in client.get("/findings").text
    cleared = _post(
        client, url + "/assign", {"assignee_email": "", "version": "2", "csrf_token": csrf}
    )
    assert cleared.status_code == 303
    assert _state(session, spend.finding_id).assignee_email is None

    empty = _post(client, url + "/comment", {"comment": "   ", "csrf_token": csrf})
    assert empty.status_code == 422
    said = _post(client, url + "/comment", {"comment": "asked Ana why", "csrf_token": csrf})
    assert said.headers["location"] == url + "?done=comment"
    page = client.get(said.headers["location"]).text
    assert "Comment added." in page
    assert "it key (it) commented: “asked Ana why”" in page
    assert [e.action for e in _events(session, spend.finding_id)] == [
        "finding.assigned",
        "finding.assigned",
        "finding.commented",
    ]


def test_a_stale_version_is_a_409_that_says_someone_else_decided(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    first = client.post(
        f"/api/v1/findings/{spend.finding_id}/decision",
        json={"decision": "reject", "version": 1},
        headers=keys.headers("admin"),
    )
    assert first.status_code == 200
    # the IT reviewer still has the page from version 1 open
    late = _decide(client, csrf, spend.finding_id, "approve", scope="company", comment="ok")
    assert late.status_code == 409
    assert "Someone else changed this finding while you had it open" in late.text
    assert "(rejected by admin key)" in late.text
    assert "it is now rejected" in late.text
    assert "Your comment was not saved: “ok”." in late.text  # not lost without a trace
    assert _state(session, spend.finding_id).status == "rejected"
    assert (
        session.exec(select(SanctionedApp).where(SanctionedApp.vendor_id == spend.slack_id)).all()
        == []
    )
    stale_owner = _post(
        client,
        f"/findings/{spend.finding_id}/assign",
        {"assignee_email": "ana@example.com", "version": "1", "csrf_token": csrf},
    )
    assert stale_owner.status_code == 409
    assert _state(session, spend.finding_id).assignee_email is None


REVIEW_POSTS = [
    ("/findings/{id}/decision", {"decision": "approve", "version": "1"}),
    (
        "/findings/{id}/decision",
        {"decision": "snooze", "version": "1", "snooze_until": "2999-01-01"},
    ),
    ("/findings/{id}/assign", {"assignee_email": "ana@example.com", "version": "1"}),
    ("/findings/{id}/comment", {"comment": "hello"}),
    ("/findings/bulk-decision", {"action": "approve", "ids": "{id}"}),
]


def _fill(path: str, data: dict[str, str], finding_id: int) -> tuple[str, dict[str, str]]:
    return path.format(id=finding_id), {k: v.format(id=finding_id) for k, v in data.items()}


@pytest.mark.parametrize(("path", "data"), REVIEW_POSTS)
def test_review_forms_refuse_a_missing_or_wrong_csrf_token(
    client: TestClient, keys: Any, spend: Spend, session: Session, path: str, data: dict[str, str]
) -> None:
    sign_in(client, keys.it)
    url, form = _fill(path, data, spend.finding_id)
    assert _post(client, url, form).status_code == 403
    assert _post(client, url, {**form, "csrf_token": "x" * 43}).status_code == 403
    row = _state(session, spend.finding_id)
    assert (row.status, row.version, row.assignee_email) == ("open", 1, None)
    assert _events(session, spend.finding_id) == []


@pytest.mark.parametrize("role", ["viewer", "marketing"])
def test_roles_without_decide_see_no_forms_and_are_refused(
    client: TestClient, keys: Any, spend: Spend, session: Session, role: str
) -> None:
    csrf = sign_in(client, keys.for_role(role))
    page = client.get(f"/findings/{spend.finding_id}")
    assert page.status_code == 200  # marketing's own department: it may look
    assert '<form method="post" action="/findings/' not in page.text
    assert "vendor_q" not in page.text
    queue = client.get("/findings").text
    assert "bulk-decision" not in queue
    assert 'name="ids"' not in queue
    for path, data in REVIEW_POSTS:
        url, form = _fill(path, data, spend.finding_id)
        refused = _post(client, url, {**form, "csrf_token": csrf})
        assert refused.status_code == 403, url
        assert "may not findings decide" in refused.text
    options = client.get(
        "/fragments/vendor-options", params={"finding": spend.finding_id, "q": "a"}
    )
    assert options.status_code == 403
    assert _state(session, spend.finding_id).status == "open"
    assert _events(session, spend.finding_id) == []


def test_a_department_scoped_reviewer_sees_and_decides_only_its_department(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    sales_finding = make_finding(session, spend.figma_id, spend.sales_id)
    _, scoped = api_keys_service.create_key(
        session, name="sales it", role="it", department_id=spend.sales_id
    )
    session.commit()
    csrf = sign_in(client, scoped)
    queue = client.get("/findings").text
    assert f'name="ids" value="{sales_finding}"' in queue
    assert f'name="ids" value="{spend.finding_id}"' not in queue
    assert client.get(f"/findings/{spend.finding_id}").status_code == 403
    other = _decide(client, csrf, spend.finding_id, "approve")
    assert other.status_code == 403
    bulk = _post(
        client,
        "/findings/bulk-decision",
        {"action": "reject", "ids": [str(spend.finding_id)], "csrf_token": csrf},
    )
    assert bulk.status_code == 403
    assert "Nothing was changed." in bulk.text
    assert f"finding {spend.finding_id} — this key is scoped to another department" in bulk.text
    assert "Chatter" not in bulk.text  # not even the other department's vendor name
    assert _state(session, spend.finding_id).status == "open"
    own = _decide(client, csrf, sales_finding, "reject")
    assert own.status_code == 303
    assert _state(session, sales_finding).status == "rejected"


def test_bulk_decisions_from_the_queue(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    second = make_finding(session, spend.figma_id, spend.sales_id)
    third = make_finding(session, spend.figma_id, None)
    csrf = sign_in(client, keys.it)

    def bulk(action: str, ids: list[int], **fields: str) -> Any:
        data = {"action": action, "ids": [str(i) for i in ids], "csrf_token": csrf, **fields}
        return _post(client, "/findings/bulk-decision", {**data, "status": "all", "sort": "spend"})

    nothing = bulk("approve", [])
    assert nothing.status_code == 422
    assert "Nothing was changed: tick at least one finding." in nothing.text
    past = utcnow().date().isoformat()
    refused = bulk("snooze", [spend.finding_id, third], snooze_until=past)
    assert refused.status_code == 422
    assert "Nothing was changed." in refused.text
    assert refused.text.count("the snooze date must be in the future") == 2
    assert refused.text.count(" checked>") == 2  # the ticks are kept
    assert {_state(session, i).status for i in (spend.finding_id, third)} == {"open"}

    until = utcnow().date() + timedelta(days=7)
    snoozed = bulk("snooze", [spend.finding_id, third], snooze_until=until.isoformat())
    assert snoozed.status_code == 303
    location = snoozed.headers["location"]
    assert "status=all" in location
    assert "sort=spend" in location
    assert {_state(session, i).snoozed_until for i in (spend.finding_id, third)} == {until}
    page = client.get(location).text
    assert "Snoozed: 2 findings." in page
    assert f'<a href="/findings/{third}">Sketchy' in page

    mixed = bulk("dismiss-not-software", [second, 987654321])
    assert mixed.status_code == 303
    assert _state(session, second).status == "dismissed"
    page = client.get(mixed.headers["location"]).text
    assert "Dismissed as not software: 1 finding." in page
    assert "finding 987654321 — it no longer exists" in page

    approved = bulk("approve-company", [spend.finding_id])
    assert approved.status_code == 303
    assert _state(session, spend.finding_id).status == "approved"
    assert [e.actor_name for e in _events(session, spend.finding_id)] == ["it key", "it key"]
    rejected = bulk("reject", [third], comment="use the sanctioned tool")
    assert rejected.status_code == 303
    assert _state(session, third).status == "rejected"
    assert _events(session, third)[-1].comment == "use the sanctioned tool"


def test_bulk_leaves_a_finding_someone_decided_since_the_queue_loaded(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    other = make_finding(session, spend.figma_id, None)
    csrf = sign_in(client, keys.it)
    queue = client.get("/findings?status=all").text
    seen = re.findall(r'name="seen" value="(\d+:\d+)"', queue)
    assert f"{spend.finding_id}:{_state(session, spend.finding_id).version}" in seen
    # Someone else decides the first finding after this queue was shown.
    changed = _state(session, spend.finding_id)
    changed.status, changed.version = "rejected", changed.version + 1
    session.add(changed)
    session.commit()
    data = {
        "action": "approve",
        "ids": [str(spend.finding_id), str(other)],
        "seen": seen,
        "csrf_token": csrf,
        "status": "all",
        "sort": "severity",
    }
    r = _post(client, "/findings/bulk-decision", data)
    assert r.status_code == 303
    assert _state(session, spend.finding_id).status == "rejected"  # left alone
    assert _state(session, other).status == "approved"
    page = client.get(r.headers["location"]).text
    assert "someone else changed it first" in page


def test_a_crafted_bulk_report_link_shows_only_codes_and_readable_findings(
    client: TestClient, keys: Any, spend: Spend
) -> None:
    sign_in(client, keys.it)
    page = client.get(
        "/findings", params={"done": "approve", "ok": str(spend.finding_id), "failed": "5:409"}
    )
    assert page.status_code == 200
    assert "Approved for their departments: 1 finding." in page.text
    assert "finding 5 — someone else changed it first" in page.text
    assert client.get("/findings", params={"ok": "<script>"}).status_code == 422


def test_a_review_form_posted_after_the_session_ended_goes_back_to_sign_in(
    client: TestClient, spend: Spend, session: Session
) -> None:
    for url, data in REVIEW_POSTS:
        path, form = _fill(url, data, spend.finding_id)
        response = _post(client, path, {**form, "csrf_token": "x"})
        assert response.status_code == 303
        location = urlsplit(response.headers["location"])
        assert location.path == "/login"
        # back to the page the form was on, never to the POST-only address: from the address
        # alone (the body is not read for a signed-out post), or the Referer the browser sent
        assert parse_qs(location.query)["next"][0] in {f"/findings/{spend.finding_id}", "/findings"}
        on = (
            "/findings?status=open&sort=spend"
            if "bulk" in path
            else f"/findings/{spend.finding_id}"
        )
        referred = client.post(
            path,
            data={**form, "csrf_token": "x"},
            headers={"Referer": f"http://testserver{on}"},
            follow_redirects=False,
        )
        assert parse_qs(urlsplit(referred.headers["location"]).query)["next"][0] == on
    assert _state(session, spend.finding_id).version == 1


def test_every_page_says_which_period_it_shows(client: TestClient, keys: Any, spend: Spend) -> None:
    sign_in(client, keys.admin)
    for path in ("/", "/findings", "/subscriptions", "/redundancy", "/transactions"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'id="period"' in page.text, path
    for path in ("/", "/redundancy", "/transactions"):
        assert "(the last 12 full months)" in client.get(path).text, path
    chosen = client.get("/redundancy?from=2026-01-01&to=2026-03-31").text
    assert "2026-01-01 to 2026-03-31" in chosen
    assert client.get("/redundancy?from=2026-03-01&to=2026-01-01").status_code == 422
