"""The API's one error shape: {"error": {"code", "message", "details"}} with a 4xx/5xx status."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from pydantic import ValidationError
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from paperdrop.server.store.db import RETRY_AFTER_SECONDS, StoreUnavailable
from paperdrop.sync.errors import ConfigurationError, InputError


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[Any] | None = None,
        *,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []
        self.retry_after = retry_after


def error_response(status: int, code: str, message: str, details: list[Any] | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    return response


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic errors as {location, message}: enough to find and fix the offending field."""
    return [
        {"location": ".".join(str(p) for p in err["loc"]), "message": err["msg"], "type": err["type"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


# Werkzeug status -> (code, message a user can act on)
_HTTP_CODES = {
    400: ("bad_request", "The request could not be read."),
    404: ("not_found", "No such resource."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send JSON with Content-Type: application/json."),
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        response = error_response(exc.status, exc.code, exc.message, exc.details)
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(max(1, round(exc.retry_after)))
        return response

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        return error_response(422, "invalid_request", "The request does not match the schema.", validation_details(exc))

    @app.errorhandler(InputError)
    def _input(exc: InputError):
        return error_response(400, "invalid_input", str(exc))

    @app.errorhandler(ConfigurationError)
    def _config(exc: ConfigurationError):
        return error_response(409, "configuration", str(exc))

    @app.errorhandler(DataError)
    def _data_error(exc: DataError) -> Response:
        # A value the database cannot hold (PostgreSQL refuses NUL characters in text) that got past the
        # request's checks: the caller's input, so a 400 naming the problem, never a 500.
        reason = str(exc.orig or exc).strip().splitlines()[0][:200]
        app.logger.warning("store refused a value on %s %s: %s", request.method, request.path, reason)
        message = f"The store cannot hold a value of this request ({reason}); remove control characters."
        if is_api_request():
            return error_response(400, "invalid_input", message)
        return Response(message, 400, mimetype="text/plain")

    @app.errorhandler(StoreUnavailable)
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _store_unavailable(exc: Exception) -> Response:
        problem = exc if isinstance(exc, StoreUnavailable) else StoreUnavailable.from_error(exc)
        app.logger.warning("store unavailable on %s %s: %s", request.method, request.path, problem)
        if is_api_request():
            response = error_response(503, "store_unavailable", problem.message, [problem.fix] if problem.fix else [])
        else:
            response = Response(f"PaperDrop cannot reach its store right now: {problem.message}", 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if not is_api_request():
            return exc
        code, message = _HTTP_CODES.get(exc.code or 500, ("http_error", exc.description or "HTTP error"))
        if exc.code == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            message = f"The request body is larger than {limit} bytes; send fewer papers per request."
        response = error_response(exc.code or 500, code, message)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if not is_api_request():
            return "Internal server error", 500
        return error_response(500, "internal_error", "Something went wrong on the server; see its log.")
