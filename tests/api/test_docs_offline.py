"""/docs and /redoc load every asset from the service itself: self-hosted users may be offline."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

_ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_need_no_network(client: TestClient, page: str) -> None:
    r = client.get(page)
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    assert not re.search(r"https?://", r.text), f"{page} names an outside address"
    refs = [a or b for a, b in _ASSET.findall(r.text)]
    assert refs, "the page names its assets"
    for ref in refs:
        assert not ref.startswith(("http:", "https:", "//")), f"{page} loads {ref} from outside"
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        assert asset.content, ref


def test_docs_point_at_our_openapi_document(client: TestClient) -> None:
    assert "/openapi.json" in client.get("/docs").text
    assert client.get("/openapi.json").status_code == 200
