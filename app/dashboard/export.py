"""Every console table as CSV: one writer for all of them, so each export streams the same
dialect (UTF-8, CRLF), carries the page's security headers and neutralises every text cell a
spreadsheet would read as a formula (:func:`app.csvsafe.neutralise`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from app import csvsafe
from app.dashboard.render import PAGE_HEADERS


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return csvsafe.neutralise(value)
    return value


CHUNK_CHARS = 64 * 1024  # a chunk per thread hop of the streaming response, not a line


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The header then the rows, each text cell neutralised, in chunks of about
    :data:`CHUNK_CHARS` as the rows come (a long export never sits whole in memory)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([_cell(c) for c in columns])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield flush()
    yield flush()


def csv_response(
    filename: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingResponse:
    """A download named ``filename`` (``shadowspend-<table>.csv``)."""
    headers = {**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(
        csv_lines(columns, rows), media_type="text/csv; charset=utf-8", headers=headers
    )


def _flat(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(f"{prefix}_{key}" if prefix else str(key), inner, out)
    elif isinstance(value, list):
        out[prefix] = "; ".join(
            str(v.get("name") or v.get("id") or v) if isinstance(v, dict) else str(v) for v in value
        )
    else:
        out[prefix] = value


def model_rows(items: Sequence[BaseModel]) -> tuple[list[str], list[list[Any]]]:
    """API models (what the API answers for the same list) as CSV columns and rows: nested
    objects flattened (``vendor_name``), lists joined with ``; ``. The columns are the API's
    fields, in its order."""
    flat: list[dict[str, Any]] = []
    for item in items:
        row: dict[str, Any] = {}
        _flat("", item.model_dump(mode="json"), row)
        flat.append(row)
    columns: list[str] = list(dict.fromkeys(k for row in flat for k in row))
    return columns, [[row.get(c) for c in columns] for row in flat]


def models_response(filename: str, items: Sequence[BaseModel]) -> StreamingResponse:
    columns, rows = model_rows(items)
    return csv_response(filename, columns or ["id"], rows)
