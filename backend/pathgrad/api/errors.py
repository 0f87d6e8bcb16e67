"""How errors of the core become HTTP answers in FastAPI's validation-error shape."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from pathgrad.language import LanguageError
from pathgrad.service import RequestError


def _field_loc(field: str) -> list[str | int]:
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


async def language_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LanguageError)
    return JSONResponse(status_code=422, content={"detail": [language_error_detail(error)]})


async def request_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestError)
    detail = {"type": "value_error", "loc": _field_loc(error.field), "msg": error.message, "input": None}
    return JSONResponse(status_code=422, content={"detail": [detail]})
