"""Errors every simulated service shares the shape of: each service's ``errors.py`` subclasses them."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """An error the service answers in its real error envelope: :attr:`status`, :meth:`envelope`, :attr:`headers`.

    The wire's dispatcher answers it; a control route answers it ``400 {"error": <message>}``.
    """

    status: int = 500
    headers: dict[str, str] = {}  # noqa: RUF012  # read-only default: no error here sets headers

    def envelope(self) -> Any:
        """The body the real service sends for this error."""
        raise NotImplementedError


class ControlNotFound(LookupError):
    """A control-plane request names something that does not exist (answered 404)."""
