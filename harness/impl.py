"""Resolving ``--impl``: an entry-point name, ``module:factory``, or ``http://host:port``.

An entry-point name is looked up among the connectors (``asc_conformance.connectors``), then among the
mutant connectors (``asc_conformance.mutants``, :mod:`harness.mutant_registry`).
"""

from __future__ import annotations

import importlib
import re
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path

from harness.adapter import AdapterFactory, ConnectorAdapter, ConnectorEnvironment
from harness.mutant_registry import MUTANT_GROUP

#: The operations every adapter has (the methods of the ConnectorAdapter protocol).
OPERATIONS = tuple(
    name for name in vars(ConnectorAdapter) if not name.startswith("_") and callable(vars(ConnectorAdapter)[name])
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")

ENTRY_POINT_GROUP = "asc_conformance.connectors"


class ImplError(Exception):
    """The --impl value cannot give a connector; the message is one line for the user."""


def resolve(impl: str) -> AdapterFactory:
    """The adapter factory that ``impl`` names. Raises :class:`ImplError` with a one-line reason."""
    if not impl.strip():
        raise ImplError("--impl is empty; give an entry-point name, module:factory or http://host:port")
    scheme = _SCHEME.match(impl)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        raise ImplError(
            f"--impl {impl}: unsupported scheme {scheme.group(1)!r}; a connector in another process "
            "serves the driver protocol at http://host:port (or https://)"
        )
    if scheme:
        from harness.http_driver import DriverRefused, http_factory

        try:
            return http_factory(impl)
        except DriverRefused as err:
            raise ImplError(str(err)) from err
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
    found = [ep for group in (ENTRY_POINT_GROUP, MUTANT_GROUP) for ep in entry_points(group=group) if ep.name == impl]
    if not found:
        known = sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
        raise ImplError(
            f"--impl {impl}: no connector entry point of that name (known: {', '.join(known) or 'none'}, and the "
            "mutants of 'asc-conformance mutants --list'); give an entry-point name, module:factory or http://host:port"
        )
    try:
        factory = found[0].load()
    except Exception as err:
        raise ImplError(f"--impl {impl}: the entry point cannot be loaded: {err}") from err
    return factory


def check_factory(impl: str, factory: AdapterFactory) -> None:
    """Build one adapter, ask its capabilities and close it, before any scenario runs.

    Raises :class:`ImplError` with a one-line reason when the factory raises, returns something that is
    not an adapter, or the adapter's ``capabilities()`` or ``close()`` fails or answers the wrong shape.
    """
    with tempfile.TemporaryDirectory(prefix="asc-probe-") as workdir:
        instant = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        env = ConnectorEnvironment(workdir=Path(workdir), now=lambda: instant, sleep=lambda seconds: None)
        try:
            adapter = factory(env)
        except Exception as err:
            raise ImplError(f"--impl {impl}: the connector factory raised {_one_line(err)}") from err
        if adapter is None:
            raise ImplError(f"--impl {impl}: the connector factory returned None instead of an adapter")
        missing = [name for name in OPERATIONS if not callable(getattr(adapter, name, None))]
        if missing:
            raise ImplError(
                f"--impl {impl}: the factory returned a {type(adapter).__name__}, which lacks the adapter "
                f"operation(s) {', '.join(missing)} (see harness/adapter.py)"
            )
        try:
            try:
                declared = adapter.capabilities()
            except Exception as err:
                raise ImplError(f"--impl {impl}: capabilities() raised {_one_line(err)}") from err
            unsupported = getattr(declared, "unsupported", None)
            if not isinstance(unsupported, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in unsupported.items()
            ):
                raise ImplError(
                    f"--impl {impl}: capabilities() must return Capabilities(unsupported={{rule ID: reason}}), "
                    f"got {declared!r:.200}"
                )
        finally:
            try:
                adapter.close()
            except Exception as err:
                raise ImplError(f"--impl {impl}: close() raised {_one_line(err)}") from err


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    text = text if len(text) <= 300 else text[:300] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
