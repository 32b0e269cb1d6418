"""A connector's own errors in the random test: an adapter whose exceptions name the operation and the
Gherkin step that was running, so the test prints a scenario to paste instead of a traceback."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from harness.adapter import ActionRefused, AdapterFactory, ConnectorAdapter, ConnectorEnvironment
from simulators.amazon.model import US

#: Called with the operation, its arguments and the exception; raises the error to report.
OnError = Callable[[str, Mapping[str, Any], Exception], None]


class GuardedAdapter:
    """Wraps an adapter: an exception out of an operation (other than :class:`ActionRefused`, which is an
    answer) goes to ``on_error`` with the operation's name and arguments."""

    def __init__(self, adapter: ConnectorAdapter, on_error: OnError) -> None:
        self._adapter = adapter
        self._on_error = on_error

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._adapter, name)
        if name.startswith("_") or not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return value(*args, **kwargs)
            except ActionRefused:
                raise
            except Exception as err:
                self._on_error(name, _arguments(value, args, kwargs), err)
                raise

        return call


def _arguments(method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        return dict(inspect.signature(method).bind_partial(*args, **kwargs).arguments)
    except (TypeError, ValueError):
        return {f"arg{i}": a for i, a in enumerate(args)} | kwargs


def guarded_factory(factory: AdapterFactory, on_error: OnError) -> AdapterFactory:
    """``factory`` whose adapters are guarded; an exception out of the factory goes to ``on_error`` too."""

    def build(env: ConnectorEnvironment) -> ConnectorAdapter:
        try:
            adapter = factory(env)
        except Exception as err:
            on_error("factory", {}, err)
            raise
        return GuardedAdapter(adapter, on_error)  # type: ignore[return-value]

    return build


def describe(err: BaseException) -> str:
    """The exception in one line: its type and message (no traceback)."""
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def gherkin_step(
    operation: str, args: Mapping[str, Any], aliases: Mapping[str, str], *, restart: bool = True
) -> tuple[str, str] | None:
    """The suite's step (keyword, text) that makes this call, or None for a read (the steps so far lead to
    it). ``aliases`` maps the scenario's order aliases to Amazon order IDs; ``restart`` says whether a
    failing factory call is a restart (else it is the connector's first start)."""
    store = args.get("store")
    if operation == "sync":
        return "When", "the connector syncs"
    if operation == "run_cron":
        return "When", "the cron job runs"
    if operation == "restart" or (operation == "factory" and restart):
        return "When", "the connector restarts"
    if operation == "cancel_order":
        alias = next((a for a, i in aliases.items() if i == args.get("order_number")), args.get("order_number"))
        reason = args.get("reason")
        return "When", f'the merchant tries to cancel order "{alias}" from Magento with the reason "{reason}"'
    if operation == "configure_orders" and "import_enabled" in (args.get("settings") or {}):
        value = "Enabled" if args["settings"]["import_enabled"] else "Disabled"
        return "When", f'the merchant sets Import Amazon Orders to "{value}" for "{store}"'
    if operation == "set_store_active":
        verb = "activates" if args.get("active") else "deactivates"
        return "When", f'the merchant {verb} the Amazon store "{store}"'
    if operation == "set_read_only":
        return "When", f"the merchant turns Read-Only Mode {'on' if args.get('on') else 'off'}"
    if operation == "integrate_store":
        name, marketplace = getattr(store, "name", store), getattr(store, "marketplace_id", None)
        if marketplace not in (None, US):
            return "Given", f'the Amazon store "{name}" is integrated for the marketplace "{marketplace}"'
        return "Given", f'the Amazon store "{name}" is integrated'
    return None
