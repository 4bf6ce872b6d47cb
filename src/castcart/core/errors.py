"""Domain errors carry an HTTP status and a machine-readable code; the web layer renders them
as one JSON shape: ``{"code": ..., "message": ..., "details": ...}``."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class NotFoundError(DomainError):
    status_code = 404
    code = "not_found"


class ConflictError(DomainError):
    status_code = 409
    code = "conflict"


class UnprocessableError(DomainError):
    status_code = 422
    code = "unprocessable"


class AuthenticationError(DomainError):
    status_code = 401
    code = "unauthenticated"


class RateLimitedError(DomainError):
    """Too many attempts; ``retry_after`` seconds until the next one is allowed."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code, details={"retry_after": retry_after})
        self.retry_after = retry_after


class PermissionDeniedError(DomainError):
    status_code = 403
    code = "forbidden"


class OutOfStockError(ConflictError):
    code = "out_of_stock"


class InvalidTransitionError(ConflictError):
    code = "invalid_transition"
