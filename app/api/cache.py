"""A small in-process cache of serialised list responses, keyed on the query and on a cheap
signature of the data behind it (row count and newest ``updated_at``). A read that finds the
same signature serves the same bytes; any write changes the signature, so nothing stale is
served. Each worker process keeps its own."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from fastapi import Request, Response

_MAX_ENTRIES = 512
_entries: OrderedDict[Hashable, tuple[bytes, str]] = OrderedDict()
_lock = threading.Lock()


def json_response(
    request: Request, key: Hashable, build: Callable[[], bytes], *, max_age: int = 0
) -> Response:
    """The cached body for ``key`` (built on a miss), with an ETag; 304 when it matches."""
    with _lock:
        hit = _entries.get(key)
        if hit is not None:
            _entries.move_to_end(key)
    if hit is None:
        body = build()
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        hit = (body, etag)
        with _lock:
            _entries[key] = hit
            while len(_entries) > _MAX_ENTRIES:
                _entries.popitem(last=False)
    body, etag = hit
    headers = {"ETag": etag, "Cache-Control": f"private, max-age={max_age}"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type="application/json", headers=headers)


def clear() -> None:
    with _lock:
        _entries.clear()
