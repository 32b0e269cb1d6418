"""Process configuration: one TOML or JSON file and/or ``ASC_*`` environment variables.

A file looks like this (every key but the stores' names is optional; ``[amazon]`` and ``[magento]``
are defaults that each ``[[stores]]`` entry may override)::

    database = "var/connector.sqlite3"
    clock_url = "http://127.0.0.1:8001/_sim/clock"   # omit for the system clock
    http_timeout = 10                                # seconds, for every Amazon and Magento call

    [amazon]
    endpoint = "https://sellingpartnerapi-na.amazon.com"
    lwa_endpoint = "https://api.amazon.com"
    client_id = "amzn1.application-oa2-client.x"
    client_secret = "..."
    page_size = 100
    orders_api = "v0"                                # or "2026-01-01"

    [magento]
    url = "https://shop.example.com"
    username = "admin"
    password = "..."

    [[stores]]
    name = "Main"
    marketplace_id = "ATVPDKIKX0DER"
    refresh_token = "Atzr|..."
    integrated_at = "2026-01-05T09:00:00Z"   # omit: the moment the store is first integrated
    website_code = "base"
    [stores.orders]                          # order settings, applied on every run
    import_enabled = true

Environment variables override the file: ``ASC_CONFIG`` (the file), ``ASC_DATABASE``, ``ASC_CLOCK_URL``,
``ASC_CLOCK_TOKEN``, ``ASC_HTTP_TIMEOUT``, ``ASC_AMAZON_ENDPOINT``, ``ASC_LWA_ENDPOINT``, ``ASC_LWA_CLIENT_ID``,
``ASC_LWA_CLIENT_SECRET``, ``ASC_AMAZON_PAGE_SIZE``, ``ASC_MAGENTO_URL``, ``ASC_MAGENTO_USERNAME``,
``ASC_MAGENTO_PASSWORD``; and one store without a file: ``ASC_STORE_NAME``, ``ASC_MARKETPLACE_ID``,
``ASC_REFRESH_TOKEN``, ``ASC_INTEGRATED_AT``, ``ASC_WEBSITE_CODE``.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reference_impl.connector import ORDERS_APIS
from reference_impl.settings import OrderSettings, StoreConfig

DEFAULT_DATABASE = "asc-connector.sqlite3"
DEFAULT_AMAZON_ENDPOINT = "https://sellingpartnerapi-na.amazon.com"
DEFAULT_LWA_ENDPOINT = "https://api.amazon.com"
DEFAULT_MARKETPLACE = "ATVPDKIKX0DER"
DEFAULT_PAGE_SIZE = 100
DEFAULT_HTTP_TIMEOUT = 10.0

_TOP_KEYS = {"database", "clock_url", "clock_token", "http_timeout", "amazon", "magento", "stores"}
_AMAZON_KEYS = {"endpoint", "lwa_endpoint", "client_id", "client_secret", "page_size", "orders_api"}
_MAGENTO_KEYS = {"url", "username", "password"}
_STORE_KEYS = {"name", "marketplace_id", "refresh_token", "integrated_at", "website_code", "seller_id", "orders"}
_STORE_KEYS |= {f"amazon_{k}" for k in _AMAZON_KEYS - {"page_size", "orders_api"}} | {
    f"magento_{k}" for k in _MAGENTO_KEYS
}

_ENV_TOP = {
    "ASC_DATABASE": "database",
    "ASC_CLOCK_URL": "clock_url",
    "ASC_CLOCK_TOKEN": "clock_token",
    "ASC_HTTP_TIMEOUT": "http_timeout",
}
_ENV_AMAZON = {
    "ASC_AMAZON_ENDPOINT": "endpoint",
    "ASC_LWA_ENDPOINT": "lwa_endpoint",
    "ASC_LWA_CLIENT_ID": "client_id",
    "ASC_LWA_CLIENT_SECRET": "client_secret",
    "ASC_AMAZON_PAGE_SIZE": "page_size",
    "ASC_ORDERS_API": "orders_api",
}
_ENV_MAGENTO = {"ASC_MAGENTO_URL": "url", "ASC_MAGENTO_USERNAME": "username", "ASC_MAGENTO_PASSWORD": "password"}
_ENV_STORE = {
    "ASC_STORE_NAME": "name",
    "ASC_MARKETPLACE_ID": "marketplace_id",
    "ASC_REFRESH_TOKEN": "refresh_token",
    "ASC_INTEGRATED_AT": "integrated_at",
    "ASC_WEBSITE_CODE": "website_code",
}


class ConfigError(ValueError):
    """A configuration that cannot be used; the message is one line naming the culprit."""


@dataclass(frozen=True)
class StoreEntry:
    """One Amazon store as configured: where to reach Amazon and Magento, credentials, settings."""

    name: str
    marketplace_id: str
    amazon_endpoint: str
    lwa_endpoint: str
    lwa_client_id: str
    lwa_client_secret: str
    refresh_token: str
    magento_url: str
    magento_username: str
    magento_password: str
    integrated_at: datetime | None = None
    website_code: str = "base"
    seller_id: str = ""
    orders: dict[str, Any] = field(default_factory=dict)

    def store_config(self, integrated_at: datetime) -> StoreConfig:
        """The connector's view of this store, integrated at ``integrated_at``."""
        shared = {f.name: getattr(self, f.name) for f in fields(StoreConfig) if f.name != "integrated_at"}
        return StoreConfig(**shared, integrated_at=integrated_at)


@dataclass(frozen=True)
class ProcessConfig:
    """Everything a connector process needs."""

    database: Path
    stores: tuple[StoreEntry, ...]
    clock_url: str | None = None
    clock_token: str | None = None
    page_size: int = DEFAULT_PAGE_SIZE
    http_timeout: float = DEFAULT_HTTP_TIMEOUT
    orders_api: str = "v0"

    def store(self, name: str) -> StoreEntry:
        for entry in self.stores:
            if entry.name == name:
                return entry
        raise ConfigError(f"no store named {name!r} in the configuration (known: {[s.name for s in self.stores]})")


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> ProcessConfig:
    """Read ``path`` (or ``$ASC_CONFIG``) if given, then apply ``ASC_*`` variables; raises ConfigError."""
    env = os.environ if env is None else env
    file = path if path is not None else env.get("ASC_CONFIG")
    raw: dict[str, Any] = _read_file(Path(file)) if file else {}
    base = Path(file).resolve().parent if file else Path.cwd()
    return _build(_apply_env(raw, env), base)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"cannot read configuration file {path}: {err.strerror or err}") from err
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ConfigError(f"{path} is not valid {kind}: {first_line}") from err
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold an object/table at the top level")
    return data


def _apply_env(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    data = dict(raw)
    for var, key in _ENV_TOP.items():
        if env.get(var):
            data[key] = env[var]
    for section, mapping in (("amazon", _ENV_AMAZON), ("magento", _ENV_MAGENTO)):
        values = {key: env[var] for var, key in mapping.items() if env.get(var)}
        if values:
            current = data.get(section, {})
            if not isinstance(current, dict):
                raise ConfigError(f"[{section}] must be a table")
            data[section] = {**current, **values}
    store = {key: env[var] for var, key in _ENV_STORE.items() if env.get(var)}
    if store:
        if "name" not in store:
            raise ConfigError("ASC_STORE_NAME is required when ASC_MARKETPLACE_ID or another store variable is set")
        configured = data.get("stores") or []
        if not isinstance(configured, list):
            raise ConfigError("stores must be a list of tables ([[stores]])")
        same = [s for s in configured if isinstance(s, dict) and s.get("name") == store["name"]]
        others = [s for s in configured if not (isinstance(s, dict) and s.get("name") == store["name"])]
        data["stores"] = [*others, {**(same[0] if same else {}), **store}]
    return data


def _build(data: dict[str, Any], base: Path) -> ProcessConfig:
    _no_unknown(data, _TOP_KEYS, "top level")
    amazon = _table(data, "amazon")
    magento = _table(data, "magento")
    _no_unknown(amazon, _AMAZON_KEYS, "[amazon]")
    _no_unknown(magento, _MAGENTO_KEYS, "[magento]")
    stores_raw = data.get("stores") or []
    if not isinstance(stores_raw, list):
        raise ConfigError("stores must be a list of tables ([[stores]])")
    stores: list[StoreEntry] = []
    for index, entry in enumerate(stores_raw):
        if not isinstance(entry, dict):
            raise ConfigError(f"stores[{index}] must be a table")
        stores.append(_store(entry, index, amazon, magento))
    names = [s.name for s in stores]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"store name(s) configured twice: {duplicates}")
    database = Path(str(data.get("database") or DEFAULT_DATABASE)).expanduser()
    if not database.is_absolute():
        database = base / database
    clock_url = data.get("clock_url") or None
    if clock_url is not None:
        clock_url = _url(str(clock_url), "clock_url")
    return ProcessConfig(
        database=database,
        stores=tuple(stores),
        clock_url=clock_url,
        clock_token=str(data["clock_token"]) if data.get("clock_token") else None,
        page_size=_page_size(amazon.get("page_size", DEFAULT_PAGE_SIZE)),
        http_timeout=_timeout(data.get("http_timeout", DEFAULT_HTTP_TIMEOUT)),
        orders_api=_orders_api(amazon.get("orders_api", "v0")),
    )


def _orders_api(value: Any) -> str:
    if value not in ORDERS_APIS:
        raise ConfigError(f"amazon orders_api must be one of {', '.join(ORDERS_APIS)}, got {value!r}")
    return str(value)


def _store(entry: dict[str, Any], index: int, amazon: dict[str, Any], magento: dict[str, Any]) -> StoreEntry:
    _no_unknown(entry, _STORE_KEYS, f"stores[{index}]")
    name = str(entry.get("name") or "").strip()
    where = f"store {name!r}" if name else f"stores[{index}]"
    if not name:
        raise ConfigError(f"{where}: name is required")

    def pick(key: str, section: dict[str, Any], prefix: str, default: str | None = None) -> str:
        value = entry.get(f"{prefix}_{key}", section.get(key, default))
        if value is None or str(value) == "":
            hint = f"set {prefix}_{key} in the store or {key} in [{prefix}]"
            raise ConfigError(f"{where}: {prefix} {key} is missing ({hint})")
        return str(value)

    integrated = entry.get("integrated_at")
    orders = entry.get("orders") or {}
    if not isinstance(orders, dict):
        raise ConfigError(f"{where}: orders must be a table of order settings")
    try:
        OrderSettings().updated(orders)
    except (ValueError, TypeError) as err:
        raise ConfigError(f"{where}: bad order settings: {err}") from err
    return StoreEntry(
        name=name,
        marketplace_id=str(entry.get("marketplace_id") or DEFAULT_MARKETPLACE),
        amazon_endpoint=_url(pick("endpoint", amazon, "amazon", DEFAULT_AMAZON_ENDPOINT), f"{where} amazon endpoint"),
        lwa_endpoint=_url(pick("lwa_endpoint", amazon, "amazon", DEFAULT_LWA_ENDPOINT), f"{where} lwa_endpoint"),
        lwa_client_id=pick("client_id", amazon, "amazon"),
        lwa_client_secret=pick("client_secret", amazon, "amazon"),
        refresh_token=_required(entry, "refresh_token", where),
        magento_url=_url(pick("url", magento, "magento"), f"{where} magento url"),
        magento_username=pick("username", magento, "magento"),
        magento_password=pick("password", magento, "magento"),
        integrated_at=_instant(integrated, f"{where}: integrated_at") if integrated else None,
        website_code=str(entry.get("website_code") or "base"),
        seller_id=str(entry.get("seller_id") or ""),
        orders=dict(orders),
    )


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table")
    return value


def _no_unknown(data: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown key(s) {unknown} at {where}; known: {sorted(known)}")


def _required(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if value is None or str(value) == "":
        raise ConfigError(f"{where}: {key} is required")
    return str(value)


def _url(value: str, what: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"{what} must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _page_size(value: Any) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"amazon page_size must be an integer from 1 to 100, got {value!r}") from err
    if not 1 <= size <= 100:
        raise ConfigError(f"amazon page_size must be an integer from 1 to 100, got {size}")
    return size


def _timeout(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"http_timeout must be a number of seconds, got {value!r}") from err
    if not 0 < seconds <= 600:
        raise ConfigError(f"http_timeout must be more than 0 and at most 600 seconds, got {seconds:g}")
    return seconds


def _instant(value: Any, what: str) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as err:
            raise ConfigError(f"{what} must be an ISO 8601 instant, got {value!r}") from err
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


__all__ = ["ConfigError", "ProcessConfig", "StoreEntry", "load_config"]
