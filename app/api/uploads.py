"""File uploads whose body is read only after the caller was authorised.

FastAPI reads (and spools to disk) a route's form body before it solves the route's
dependencies, so a route declaring ``File()`` wrote any anonymous upload to a temporary file
before it answered 401. An upload route instead depends on :func:`multipart_upload`: the
dependency depends on the route's permission, so the key (and its role) is checked first and
the multipart body is parsed afterwards, at most ``max_bytes`` of its file kept. The whole
body is capped before that by :class:`app.api.body_limit.BodyLimitMiddleware`.

The form is documented in OpenAPI as FastAPI would (see :func:`multipart_openapi`), so the
contract and the fuzzer see the same request body as before.
"""

# No ``from __future__ import annotations`` here: FastAPI must evaluate the dependency's
# signature, which names the route's permission from the enclosing call.
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from app.api.deps import require
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.errors import PayloadTooLarge, Unprocessable

FILE_FIELD = "file"
_MAX_FIELD_BYTES = 64 * 1024  # a form field that is not the file (a mapping is the largest)


class NoFields(BaseModel):
    """An upload with no form field but its file."""


F = TypeVar("F", bound=BaseModel)


@dataclass(frozen=True)
class Upload(Generic[F]):
    """An authorised caller's file (at most the route's ``max_bytes``) and form fields."""

    principal: Principal
    data: bytes
    filename: str | None
    fields: F


def multipart_upload(
    permission: Perm, *, max_bytes: int, too_large: str, fields: type[F]
) -> Callable[..., Awaitable[Upload[F]]]:
    """A dependency giving the route its :class:`Upload`, read only once the caller holds
    ``permission``. A file over ``max_bytes`` is refused (413, ``too_large``); a missing file
    or a field ``fields`` refuses is a 422 like any validation error."""

    guard = require(permission)

    async def read_upload(
        request: Request, principal: Annotated[Principal, Depends(guard)]
    ) -> Upload[F]:
        form = await request.form(
            max_files=1,
            max_fields=len(fields.model_fields) + 1,
            max_part_size=_MAX_FIELD_BYTES,
        )
        try:
            upload = form.get(FILE_FIELD)
            if not isinstance(upload, UploadFile):
                raise RequestValidationError(
                    [
                        {
                            "type": "missing",
                            "loc": ("body", FILE_FIELD),
                            "msg": "a file is required (multipart/form-data, field 'file')",
                            "input": None,
                        }
                    ]
                )
            values = {
                name: value
                for name, value in form.multi_items()
                if name != FILE_FIELD and isinstance(value, str)
            }
            try:
                parsed = fields.model_validate(values)
            except ValidationError as exc:
                raise RequestValidationError(
                    [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
                ) from None
            data = await upload.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise PayloadTooLarge(too_large)
            if not data or data.isspace():
                raise Unprocessable("the file is empty")
            return Upload(principal=principal, data=data, filename=upload.filename, fields=parsed)
        finally:
            await form.close()

    return read_upload


def multipart_openapi(fields: type[BaseModel], *, file_description: str) -> dict[str, Any]:
    """``openapi_extra`` documenting an upload's body: its required ``file`` and ``fields``."""
    schema = _inline(fields.model_json_schema())
    properties = {
        FILE_FIELD: {
            "type": "string",
            "format": "binary",
            "contentMediaType": "application/octet-stream",
            "description": file_description,
        },
        **schema.get("properties", {}),
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": properties,
                        "required": [FILE_FIELD, *schema.get("required", [])],
                    }
                }
            },
        }
    }


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$defs`` references replaced by the definitions themselves."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return {**walk(defs[ref.removeprefix("#/$defs/")]), **walk(rest)}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result
