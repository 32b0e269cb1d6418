"""Errors the connector's HTTP clients raise, so the sync can tell 'try later' from 'bad data'."""

from __future__ import annotations


class RemoteError(Exception):
    """A call failed; ``retryable`` when a later sync may succeed (5xx, timeout, dropped connection)."""

    def __init__(self, operation: str, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(f"{operation}: {message}")
        self.operation = operation
        self.status = status
        self.retryable = retryable
