"""``asc-conformance``: run the suite against a connector, list the rules, serve the simulators."""

from __future__ import annotations

import argparse
import secrets
import sys
import threading
from collections.abc import Sequence

import pytest
from _pytest.mark.expression import Expression

from features import FEATURES_DIR
from harness import mutation
from harness.impl import ImplError, resolve
from harness.rules import PROFILES, catalogue, scenarios_by_tag


def _workers(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of workers or auto, got {value!r}") from None
    if count < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {count}")
    return count


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asc-conformance", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the conformance suite against a connector")
    run.add_argument("--impl", default="reference", help="entry-point name, module:factory or http://host:port")
    run.add_argument("--profile", default="strict", help="core, documented or strict (default)")
    run.add_argument("--tags", default=None, help='tag expression, e.g. "IMP-01 or BLK-02"')
    run.add_argument("--seed", type=int, default=0, help="seed of generated buyers and order IDs")
    run.add_argument(
        "-n", "--workers", type=_workers, default=0, help="pytest-xdist workers (0: one process; auto: by CPUs)"
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
    serve.add_argument("--port", type=int, default=0, help="port of the first service (0: any free port)")
    serve.add_argument(
        "--clock",
        choices=["simulated", "real"],
        default="simulated",
        help="simulated (default: stands still until the control plane moves it) or real (the system time, for "
        "outside clients running in real time; the control plane can still move it forward)",
    )
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"asc-conformance: error: {message}", file=sys.stderr)
    return code


def cmd_run(args: argparse.Namespace) -> int:
    if args.profile not in PROFILES:
        return _fail(f"unknown profile {args.profile!r}; choose one of {', '.join(PROFILES)}")
    if args.tags:
        try:
            Expression.compile(args.tags)
        except SyntaxError as err:
            return _fail(f"malformed tag expression {args.tags!r}: {err}")
        unknown = [
            w
            for w in args.tags.replace("(", " ").replace(")", " ").split()
            if w not in {"and", "or", "not"} and w not in catalogue() and w not in scenarios_by_tag()
        ]
        if unknown:
            return _fail(f"unknown rule ID(s) or tag(s) in --tags: {', '.join(unknown)}")
    try:
        resolve(args.impl)
    except ImplError as err:
        return _fail(str(err))
    argv = [
        str(FEATURES_DIR),
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(FEATURES_DIR),
        "-c",
        str(FEATURES_DIR / "pytest.ini"),  # the suite's own ini: it runs the same anywhere
        "-q",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",  # this command imported the harness before pytest
        "--asc-impl",
        args.impl,
        "--asc-profile",
        args.profile,
        "--asc-seed",
        str(args.seed),
    ]
    if args.tags:
        argv += ["-m", args.tags]
    if args.workers:
        argv += ["-n", str(args.workers)]
    if args.live:
        argv.append("--asc-live")
    if args.report_dir:
        argv += ["--asc-report-dir", args.report_dir]
    code = int(pytest.main(argv))
    return 0 if code == 0 else 1


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
    servers = []
    for index, name in enumerate(wanted):
        port = args.port + index if args.port else 0
        server = LiveServer(apps[name], host=args.host, port=port).start()
        servers.append(server)
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


def _serve_connector(args: argparse.Namespace) -> int:
    """The reference connector over the HTTP driver protocol: ``asc-conformance run --impl <printed URL>``."""
    from reference_impl.driver_server import make_driver_server, server_url

    try:
        server = make_driver_server(args.host, args.port)
    except OSError as err:
        return _fail(f"cannot listen on {args.host}:{args.port}: {err.strerror}")
    print(f"connector: {server_url(server)}  (driver protocol; run --impl {server_url(server)})", flush=True)
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
    args = _parser().parse_args(argv)
    handler = {"run": cmd_run, "rules": cmd_rules, "serve": cmd_serve, "mutants": mutation.run}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
