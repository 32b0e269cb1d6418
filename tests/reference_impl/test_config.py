"""Process configuration (file and ASC_* variables), the HTTP clock, and the command line's errors."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reference_impl.__main__ import main, open_connector
from reference_impl.clock import ClockError, HttpClock
from reference_impl.config import DEFAULT_AMAZON_ENDPOINT, ConfigError, load_config
from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN

TOML = """
database = "state/c.db"
clock_url = "http://127.0.0.1:9/_sim/clock"

[amazon]
client_id = "cid"
client_secret = "csecret"
page_size = 50
orders_api = "2026-01-01"

[magento]
url = "https://shop.example.com/"
username = "admin"
password = "pw"

[[stores]]
name = "US"
refresh_token = "r-us"
integrated_at = "2026-01-05T09:00:00Z"

[[stores]]
name = "DE"
marketplace_id = "A1PA6795UKMFR9"
refresh_token = "r-de"
amazon_endpoint = "https://sellingpartnerapi-eu.amazon.com"
magento_url = "https://de.example.com"
[stores.orders]
import_enabled = false
customer_mode = "create"
"""


CREDENTIALS = "[amazon]\nclient_id='c'\nclient_secret='s'\n[magento]\nurl='http://m.test'\nusername='u'\npassword='p'\n"


def _write(tmp_path: Path, text: str, name: str = "c.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_toml_file_with_defaults_and_per_store_overrides(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, TOML), env={})
    assert config.database == tmp_path / "state" / "c.db"  # relative to the file
    assert config.clock_url == "http://127.0.0.1:9/_sim/clock"
    assert config.page_size == 50
    assert config.orders_api == "2026-01-01"
    us, de = config.store("US"), config.store("DE")
    assert us.amazon_endpoint == DEFAULT_AMAZON_ENDPOINT
    assert us.lwa_client_id == de.lwa_client_id == "cid"
    assert us.magento_url == "https://shop.example.com"
    assert us.marketplace_id == "ATVPDKIKX0DER"
    assert us.integrated_at == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert de.integrated_at is None
    assert de.amazon_endpoint == "https://sellingpartnerapi-eu.amazon.com"
    assert de.magento_url == "https://de.example.com"
    assert config.orders["DE"] == {"import_enabled": False, "customer_mode": "create"}


def test_a_json_file_and_variables_that_override_it(tmp_path: Path) -> None:
    data = {
        "amazon": {"client_id": "cid", "client_secret": "s"},
        "magento": {"url": "http://m.test", "username": "a", "password": "p"},
        "stores": [{"name": "Main", "refresh_token": "r"}],
    }
    path = _write(tmp_path, json.dumps(data), "c.json")
    env = {"ASC_MAGENTO_URL": "http://other.test", "ASC_DATABASE": "/var/lib/asc/c.db", "ASC_REFRESH_TOKEN": "x"}
    with pytest.raises(ConfigError, match="ASC_STORE_NAME is required"):
        load_config(path, env=env)
    config = load_config(path, env={**env, "ASC_STORE_NAME": "Main"})
    assert config.database == Path("/var/lib/asc/c.db")
    assert config.store("Main").magento_url == "http://other.test"
    assert config.store("Main").refresh_token == "x"
    assert len(config.stores) == 1


def test_variables_alone_configure_one_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = {
        "ASC_AMAZON_ENDPOINT": "http://sp.test",
        "ASC_LWA_ENDPOINT": "http://lwa.test",
        "ASC_LWA_CLIENT_ID": "c",
        "ASC_LWA_CLIENT_SECRET": "s",
        "ASC_MAGENTO_URL": "http://m.test",
        "ASC_MAGENTO_USERNAME": "admin",
        "ASC_MAGENTO_PASSWORD": "pw",
        "ASC_STORE_NAME": "Main",
        "ASC_REFRESH_TOKEN": "r",
        "ASC_INTEGRATED_AT": "2026-02-01T00:00:00+01:00",
        "ASC_AMAZON_PAGE_SIZE": "20",
    }
    config = load_config(None, env=env)
    store = config.store("Main")
    assert (store.amazon_endpoint, store.lwa_endpoint, store.magento_url) == (
        "http://sp.test",
        "http://lwa.test",
        "http://m.test",
    )
    assert store.integrated_at == datetime(2026, 1, 31, 23, tzinfo=UTC)
    assert config.page_size == 20
    assert config.database == tmp_path / "asc-connector.sqlite3"
    assert config.clock_url is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("database = [", "is not valid TOML"),
        ("colour = 'blue'", "unknown key(s) ['colour'] at top level"),
        ("[amazon]\nendpoint = 'ftp://x'\n[[stores]]\nname='A'\nrefresh_token='r'", "must be an http(s) URL"),
        ("[[stores]]\nname = 'A'\nrefresh_token = 'r'", "store 'A': amazon client_id is missing"),
        ("[[stores]]\nrefresh_token = 'r'", "stores[0].name is required"),
        ("[amazon]\npage_size = 500", "page_size must be an integer from 1 to 100"),
        ("[amazon]\norders_api = 'v1'", "orders_api must be one of v0, 2026-01-01"),
        ("clock_url = 'nowhere'", "clock_url must be an http(s) URL"),
        (CREDENTIALS + "[[stores]]\nname='A'\nrefresh_token='r'\nintegrated_at='then'", "must be an ISO 8601 instant"),
        ("[[stores]]\nname='A'\n[stores.orders]\ncolour='x'", "bad order settings: unknown order setting"),
        ("[[stores]]\nname='A'\n[stores.orders]\ncustomer_mode='x'", "customer_mode must be one of"),
        (CREDENTIALS + "[[stores]]\nname='A'\nrefresh_token='r'\n[[stores]]\nname='A'\nrefresh_token='r'", "twice"),
        ("stores = 'A'", "stores must be a list"),
        ("http_timeout = 0", "http_timeout must be more than 0"),
        ("http_timeout = 'soon'", "http_timeout must be a number, got a string ('soon')"),
        ("http_timeout = true", "http_timeout must be a number, got a boolean (true)"),
        ("http_timeout = nan", "http_timeout must be more than 0 and at most 600 seconds, got nan"),
        ("database = 1", "database must be a string, got an integer (1)"),
        ("clock_token = 5", "clock_token must be a string, got an integer (5)"),
        ("clock_url = ['http://x']", "clock_url must be a string, got a list"),
        ("amazon = 'x'", "amazon must be a table, got a string ('x')"),
        ("magento = 1", "magento must be a table, got an integer (1)"),
        ("[amazon]\ncolour = 'x'", "unknown key(s) ['colour'] at [amazon]"),
        ("[magento]\nport = 1", "unknown key(s) ['port'] at [magento]"),
        ("[amazon]\npage_size = '50'", "amazon.page_size must be an integer, got a string ('50')"),
        ("[amazon]\npage_size = true", "amazon.page_size must be an integer, got a boolean (true)"),
        ("[amazon]\npage_size = 1.5", "amazon.page_size must be an integer, got a number (1.5)"),
        ("[amazon]\nclient_id = 7", "amazon.client_id must be a string, got an integer (7)"),
        ("[amazon]\norders_api = 0", "amazon.orders_api must be a string"),
        ("[magento]\npassword = 1234", "magento.password must be a string, got an integer (1234)"),
        ("stores = [1]", "stores[0] must be a table, got an integer (1)"),
        ("[[stores]]\nname = 5", "stores[0].name must be a string, got an integer (5)"),
        ("[[stores]]\nname = 'A'\nmarketplace_id = 123", "stores[0].marketplace_id must be a string, got an integer"),
        ("[[stores]]\nname = 'A'\nrefresh_token = 1", "stores[0].refresh_token must be a string"),
        ("[[stores]]\nname = 'A'\nwebsite_code = false", "stores[0].website_code must be a string, got a boolean"),
        ("[[stores]]\nname = 'A'\nseller_id = 1", "stores[0].seller_id must be a string"),
        ("[[stores]]\nname = 'A'\nmagento_url = 1", "stores[0].magento_url must be a string"),
        ("[[stores]]\nname = 'A'\nintegrated_at = 2026-01-05", "integrated_at must be a string or a date-time"),
        ("[[stores]]\nname = 'A'\norders = 'x'", "stores[0].orders must be a table, got a string ('x')"),
        ("[[stores]]\nname = 'A'\ncolour = 'x'", "unknown key(s) ['colour'] at stores[0]"),
        ("[[stores]]\nname='A'\n[stores.orders]\nimport_enabled='false'", "must be true or false, got 'false'"),
        ("[[stores]]\nname='A'\n[stores.orders]\nimport_enabled=0", "import_enabled must be true or false, got 0"),
        ("[[stores]]\nname='A'\n[stores.orders]\nstore_view_code=5", "store_view_code must be a string or null, got 5"),
        ("[[stores]]\nname='A'\n[stores.orders]\nreserve=true", "reserve must be a string, got True"),
        ("[[stores]]\nname='" + "A" * 241 + "'", "stores[0].name must be at most 200 characters, got 241"),
        ("[[stores]]\nname=' A'", "stores[0].name must not start or end with spaces"),
        ("[[stores]]\nname='   '", "stores[0].name is required"),
        ('[[stores]]\nname="A\\tB"', "stores[0].name must be printable characters only"),
        ("", "stores: no store is configured"),
        (CREDENTIALS, "stores: no store is configured"),
        ("stores = []", "stores: no store is configured"),
    ],
)
def test_a_bad_configuration_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, text), env={})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stores": [{"name": "A", "orders": {"import_enabled": "false"}}]}, "import_enabled must be true or false"),
        ({"amazon": {"page_size": 50.0}}, "amazon.page_size must be an integer, got a number (50.0)"),
        ({"stores": [{"name": None}]}, "stores[0].name must be a string, got null"),
        ({"stores": {"name": "A"}}, "stores must be a list, got a table"),
        ({}, "stores: no store is configured"),
    ],
)
def test_a_bad_json_configuration_is_one_clear_error(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, json.dumps(data), "c.json"), env={})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_null_is_a_value_of_the_optional_order_settings(tmp_path: Path) -> None:
    data = json.loads(json.dumps({"stores": [{"name": "A", "refresh_token": "r"}]}))
    data["stores"][0]["orders"] = {"store_view_code": None, "order_status": None, "import_enabled": False}
    text = CREDENTIALS.replace("'", '"')
    path = _write(tmp_path, text + '[[stores]]\nname = "A"\nrefresh_token = "r"\n', "c.toml")
    assert load_config(path, env={}).orders["A"] == {}
    path = _write(tmp_path, json.dumps({**_json_credentials(), **data}), "c.json")
    assert load_config(path, env={}).orders["A"] == data["stores"][0]["orders"]


def _json_credentials() -> dict[str, object]:
    return {
        "amazon": {"client_id": "c", "client_secret": "s"},
        "magento": {"url": "http://m.test", "username": "u", "password": "p"},
    }


ENV_STORE = {
    "ASC_LWA_CLIENT_ID": "c",
    "ASC_LWA_CLIENT_SECRET": "s",
    "ASC_MAGENTO_URL": "http://m.test",
    "ASC_MAGENTO_USERNAME": "u",
    "ASC_MAGENTO_PASSWORD": "p",
    "ASC_STORE_NAME": "Main",
    "ASC_REFRESH_TOKEN": "r",
}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ASC_AMAZON_PAGE_SIZE": "ten"}, "ASC_AMAZON_PAGE_SIZE must be an integer, got 'ten'"),
        ({"ASC_AMAZON_PAGE_SIZE": "2.5"}, "ASC_AMAZON_PAGE_SIZE must be an integer, got '2.5'"),
        ({"ASC_AMAZON_PAGE_SIZE": "0"}, "page_size must be an integer from 1 to 100, got 0"),
        ({"ASC_HTTP_TIMEOUT": "soon"}, "ASC_HTTP_TIMEOUT must be a number, got 'soon'"),
        ({"ASC_HTTP_TIMEOUT": "inf"}, "http_timeout must be more than 0 and at most 600 seconds, got inf"),
        ({"ASC_ORDERS_API": "v9"}, "orders_api must be one of v0, 2026-01-01, got 'v9'"),
        ({"ASC_STORE_NAME": "S" * 300}, "stores[0].name must be at most 200 characters, got 300"),
        ({"ASC_STORE_NAME": "Main\x00"}, "stores[0].name must be printable characters only"),
        ({"ASC_INTEGRATED_AT": "yesterday"}, "store 'Main': integrated_at must be an ISO 8601 instant"),
        ({"ASC_CLOCK_URL": "nowhere"}, "clock_url must be an http(s) URL"),
        ({"ASC_STORE_NAME": "", "ASC_REFRESH_TOKEN": ""}, "stores: no store is configured"),
    ],
)
def test_a_bad_variable_is_one_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, env={**ENV_STORE, **env})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ASC_DATABSE": "x.db"}, "ASC_DATABSE: unknown ASC_* environment variable (did you mean ASC_DATABASE?)"),
        ({"ASC_COLOUR": "blue"}, "ASC_COLOUR: unknown ASC_* environment variable"),
        ({"ASC_PAGE_SIZE": "10"}, "(did you mean ASC_AMAZON_PAGE_SIZE?)"),
    ],
)
def test_an_unknown_asc_variable_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, env={**ENV_STORE, **env})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_kits_other_variables_may_share_the_environment() -> None:
    others = {"ASC_KILL_AT": "", "ASC_DRIVER_TOKEN": "t", "ASC_CRASH_FULL": "1", "ASC_VENDOR_DIR": "/v"}
    assert load_config(None, env={**ENV_STORE, **others}).store("Main").refresh_token == "r"


def test_an_unknown_variable_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var, value in {**ENV_STORE, "ASC_MAGENTO_USER": "u"}.items():
        monkeypatch.setenv(var, value)
    assert main(["sync"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "python -m reference_impl: configuration error: ASC_MAGENTO_USER: unknown ASC_* environment variable"
        " (did you mean ASC_MAGENTO_USERNAME?)\n"
    )


def test_a_variable_over_a_file_that_is_not_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^amazon must be a table \(\[amazon\]\), got a string"):
        load_config(_write(tmp_path, "amazon = 'x'"), env={"ASC_LWA_CLIENT_ID": "c"})


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read configuration file .*nope\.toml"):
        load_config(tmp_path / "nope.toml", env={})


def test_the_command_line_reports_a_bad_config_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(_write(tmp_path, "colour = 1")), "sync"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m reference_impl: configuration error: unknown key(s) ['colour']")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "text",
    [
        "[[stores]]\nname='" + "A" * 300 + "'\nrefresh_token='r'",
        "[[stores]]\nname='A'\nrefresh_token='r'\n[stores.orders]\nimport_enabled='false'",
        "[amazon]\npage_size='50'",
        "",
    ],
)
def test_every_configuration_error_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    assert main(["--config", str(_write(tmp_path, CREDENTIALS + text)), "sync"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m reference_impl: configuration error: ")
    assert err.count("\n") == 1
    assert not (tmp_path / "asc-connector.sqlite3").exists()  # nothing was started


def test_long_store_names_integrate_and_sync(tmp_path: Path, live_sims) -> None:  # type: ignore[no-untyped-def]
    name = "Ä" * 200  # the longest name the configuration takes
    path = _live_config(tmp_path, live_sims).read_text().replace('name = "Main"', f'name = "{name}"')
    connector = open_connector(load_config(_write(tmp_path, path), env={}))
    try:
        longer = "B" * 300  # the driver protocol takes any name: its lock file still has a usable name
        connector.integrate_store(replace(connector.store_config(name), name=longer))
        results = connector.sync()
        assert [results[n].get("errors") for n in (name, longer)] == [[], []]
    finally:
        connector.close()


def test_an_unreachable_clock_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(_write(tmp_path, TOML)), "integrate"]) == 3  # nothing listens on port 9
    err = capsys.readouterr().err
    assert err.startswith("python -m reference_impl: clock error: clock http://127.0.0.1:9/_sim/clock unreachable")


def test_the_http_clock_agrees_with_the_simulators_and_sleeps_by_advancing(live_sims) -> None:  # type: ignore[no-untyped-def]
    clock = HttpClock(f"{live_sims.amazon_url}/_sim/clock")
    start = live_sims.sandbox.clock.now()
    assert clock.now() == start
    clock.sleep(90)
    assert live_sims.sandbox.clock.now() == start + timedelta(seconds=90)
    assert clock.now() == start + timedelta(seconds=90)
    with pytest.raises(ClockError, match="did not answer"):
        HttpClock(f"{live_sims.amazon_url}/_sim/journal").now()


def _live_config(tmp_path: Path, sims, magento_url: str | None = None, settings: str = "") -> Path:  # type: ignore[no-untyped-def]
    return _write(
        tmp_path,
        f"""
clock_url = "{sims.amazon_url}/_sim/clock"
database = "c.db"
[amazon]
endpoint = "{sims.amazon_url}"
lwa_endpoint = "{sims.amazon_url}"
client_id = "{DEFAULT_CLIENT_ID}"
client_secret = "{DEFAULT_CLIENT_SECRET}"
[magento]
url = "{magento_url or sims.magento_url}"
username = "admin"
password = "admin123"
[[stores]]
name = "Main"
refresh_token = "{DEFAULT_REFRESH_TOKEN}"
{settings}
""",
    )


def test_stores_are_integrated_once_and_follow_config_changes(tmp_path: Path, live_sims) -> None:  # type: ignore[no-untyped-def]
    clock = live_sims.sandbox.clock
    integrated_at = clock.now()
    connector = open_connector(load_config(_live_config(tmp_path, live_sims), env={}))
    assert connector.store_config("Main").integrated_at == integrated_at  # the simulated clock's now
    connector.close()
    clock.advance(3600)
    moved = _live_config(tmp_path, live_sims, "http://127.0.0.1:1", "[stores.orders]\nimport_enabled = false")
    connector = open_connector(load_config(moved, env={}))
    try:
        assert connector.store_config("Main").integrated_at == integrated_at  # kept
        assert connector.store_config("Main").magento_url == "http://127.0.0.1:1"  # followed
        assert connector.settings("Main").import_enabled is False
    finally:
        connector.close()


def test_cron_repeats_on_the_configured_clock(tmp_path: Path, live_sims, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    live_sims.sandbox.magento.create_product("SKU-1", qty=5)
    path = _live_config(tmp_path, live_sims)
    assert main(["--config", str(path), "integrate"]) == 0
    start = live_sims.sandbox.clock.now()
    live_sims.sandbox.clock.advance(30)
    order = live_sims.sandbox.amazon.create_order(items=[{"sku": "SKU-1"}], status="Unshipped")
    assert main(["--config", str(path), "cron", "--every", "300", "--times", "3"]) == 0
    assert live_sims.sandbox.clock.now() == start + timedelta(seconds=30 + 600)
    assert len(live_sims.sandbox.magento.orders_for_amazon_id(order.amazon_order_id)) == 1
    capsys.readouterr()
    assert main(["--config", str(path), "orders", "--store", "Main"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["order_number"] for r in rows] == [order.amazon_order_id]
    assert main(["--config", str(path), "orders", "--store", "Nope"]) == 2
