"""The page's types of the API's JSON (``types/api.d.ts``) are written from the OpenAPI schema, checked here.

The pydantic models of ``pathgrad.api.models`` are the contract; the JavaScript's JSDoc names these
interfaces (``import('#types/api').Graph``, a path of tsconfig.json) and ``npm run typecheck``
checks the page against them. When the contract changes on purpose, write the file again and review the diff::

    .venv/bin/python tests/test_frontend_types.py --write
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pathgrad.api.app import create_app
from pathgrad.settings import Settings

TYPES_FILE = Path(__file__).resolve().parents[1] / "types" / "api.d.ts"
HEADER = (
    "// The JSON of pathgrad's API as TypeScript interfaces, for the type check of the page's JSDoc\n"
    "// (npm run typecheck). Written from the OpenAPI schema by tests/test_frontend_types.py --write:\n"
    "// do not edit by hand.\n"
)


SIMPLE = {"string": "string", "number": "number", "integer": "number", "boolean": "boolean", "null": "null"}


def ts_type(schema: dict[str, Any]) -> str:
    """One JSON schema (the subset pydantic writes) as a TypeScript type."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "const" in schema:
        return _literal(schema["const"])
    if "enum" in schema:
        return " | ".join(_literal(v) for v in schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(dict.fromkeys(ts_type(s) for s in schema[key]))
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items") or {}
        inner = ts_type(items) if items else "unknown"
        return f"({inner})[]" if " " in inner else f"{inner}[]"
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        if "properties" in schema:
            return _object(schema)
        extra = schema.get("additionalProperties")
        return f"Record<string, {ts_type(extra) if isinstance(extra, dict) and extra else 'unknown'}>"
    return SIMPLE.get(str(kind), "unknown")


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _object(schema: dict[str, Any], indent: str = "  ") -> str:
    required = set(schema.get("required", []))
    lines = []
    for name, prop in schema["properties"].items():
        doc = prop.get("description")
        if doc:
            lines.append(f"{indent}/** {' '.join(str(doc).split())} */")
        lines.append(f"{indent}{name}{'' if name in required else '?'}: {ts_type(prop)};")
    return "{\n" + "\n".join(lines) + "\n" + indent[:-2] + "}"


def generated() -> str:
    """types/api.d.ts as the schema of the app (every component, in the schema's order)."""
    schemas = create_app(Settings()).openapi()["components"]["schemas"]
    parts = [HEADER]
    for name, schema in schemas.items():
        doc = schema.get("description")
        if doc:
            parts.append(f"/** {' '.join(str(doc).split())} */")
        if "properties" in schema:
            parts.append(f"export interface {name} {_object(schema)}\n")
        else:
            parts.append(f"export type {name} = {ts_type(schema)};\n")
    return "\n".join(parts)


def test_the_types_are_the_schemas() -> None:
    assert TYPES_FILE.read_text(encoding="utf-8") == generated(), (
        "types/api.d.ts is not the API's schema: if the contract changed on purpose, run "
        "`.venv/bin/python tests/test_frontend_types.py --write` and review the diff"
    )


def test_a_graph_node_is_typed_from_its_model() -> None:
    text = generated()
    node = text[text.index("export interface GraphNode {") :]
    node = node[: node.index("\n}\n")]
    assert '  kind: "input" | "param" | "const" | "op";' in node
    assert "  name: string | null;" in node
    assert "  value: number | unknown[] | null;" in node
    paths = text[text.index("export interface PathsResponse {") :]
    assert "  graph: Graph | ValuesGraph | GraphNumbers;" in paths[: paths.index("\n}\n")]


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_frontend_types.py --write")
    TYPES_FILE.parent.mkdir(exist_ok=True)
    TYPES_FILE.write_text(generated(), encoding="utf-8")
    print(f"wrote {TYPES_FILE}")
