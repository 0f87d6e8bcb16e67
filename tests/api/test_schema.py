"""Property-based tests over the OpenAPI document (schemathesis): no 500s, no schema violations."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from pathgrad.api.app import create_app
from pathgrad.settings import Settings

app = create_app(Settings())
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    # Every built-in check (server errors, status codes, content types, response schemas, negative
    # data rejection, Allow headers...) but one: a schema-valid `source` is any string, and most
    # strings are not programs, so a 422 for schema-valid data is the right answer here.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def request_examples() -> list[tuple[str, dict[str, Any]]]:
    document = app.openapi()
    found = []
    for path, methods in document["paths"].items():
        for operation in methods.values():
            ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            name = ref.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            for example in document["components"]["schemas"].get(name, {}).get("examples", []):
                found.append((path, example))
    return found


@pytest.mark.parametrize(("path", "body"), request_examples())
def test_the_schemas_examples_are_answered(path: str, body: dict[str, Any]) -> None:
    response = TestClient(app).post(path, json=body)
    assert response.status_code == 200, response.text


def test_there_are_examples_for_every_post() -> None:
    assert {path for path, _ in request_examples()} == {
        "/api/graph", "/api/paths", "/api/lab", "/api/exercises/check", "/api/exercises/program"
    }
