"""Errors every simulated service shares the shape of: each service's ``errors.py`` subclasses them."""

from __future__ import annotations

from typing import Any, ClassVar


class ServiceError(Exception):
    """An error the service answers in its real error envelope: :attr:`status`, :meth:`envelope`, :attr:`headers`.

    The wire's dispatcher answers it; a control route answers it ``400 {"error": <message>}``.
    """

    status: int = 500
    #: Headers the answer carries besides the service's own (none by default).
    headers: ClassVar[dict[str, str]] = {}

    def envelope(self) -> Any:
        """The body the real service sends for this error."""
        raise NotImplementedError


class ControlNotFound(LookupError):
    """A control-plane request names something that does not exist (answered 404)."""
