"""How errors become HTTP answers, all in FastAPI's validation-error shape.

``{"detail": [{"type", "loc", "msg", "input", "ctx"}]}``; for a program error ``ctx`` has the
position (line, column, span) and, when a bound was exceeded, the ``Settings`` field as ``limit``.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from pathgrad.api.models import ErrorResponse, Message
from pathgrad.language import LanguageError
from pathgrad.service import RequestError


def _field_loc(field: str) -> list[str | int]:
    # "values.<name>" keeps the name whole: a key sent in values may itself contain dots.
    head, _, rest = field.partition(".")
    if head == "values" and rest:
        return ["body", "values", rest]
    return ["body", *field.split(".")]


def language_error_detail(error: LanguageError) -> dict[str, Any]:
    """One entry of a 422 ``detail`` list for a program error, its position in ``ctx``."""
    field = getattr(error, "field", None) or "source"
    return {
        "type": "limit_exceeded" if error.limit else "program_error",
        "loc": _field_loc(field),
        "msg": error.message,
        "input": None,
        "ctx": {
            "line": error.line,
            "column": error.column,
            "span": list(error.span),
            "limit": error.limit,
        },
    }


def request_error_detail(error: RequestError) -> dict[str, Any]:
    """One entry of a 422 ``detail`` list for a request naming something the program lacks."""
    detail: dict[str, Any] = {
        "type": "limit_exceeded" if error.limit else "value_error",
        "loc": _field_loc(error.field),
        "msg": error.message,
        "input": None,
    }
    if error.limit:
        detail["ctx"] = {"limit": error.limit}
    return detail


def limit_detail(limit: str, message: str, field: str | None = None) -> dict[str, Any]:
    """One entry of a 422 ``detail`` list for work stopped or refused at a ``Settings`` limit."""
    return {
        "type": "limit_exceeded",
        "loc": _field_loc(field) if field else ["body"],
        "msg": message,
        "input": None,
        "ctx": {"limit": limit},
    }


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float replaced by its name ("inf", "-inf", "nan").

    Python's JSON reader accepts ``1e309``, ``Infinity`` and ``NaN``; pydantic then rejects them and
    echoes them back as ``input``, which strict JSON cannot carry.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


async def language_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LanguageError)
    return JSONResponse(status_code=422, content={"detail": [language_error_detail(error)]})


async def request_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestError)
    return JSONResponse(status_code=error.status, content={"detail": [request_error_detail(error)]})


async def validation_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = error.errors()
    for item in errors:
        if item.get("type") == "json_invalid":
            # Unreadable JSON is a 400, like a body nested too deeply or a number too long (which
            # FastAPI answers 400 itself): one status for "the body cannot be read".
            loc = list(item.get("loc") or [])
            where = f" at character {loc[1]}" if len(loc) > 1 and isinstance(loc[1], int) else ""
            reason = (item.get("ctx") or {}).get("error", "not valid JSON")
            return JSONResponse(status_code=400, content={"detail": f"the body is not JSON: {reason}{where}"})
    return JSONResponse(status_code=422, content={"detail": json_safe(jsonable_encoder(errors))})


# The error answers every POST endpoint documents in the OpenAPI schema.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ErrorResponse,
        "description": "the program, a name or a limit is wrong; `ctx` has line and column",
    },
    400: {
        "model": Message,
        "description": "the body cannot be read: not JSON, not UTF-8, nested too deeply, or a number "
        "too long",
    },
    408: {"model": Message, "description": "the body did not arrive within body_timeout_seconds"},
    413: {"model": Message, "description": "the request body is larger than max_body_bytes"},
    503: {
        "model": Message,
        "description": "busy: a limit on requests, compute processes or training streams (named in "
        "`detail`); retry after `Retry-After`",
    },
}
