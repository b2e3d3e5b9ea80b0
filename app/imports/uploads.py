"""Uploaded statement files, kept in a temporary file of ours: validated from disk (never
held whole in memory) and still there for a background job after the request has ended."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.errors import PayloadTooLarge, Unprocessable

_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Upload:
    path: Path
    size: int

    def open(self) -> BinaryIO:
        return self.path.open("rb")

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def spool(source: BinaryIO, *, max_bytes: int) -> Upload:
    """Copy ``source`` to a temporary file; refuse it (and keep nothing) past ``max_bytes``
    or when it holds only whitespace."""
    with tempfile.NamedTemporaryFile(prefix="shadowspend-upload-", delete=False) as out:
        path = Path(out.name)
        size = 0
        blank = True
        try:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(f"the file is larger than {max_bytes // 2**20} MB")
                blank = blank and not chunk.strip()
                out.write(chunk)
            if blank:
                raise Unprocessable("the file is empty")
        except BaseException:
            out.close()
            path.unlink(missing_ok=True)
            raise
    return Upload(path=path, size=size)
