"""The OpenAPI document, generated from the routes' pydantic schemas (never written by hand twice)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from paperdrop.server.api.schemas import ClipIn, ErrorOut


@dataclass
class Operation:
    path: str  # OpenAPI style: /clips/{clip_id}
    method: str
    summary: str
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    query: dict[str, str] = field(default_factory=dict)  # name -> description
    auth: bool = True
    content_type: str = "application/json"


OPERATIONS: list[Operation] = []


def operation(path: str, method: str, summary: str, **kwargs: Any):
    """Register a view's contract; the decorator returns the view unchanged."""

    def register(view):
        OPERATIONS.append(Operation(path, method.lower(), summary, **kwargs))
        return view

    return register


def build_document(version: str, prefix: str = "/api/v1") -> dict[str, Any]:
    models: set[type[BaseModel]] = {m for op in OPERATIONS for m in (op.body, op.response) if m is not None}
    models |= {ErrorOut, ClipIn}
    refs, schema = models_json_schema(
        [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
        ref_template="#/components/schemas/{model}",
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(prefix + op.path, {})[op.method] = _operation_doc(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PaperDrop API",
            "version": version,
            "description": "Save papers from digest pages into Zotero or BibTeX, enriched from arXiv.",
        },
        "servers": [{"url": prefix}],
        "paths": paths,
        "components": {
            "schemas": schema.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "The token printed by `paperdrop token`."}
            },
        },
    }


def _operation_doc(op: Operation, refs: dict) -> dict[str, Any]:
    error = {
        "description": "Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    ok: dict[str, Any] = {"description": op.summary}
    if op.response is not None:
        ok["content"] = {op.content_type: {"schema": refs[(op.response, "validation")]}}
    elif op.content_type != "application/json":
        ok["content"] = {op.content_type: {"schema": {"type": "string"}}}
    doc: dict[str, Any] = {
        "summary": op.summary,
        "responses": {str(op.status): ok, "4XX": error},
        "parameters": [
            {"name": name, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
            for name, text in op.query.items()
        ]
        + [{"name": p, "in": "path", "required": True, "schema": {"type": "integer"}} for p in _path_params(op.path)],
    }
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    doc["security"] = [{"bearer": []}] if op.auth else []
    return doc


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
