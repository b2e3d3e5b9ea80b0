"""A console form posted without a live session is sent to sign-in before a byte of its body
is read (issue #14: every form read its body, up to the 50 MB cap, before the redirect), and
the redirect brings the person back to the page the form was on, worked out from the address
and the Referer, never from the form. Driven at the ASGI level, so the test sees whether the
service pulled the body at all. Every console route that takes a post is covered, listed from
the app's routes: a new form is covered without touching this file."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from app.main import create_app
from tests.api.test_body_limits import Answer, call
from tests.dashboard.conftest import Spend, sign_in

CHUNK = 1024 * 1024
FORM = "application/x-www-form-urlencoded"
# Posts a person makes before signing in: the only console form the rule leaves alone.
SIGNS_IN = {"/login"}


def _console_posts() -> list[tuple[str, str]]:
    posts = set()
    for context in iter_route_contexts(create_app().routes):
        route, path = context.original_route, context.path
        if not isinstance(route, APIRoute) or not path or path.startswith("/api/"):
            continue
        for method in route.methods - {"GET", "HEAD", "OPTIONS"}:
            if path not in SIGNS_IN:
                posts.add((method, path))
    return sorted(posts)


POSTS = _console_posts()


class Body:
    """A form body streamed in 1 MiB chunks up to the cap; it says whether any was pulled."""

    def __init__(self) -> None:
        self.pulled = 0

    def __iter__(self) -> Body:
        return self

    def __next__(self) -> bytes:
        self.pulled += 1
        if self.pulled > 60:
            raise StopIteration
        return b"comment=" + b"x" * (CHUNK - 8) if self.pulled == 1 else b"x" * CHUNK


def _fill(path: str, finding_id: int) -> str:
    return re.sub(r"\{[^}]+\}", str(finding_id), path)


def _post(app: Any, method: str, url: str, **headers: str) -> tuple[Answer, Body]:
    body = Body()
    answer = call(app, method, url, body, headers=headers, content_type=FORM)
    return answer, body


def _next(answer: Answer) -> str:
    assert answer.status == 303, (answer.status, answer.body[:300])
    location = urlsplit(answer.headers["location"])
    assert location.path == "/login"
    return parse_qs(location.query)["next"][0]


def test_the_list_holds_the_console_forms() -> None:
    # The generated list is the real one (a route rename would otherwise empty it quietly).
    paths = {p for _, p in POSTS}
    assert {"/logout", "/candidates/decision", "/findings/bulk-decision"} <= paths
    assert "/findings/{finding_id}/decision" in paths
    assert not paths & SIGNS_IN


@pytest.mark.parametrize(("method", "path"), POSTS)
@pytest.mark.parametrize("cookie", ["none", "ended"])
def test_a_signed_out_form_is_sent_to_sign_in_unread(
    app: Any, spend: Spend, method: str, path: str, cookie: str
) -> None:
    url = _fill(path, spend.finding_id)
    headers = {"cookie": "ss_session=" + "A" * 43} if cookie == "ended" else {}
    answer, body = _post(app, method, url, **headers)
    back = _next(answer)
    assert body.pulled == 0, f"{method} {url}: the body was read before the sign-in redirect"
    assert answer.read == 0
    # Back to the page nearest the form's address, never to a POST-only one.
    assert back == "/" or url.startswith(back + "/") or url == back
    if cookie == "ended":  # the dead session's cookies are dropped (the last one is kept here)
        assert 'ss_csrf=""' in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize(("method", "path"), POSTS)
def test_a_signed_in_form_is_read_by_its_route(
    app: Any, client: TestClient, keys: Any, spend: Spend, method: str, path: str
) -> None:
    # The gate lets a live session through: the route reads the form and decides (here a
    # refusal, as no CSRF token is sent), so the test above can tell the two apart.
    sign_in(client, keys.admin)
    cookie = f"ss_session={client.cookies['ss_session']}"
    answer, body = _post(app, method, _fill(path, spend.finding_id), cookie=cookie)
    assert body.pulled > 0
    assert answer.status != 303 or not answer.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    ("form", "page"),
    [
        ("/findings/{id}/decision", "/findings/{id}"),
        ("/findings/{id}/assign", "/findings/{id}"),
        ("/findings/bulk-decision", "/findings"),
        ("/candidates/decision", "/candidates"),
        ("/sanctioned/new", "/sanctioned/new"),
        ("/registrations/new", "/registrations/new"),
        ("/logout", "/"),
    ],
)
def test_the_way_back_is_the_page_nearest_the_form(
    app: Any, spend: Spend, form: str, page: str
) -> None:
    url = form.replace("{id}", str(spend.finding_id))
    answer, _ = _post(app, "POST", url)
    assert _next(answer) == page.replace("{id}", str(spend.finding_id))


@pytest.mark.parametrize(
    ("referer", "page"),
    [
        # the page the form was on, with its query
        (
            "http://testserver/findings?status=snoozed&sort=spend",
            "/findings?status=snoozed&sort=spend",
        ),
        # a refused form is shown again at its POST-only address: the page nearest it
        ("http://testserver/findings/{id}/decision", "/findings/{id}"),
        # another site's address is not followed
        ("https://elsewhere.example/findings?status=all", "/findings"),
        ("http://testserver.elsewhere.example/apps", "/findings"),
    ],
)
def test_the_way_back_follows_a_referer_from_this_site(
    app: Any, spend: Spend, referer: str, page: str
) -> None:
    fid = str(spend.finding_id)
    answer, body = _post(
        app, "POST", "/findings/bulk-decision", referer=referer.replace("{id}", fid)
    )
    assert _next(answer) == page.replace("{id}", fid)
    assert body.pulled == 0


def test_signing_in_is_not_gated(app: Any) -> None:
    # The sign-in form is posted by someone without a session: it is read (and refused here,
    # its field past the form parser's size limit), not bounced back to sign-in.
    answer, body = _post(app, "POST", "/login")
    assert body.pulled > 0
    assert answer.status == 400
