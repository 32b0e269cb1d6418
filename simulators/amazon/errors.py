"""Errors of the fake Amazon, carrying SP-API's and Login with Amazon's error codes."""

from __future__ import annotations

from simulators.errors import ServiceError


class AmazonError(ServiceError):
    """An SP-API error: HTTP status, code (``InvalidInput``, ``NotFound`` ...), message, details."""

    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def envelope(self) -> dict[str, list[dict[str, str]]]:
        error = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"errors": [error]}


class LwaError(ServiceError):
    """A Login with Amazon error, answered as ``{"error", "error_description"}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def envelope(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def invalid_input(message: str, details: str = "") -> AmazonError:
    return AmazonError(400, "InvalidInput", message, details)


def not_found(message: str) -> AmazonError:
    return AmazonError(404, "NotFound", message)


class IllegalTransition(ValueError):
    """A status change Amazon would never make (control plane misuse)."""
