"""The OpenAPI document, generated from the routes' pydantic schemas (never written by hand twice)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from paperdrop.server.api.schemas import ClipIn, ErrorOut, link_schemas
from paperdrop.server.services.targets import target_schema
from paperdrop.server.store.models import MAX_ID

if TYPE_CHECKING:
    from paperdrop.server.config import Settings


@dataclass
class Operation:
    path: str  # OpenAPI style: /clips/{clip_id}
    method: str
    summary: str
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    query: type[BaseModel] | None = None  # the query parameters' model
    auth: bool = True
    content_type: str = "application/json"


OPERATIONS: list[Operation] = []


def operation(path: str, method: str, summary: str, **kwargs: Any):
    """Register a view's contract; the decorator returns the view unchanged."""

    def register(view):
        OPERATIONS.append(Operation(path, method.lower(), summary, **kwargs))
        return view

    return register


def build_document(version: str, settings: Settings | None = None, prefix: str = "/api/v1") -> dict[str, Any]:
    """The document. With `settings`, the rules that depend on this server's configuration are declared too
    (the targets a caller may name: its named targets and the folders for .bib files)."""
    # Requests are described as they are validated, answers as they are serialized (aliases, computed names).
    requests = {op.body for op in OPERATIONS if op.body is not None} | {ClipIn}
    answers = {op.response for op in OPERATIONS if op.response is not None} | {ErrorOut}
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        *((m, "validation") for m in sorted(requests, key=lambda m: m.__name__)),
        *((m, "serialization") for m in sorted(answers, key=lambda m: m.__name__)),
    ]
    refs, schema = models_json_schema(wanted, ref_template="#/components/schemas/{model}")
    components = schema.get("$defs", {})
    link_schemas(components)
    if settings is not None:
        target = components["ClipsIn"]["properties"]["target"]
        target["anyOf"] = [target_schema(settings), {"type": "null"}]
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        # Paths are relative to `servers` (the API's prefix): a client joins the two, once.
        paths.setdefault(op.path, {})[op.method] = _operation_doc(op, refs)
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
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "The token printed by `paperdrop token`."}
            },
        },
    }


def _operation_doc(op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": op.summary}
    if op.response is not None:
        ok["content"] = {op.content_type: {"schema": refs[(op.response, "serialization")]}}
    elif op.content_type != "application/json":
        ok["content"] = {op.content_type: {"schema": {"type": "string"}}}
    responses: dict[str, Any] = {str(op.status): ok}
    for status, why in _error_statuses(op):
        responses[status] = {"description": why, "content": {"application/json": {"schema": ERROR_REF}}}
    doc: dict[str, Any] = {
        "operationId": f"{op.method}_{op.path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
        "summary": op.summary,
        "responses": responses,
        "parameters": _query_parameters(op.query)
        + [
            {"name": p, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
            for p in _path_params(op.path)
        ],
    }
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    doc["security"] = [{"bearer": []}] if op.auth else []
    return doc


ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}  # the one error shape (ErrorOut is an answer model)


def _error_statuses(op: Operation) -> list[tuple[str, str]]:
    statuses = []
    if op.auth:
        statuses += [("401", "Missing or wrong token"), ("403", "Host or Origin not allowed")]
    if op.body is not None:
        statuses += [
            ("400", "The body is not usable JSON"),
            ("413", "The body is too large"),
            ("415", "The body is not JSON"),
        ]
    if op.body is not None or op.query is not None:
        statuses.append(("422", "The request does not match this document (details say where)"))
    if _path_params(op.path):
        statuses.append(("404", "No such clip or paper"))
    statuses.append(("503", "The store cannot answer right now; send the request again after Retry-After"))
    return statuses


def _query_parameters(model: type[BaseModel] | None) -> list[dict[str, Any]]:
    if model is None:
        return []
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        prop.pop("default", None)
        if "anyOf" in prop:  # an optional value: the parameter is simply left out
            variants = prop.pop("anyOf")
            prop = {**prop, **next(p for p in variants if p.get("type") != "null")}  # keeps e.g. its pattern
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
