"""Resolving ``--impl``: an entry-point name, ``module:factory``, or ``http://host:port``."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from harness.adapter import AdapterFactory

ENTRY_POINT_GROUP = "asc_conformance.connectors"


class ImplError(Exception):
    """The --impl value cannot give a connector; the message is one line for the user."""


def resolve(impl: str) -> AdapterFactory:
    """The adapter factory that ``impl`` names. Raises :class:`ImplError` with a one-line reason."""
    if impl.startswith(("http://", "https://")):
        from harness.http_driver import http_factory

        return http_factory(impl)
    if ":" in impl:
        module_name, _, attr = impl.partition(":")
        try:
            module = importlib.import_module(module_name)
        except Exception as err:
            raise ImplError(f"--impl {impl}: cannot import module {module_name!r}: {err}") from err
        factory = getattr(module, attr, None)
        if not callable(factory):
            raise ImplError(f"--impl {impl}: module {module_name!r} has no callable {attr!r}")
        return factory
    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == impl]
    if not found:
        known = sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
        raise ImplError(
            f"--impl {impl}: no connector entry point of that name (known: {', '.join(known) or 'none'}); "
            "give an entry-point name, module:factory or http://host:port"
        )
    try:
        factory = found[0].load()
    except Exception as err:
        raise ImplError(f"--impl {impl}: the entry point cannot be loaded: {err}") from err
    return factory
