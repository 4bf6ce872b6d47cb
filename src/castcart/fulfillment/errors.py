"""The one error type of the fulfillment package."""

from __future__ import annotations


class FulfillmentError(ValueError):
    """Bad input for allocation, rates or promises; `code` is machine-readable, the message is
    for people, and `details` carries structured context (e.g. the stock shortfall)."""

    def __init__(self, code: str, message: str, details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
