"""The JSON API under /api/v1: routes, request and response schemas, serialization, the OpenAPI document."""
