"""Steps about Amazon stores: integration, order settings, activation."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from harness.world import World


@given(parsers.parse('the Amazon store "{name}" is integrated'))
def store_integrated(world: World, name: str) -> None:
    spec = world.store_spec(name)
    world.adapter.integrate_store(spec)
    world.stores[name] = spec


@given(parsers.parse('Import Amazon Orders is "{value}" for "{name}"'))
@when(parsers.parse('the merchant sets Import Amazon Orders to "{value}" for "{name}"'))
def import_setting(world: World, value: str, name: str) -> None:
    if value not in ("Enabled", "Disabled"):
        raise ValueError(f'Import Amazon Orders is "Enabled" or "Disabled", not {value!r}')
    world.adapter.configure_orders(name, {"import_enabled": value == "Enabled"})
