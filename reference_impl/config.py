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
``ASC_REFRESH_TOKEN``, ``ASC_INTEGRATED_AT``, ``ASC_WEBSITE_CODE``. Any other ``ASC_*`` variable is refused
(a misspelt setting would otherwise be ignored), but for those the kit reads elsewhere (:data:`OTHER_VARIABLES`).
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
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

#: Most characters a store name may have (it names lock files and admin messages).
MAX_STORE_NAME = 200

_STR = (str,)
_NUMBER = (int, float)
#: Each key and the TOML/JSON types it takes (bool is never a number here).
_TOP_TYPES: dict[str, tuple[type, ...]] = {
    "database": _STR,
    "clock_url": _STR,
    "clock_token": _STR,
    "http_timeout": _NUMBER,
    "amazon": (dict,),
    "magento": (dict,),
    "stores": (list,),
}
_AMAZON_TYPES: dict[str, tuple[type, ...]] = {
    "endpoint": _STR,
    "lwa_endpoint": _STR,
    "client_id": _STR,
    "client_secret": _STR,
    "page_size": (int,),
    "orders_api": _STR,
}
_MAGENTO_TYPES: dict[str, tuple[type, ...]] = {"url": _STR, "username": _STR, "password": _STR}
_STORE_TYPES: dict[str, tuple[type, ...]] = {
    "name": _STR,
    "marketplace_id": _STR,
    "refresh_token": _STR,
    "integrated_at": (str, datetime),
    "website_code": _STR,
    "seller_id": _STR,
    "orders": (dict,),
    **{f"amazon_{k}": _STR for k in ("endpoint", "lwa_endpoint", "client_id", "client_secret")},
    **{f"magento_{k}": _STR for k in _MAGENTO_TYPES},
}
_TOP_KEYS = set(_TOP_TYPES)
_AMAZON_KEYS = set(_AMAZON_TYPES)
_MAGENTO_KEYS = set(_MAGENTO_TYPES)
_STORE_KEYS = set(_STORE_TYPES)
_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    dict: "a table",
    list: "a list",
    datetime: "a date-time",
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

#: ``ASC_*`` variables that are not settings but are read elsewhere in the kit, so they may share the environment:
#: the configuration file's name, the crash points, the driver server's token, and the project's test switches.
OTHER_VARIABLES = frozenset(
    {"ASC_CONFIG", "ASC_KILL_AT", "ASC_DRIVER_TOKEN", "ASC_CRASH_FULL", "ASC_CHROMIUM", "ASC_VENDOR_DIR"}
)
#: Every ``ASC_*`` variable the configuration takes.
VARIABLES = frozenset({*_ENV_TOP, *_ENV_AMAZON, *_ENV_MAGENTO, *_ENV_STORE})


class ConfigError(ValueError):
    """A configuration that cannot be used; the message is one line naming the culprit."""


@dataclass(frozen=True)
class ProcessConfig:
    """Everything a connector process needs."""

    database: Path
    stores: tuple[StoreConfig, ...]
    #: Store name -> the order settings the configuration gives it (applied on every run).
    orders: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    clock_url: str | None = None
    clock_token: str | None = None
    page_size: int = DEFAULT_PAGE_SIZE
    http_timeout: float = DEFAULT_HTTP_TIMEOUT
    orders_api: str = "v0"

    def store(self, name: str) -> StoreConfig:
        for entry in self.stores:
            if entry.name == name:
                return entry
        raise ConfigError(f"no store named {name!r} in the configuration (known: {[s.name for s in self.stores]})")


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> ProcessConfig:
    """Read ``path`` (or ``$ASC_CONFIG``) if given, then apply ``ASC_*`` variables; raises ConfigError."""
    env = os.environ if env is None else env
    _check_variables(env)
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


def _check_variables(env: Mapping[str, str]) -> None:
    """Refuse an ``ASC_*`` variable the configuration does not know, naming it (and the nearest known one)."""
    known = VARIABLES | OTHER_VARIABLES
    unknown = sorted(var for var in env if var.startswith("ASC_") and var not in known)
    if unknown:
        longer = [var for var in sorted(VARIABLES) if var.startswith(unknown[0])]  # a name cut short
        close = longer or difflib.get_close_matches(unknown[0], sorted(VARIABLES), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(f"{unknown[0]}: unknown ASC_* environment variable{hint}")


def _apply_env(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    data = dict(raw)
    for var, key in _ENV_TOP.items():
        if env.get(var):
            data[key] = _env_value(var, env[var], _TOP_TYPES[key])
    for section, mapping, types in (("amazon", _ENV_AMAZON, _AMAZON_TYPES), ("magento", _ENV_MAGENTO, _MAGENTO_TYPES)):
        values = {key: _env_value(var, env[var], types[key]) for var, key in mapping.items() if env.get(var)}
        if values:
            current = data.get(section, {})
            if not isinstance(current, dict):
                raise ConfigError(f"{section} must be a table ([{section}]), got {_kind(current)}")
            data[section] = {**current, **values}
    store = {key: env[var] for var, key in _ENV_STORE.items() if env.get(var)}
    if store:
        if "name" not in store:
            raise ConfigError("ASC_STORE_NAME is required when ASC_MARKETPLACE_ID or another store variable is set")
        configured = data.get("stores") or []
        if not isinstance(configured, list):
            raise ConfigError(f"stores must be a list of tables ([[stores]]), got {_kind(configured)}")
        same = [s for s in configured if isinstance(s, dict) and s.get("name") == store["name"]]
        others = [s for s in configured if not (isinstance(s, dict) and s.get("name") == store["name"])]
        data["stores"] = [*others, {**(same[0] if same else {}), **store}]
    return data


def _env_value(var: str, text: str, kinds: tuple[type, ...]) -> Any:
    """A variable's text as the key's type: an integer or a number where the key takes one."""
    if kinds == (int,):
        try:
            return int(text.strip(), 10)
        except ValueError as err:
            raise ConfigError(f"{var} must be an integer, got {text!r}") from err
    if kinds == _NUMBER:
        try:
            return float(text.strip())
        except ValueError as err:
            raise ConfigError(f"{var} must be a number, got {text!r}") from err
    return text


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return f"{name} ({value!r})" if kind in (str, int, float) else name
    return "null" if value is None else type(value).__name__


def _check_types(data: dict[str, Any], types: dict[str, tuple[type, ...]], where: str) -> None:
    """Unknown keys and values of the wrong type, each one line naming the key."""
    unknown = sorted(set(data) - set(types))
    if unknown:
        raise ConfigError(f"unknown key(s) {unknown} at {where}; known: {sorted(types)}")
    for key, value in data.items():
        kinds = types[key]
        if isinstance(value, bool) or not isinstance(value, kinds):
            wanted = "a number" if kinds == _NUMBER else " or ".join(_TYPE_NAMES[k] for k in kinds)
            raise ConfigError(f"{_key_name(where, key)} must be {wanted}, got {_kind(value)}")


def _key_name(where: str, key: str) -> str:
    if where == "top level":
        return key
    if where.startswith("["):
        return f"{where[1:-1]}.{key}"
    return f"{where}.{key}"


def _build(data: dict[str, Any], base: Path) -> ProcessConfig:
    _check_types(data, _TOP_TYPES, "top level")
    amazon = data.get("amazon", {})
    magento = data.get("magento", {})
    _check_types(amazon, _AMAZON_TYPES, "[amazon]")
    _check_types(magento, _MAGENTO_TYPES, "[magento]")
    stores_raw = data.get("stores", [])
    stores: list[StoreConfig] = []
    orders: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(stores_raw):
        if not isinstance(entry, dict):
            raise ConfigError(f"stores[{index}] must be a table, got {_kind(entry)}")
        stores.append(_store(entry, index, amazon, magento))
        orders[stores[-1].name] = dict(entry.get("orders") or {})
    names = [s.name for s in stores]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"store name(s) configured twice: {duplicates}")
    database = Path(data.get("database") or DEFAULT_DATABASE).expanduser()
    if not database.is_absolute():
        database = base / database
    clock_url = data.get("clock_url") or None
    if clock_url is not None:
        clock_url = _url(clock_url, "clock_url")
    config = ProcessConfig(
        database=database,
        stores=tuple(stores),
        orders=orders,
        clock_url=clock_url,
        clock_token=data.get("clock_token") or None,
        page_size=_page_size(amazon.get("page_size", DEFAULT_PAGE_SIZE)),
        http_timeout=_timeout(data.get("http_timeout", DEFAULT_HTTP_TIMEOUT)),
        orders_api=_orders_api(amazon.get("orders_api", "v0")),
    )
    if not stores:
        raise ConfigError("stores: no store is configured (add a [[stores]] table or set ASC_STORE_NAME)")
    return config


def _orders_api(value: Any) -> str:
    if value not in ORDERS_APIS:
        raise ConfigError(f"amazon orders_api must be one of {', '.join(ORDERS_APIS)}, got {value!r}")
    return str(value)


def _store(entry: dict[str, Any], index: int, amazon: dict[str, Any], magento: dict[str, Any]) -> StoreConfig:
    where = f"stores[{index}]"
    _check_types(entry, _STORE_TYPES, where)
    name = _store_name(entry.get("name"), where)
    where = f"store {name!r}"

    def pick(key: str, section: dict[str, Any], prefix: str, default: str | None = None) -> str:
        value = entry.get(f"{prefix}_{key}", section.get(key, default))
        if not value:
            hint = f"set {prefix}_{key} in the store or {key} in [{prefix}]"
            raise ConfigError(f"{where}: {prefix} {key} is missing ({hint})")
        return str(value)

    integrated = entry.get("integrated_at")
    orders = entry.get("orders", {})
    try:
        OrderSettings().updated(orders)
    except (ValueError, TypeError) as err:
        raise ConfigError(f"{where}: bad order settings: {err}") from err
    return StoreConfig(
        name=name,
        marketplace_id=entry.get("marketplace_id") or DEFAULT_MARKETPLACE,
        amazon_endpoint=_url(pick("endpoint", amazon, "amazon", DEFAULT_AMAZON_ENDPOINT), f"{where} amazon endpoint"),
        lwa_endpoint=_url(pick("lwa_endpoint", amazon, "amazon", DEFAULT_LWA_ENDPOINT), f"{where} lwa_endpoint"),
        lwa_client_id=pick("client_id", amazon, "amazon"),
        lwa_client_secret=pick("client_secret", amazon, "amazon"),
        refresh_token=_required(entry, "refresh_token", where),
        magento_url=_url(pick("url", magento, "magento"), f"{where} magento url"),
        magento_username=pick("username", magento, "magento"),
        magento_password=pick("password", magento, "magento"),
        integrated_at=_instant(integrated, f"{where}: integrated_at") if integrated else None,
        website_code=entry.get("website_code") or "base",
        seller_id=entry.get("seller_id") or "",
    )


def _store_name(value: str | None, where: str) -> str:
    """A usable store name: 1 to MAX_STORE_NAME printable characters, no surrounding spaces."""
    if not value or not value.strip():
        raise ConfigError(f"{where}.name is required")
    if value != value.strip():
        raise ConfigError(f"{where}.name must not start or end with spaces, got {value!r}")
    if len(value) > MAX_STORE_NAME:
        raise ConfigError(f"{where}.name must be at most {MAX_STORE_NAME} characters, got {len(value)}")
    if not value.isprintable():
        raise ConfigError(f"{where}.name must be printable characters only, got {value!r}")
    return value


def _required(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not value:
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


__all__ = ["ConfigError", "ProcessConfig", "load_config"]
