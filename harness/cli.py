"""``asc-conformance``: run the suite against a connector, list the rules, serve the simulators.

Every bad input stops the command before any scenario runs, with one line on stderr and exit status 2.
Options after ``--`` in ``run`` go to pytest as they are (``run -- -x --maxfail 2 --tb short``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import secrets
import sys
import threading
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, entry_points, version
from typing import NoReturn, TypeVar

from harness import mutation
from harness.rules import PROFILES, catalogue, scenarios_by_tag
from harness.suite_run import fail as _fail
from harness.suite_run import run_suite

_Server = TypeVar("_Server")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage block): ``asc-conformance run: error: ...``, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _tool_version() -> str:
    try:
        return version("asc-conformance")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def _workers(text: str) -> str:
    """``-n``: a number of workers (0: one process) or ``auto`` (one per CPU)."""
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of workers or 'auto', got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more workers, got {value}")
    return str(value)


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0..65535 (0: any free port), got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="asc-conformance", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_tool_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser(
        "run",
        help="run the conformance suite against a connector",
        usage="%(prog)s [options] [-- PYTEST_OPTIONS...]",
        epilog="Options after -- go to pytest as they are, e.g. -- -x --maxfail 2 --tb short.",
    )
    run.add_argument("--impl", default="reference", help="entry-point name, module:factory or http://host:port")
    run.add_argument("--profile", default="strict", help="core, documented or strict (default)")
    run.add_argument("--tags", default=None, help='tag expression, e.g. "IMP-01 or BLK-02"')
    run.add_argument("--seed", type=_seed, default=0, help="seed of generated buyers and order IDs")
    run.add_argument(
        "-n", "--workers", type=_workers, default="0", help="pytest-xdist workers (0: one process; auto: one per CPU)"
    )
    run.add_argument(
        "--report-dir", default=None, help="write conformance.json, junit.xml, cucumber.json and report.html here"
    )
    run.add_argument("--live", action="store_true", help="serve the simulators on loopback ports")
    rules = sub.add_parser("rules", help="list the rule catalogue")
    rules.add_argument("--profile", default="strict")
    serve = sub.add_parser("serve", help="serve the simulators, or the reference connector's driver, on loopback")
    serve.add_argument(
        "service",
        choices=["amazon", "magento", "all", "connector"],
        nargs="?",
        default="all",
        help="all (default: both simulators), amazon, magento, or connector (the HTTP driver of the reference)",
    )
    mutation.add_arguments(sub.add_parser("mutants", help="run the suite against the mutant connectors (kill matrix)"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=0, help="port of the first service (0: any free port)")
    serve.add_argument(
        "--clock",
        choices=["simulated", "real"],
        default="simulated",
        help="simulated (default: stands still until the control plane moves it) or real (the system time, for "
        "outside clients running in real time; the control plane can still move it forward)",
    )
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    return run_suite(
        args.impl,
        profile=args.profile,
        tags=args.tags,
        seed=args.seed,
        workers=args.workers,
        report_dir=args.report_dir,
        live=args.live,
        pytest_args=args.pytest_args,
    )


def cmd_rules(args: argparse.Namespace) -> int:
    if args.profile not in PROFILES:
        return _fail(f"unknown profile {args.profile!r}; choose one of {', '.join(PROFILES)}")
    scenarios = _scenarios_by_rule()
    for rule in catalogue().values():
        if rule.level not in PROFILES[args.profile]:
            continue
        names = scenarios.get(rule.id, [])
        print(f"{rule.id:<8} {rule.level:<10} {rule.statement}")
        for name in names:
            print(f"{'':<8} - {name}")
        if not names:
            print(f"{'':<8} - (no scenario)")
    return 0


def _scenarios_by_rule() -> dict[str, list[str]]:
    return scenarios_by_tag()


def cmd_serve(args: argparse.Namespace) -> int:
    if args.service == "connector":
        return _serve_connector(args)
    from simulators import SandboxRegistry
    from simulators.amazon.auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN
    from simulators.amazon.model import DEFAULT_SELLER
    from simulators.amazon.wire import AmazonApp
    from simulators.magento.wire import MagentoApp
    from simulators.transport import LiveServer

    token = None if args.host in {"127.0.0.1", "localhost", "::1"} else secrets.token_urlsafe(24)
    registry = SandboxRegistry(real_clock=args.clock == "real")
    apps = {"amazon": AmazonApp(registry, control_token=token), "magento": MagentoApp(registry, control_token=token)}
    wanted = list(apps) if args.service == "all" else [args.service]
    ports = {name: args.port + index if args.port else 0 for index, name in enumerate(wanted)}
    if max(ports.values()) > 65535:
        return _fail(f"--port {args.port}: serving {' and '.join(wanted)} needs {len(wanted)} ports from it")
    servers = []
    for name in wanted:  # bind every port before serving any, so a port in use stops everything
        try:
            servers.append(_bind(functools.partial(LiveServer, apps[name], host=args.host, port=ports[name])))
        except OSError as err:
            for bound in servers:
                bound.stop()
            return _fail(f"cannot listen on {args.host}:{ports[name]} for {name}: {err}")
    for name, server in zip(wanted, servers, strict=True):
        server.start()
        print(f"{name}: {server.url}  (control plane: {server.url}/_sim/)", flush=True)
    if token:
        print(f"control plane token (header X-Sim-Control-Token): {token}", flush=True)
    if "amazon" in wanted:
        print(
            f"Amazon LWA: client_id={DEFAULT_CLIENT_ID} client_secret={DEFAULT_CLIENT_SECRET} "
            f"refresh_token={DEFAULT_REFRESH_TOKEN} (seller {DEFAULT_SELLER})",
            flush=True,
        )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.stop()
    return 0


def _bind(make: Callable[[], _Server]) -> _Server:
    """Build a werkzeug server; its bind errors (printed, then ``sys.exit(1)``) come back as one OSError."""
    told = io.StringIO()
    try:
        with contextlib.redirect_stderr(told):
            return make()
    except SystemExit:
        raise OSError(" ".join(told.getvalue().split()) or "the address cannot be bound") from None
    except (OSError, OverflowError) as err:
        raise OSError(getattr(err, "strerror", None) or str(err)) from err


#: Entry-point group of connectors that serve the HTTP driver protocol: ``name = "module:make_server"``, where
#: ``make_server(host, port)`` returns a werkzeug server, not started, whose ``app`` has ``token`` and ``close()``.
DRIVER_SERVERS = "asc_conformance.driver_servers"


def _serve_connector(args: argparse.Namespace) -> int:
    """The reference connector over the HTTP driver protocol: ``asc-conformance run --impl <printed URL>``."""
    found = [ep for ep in entry_points(group=DRIVER_SERVERS) if ep.name == "reference"]
    if not found:
        return _fail(f"no 'reference' driver server in the {DRIVER_SERVERS} entry points (pip install -e . again)")
    make_server = found[0].load()
    try:
        server = _bind(lambda: make_server(args.host, args.port))
    except OSError as err:
        return _fail(f"cannot listen on {args.host}:{args.port}: {err}")
    host, port = server.server_address[:2]
    url = f"http://{host if ':' not in str(host) else f'[{host}]'}:{port}"
    print(f"connector: {url}  (driver protocol; run --impl {url})", flush=True)
    if server.app.token:
        print(f"driver token (header X-Driver-Token; ASC_DRIVER_TOKEN for run): {server.app.token}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.app.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    passed: list[str] = []
    if "--" in argv:  # everything after the first "--" is pytest's
        index = argv.index("--")
        argv, passed = argv[:index], argv[index + 1 :]
    args = _parser().parse_args(argv)
    if passed and args.command != "run":
        return _fail(f"options after -- go to pytest and only 'run' takes them, not {args.command!r}")
    args.pytest_args = passed
    handler = {"run": cmd_run, "rules": cmd_rules, "serve": cmd_serve, "mutants": mutation.run}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
