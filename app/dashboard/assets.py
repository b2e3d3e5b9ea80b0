"""The dashboard's static files: our CSS and script, and plotly.js from the installed ``plotly``
package (no CDN, no copy in the repository), each with a year-long cache behind a version."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request, Response

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent.parent / "static"


# --- static assets ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Asset:
    body: bytes
    gzipped: bytes
    etag: str
    media_type: str


def _asset(body: bytes, media_type: str) -> _Asset:
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return _Asset(body, gzip.compress(body, 6, mtime=0), etag, media_type)


@lru_cache(maxsize=1)
def plotly_asset() -> _Asset:
    """``plotly.min.js`` as shipped inside the installed ``plotly`` Python package."""
    source = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    return _asset(source.read_bytes(), "text/javascript; charset=utf-8")


@lru_cache(maxsize=1)
def plotly_version() -> str:
    from importlib.metadata import version

    return version("plotly")


_OWN_ASSETS = {
    "dashboard.css": "text/css; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
}


@lru_cache(maxsize=8)
def own_asset(name: str) -> _Asset:
    return _asset((STATIC / name).read_bytes(), _OWN_ASSETS[name])


def asset_version(name: str) -> str:
    return own_asset(name).etag.strip('"')[:10]


def _serve(request: Request, asset: _Asset) -> Response:
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "ETag": asset.etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


@router.get("/static/vendor/plotly.min.js")
def plotly_js(request: Request) -> Response:
    """plotly.js from the installed package; the page asks for it with ``?v=<version>`` so
    the year-long cache is safe across upgrades."""
    return _serve(request, plotly_asset())


@router.get("/static/{name}")
def static_file(name: str, request: Request) -> Response:
    if name not in _OWN_ASSETS:
        return Response("not found", status_code=404, media_type="text/plain")
    return _serve(request, own_asset(name))
