"""``fieldvisit serve --db URL``: the team server, sole holder of the database URL and audit key.

TLS (``--cert`` and ``--key``) is required unless the server listens on loopback only (behind a
reverse proxy that terminates TLS on the same machine, or for tests). The schema must already be
current: migrations run only by ``fieldvisit db upgrade`` as the owner role.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldvisit.domain.errors import DatabaseError, ValidationError

if TYPE_CHECKING:
    from fieldvisit.app.wiring import Backend
    from fieldvisit.domain.clock import Clock
    from fieldvisit.server.events import EventBus
    from fieldvisit.server.watcher import Watching

DEFAULT_PORT = 8765


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    serve = commands.add_parser("serve", help="run the team server (HTTP API)", parents=[common])
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--cert", type=Path, help="TLS certificate (PEM); needed off loopback")
    serve.add_argument("--key", type=Path, help="TLS private key (PEM)")
    serve.add_argument("--audit-key", type=Path, help="the audit HMAC key file")
    serve.add_argument(
        "--watch-interval", type=float, default=5.0, help="seconds between watcher passes"
    )
    serve.add_argument("--no-watcher", action="store_true", help="never run the safety watcher")
    serve.add_argument("--clock-file", type=Path, help=argparse.SUPPRESS)  # tests move time
    serve.add_argument("--log-level", default="warning")
    serve.set_defaults(handler=serve_api)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_tls(args: argparse.Namespace) -> None:
    """Both or neither of cert and key; neither only on loopback."""
    if (args.cert is None) != (args.key is None):
        raise ValidationError("server.error.tls_pair")
    if args.cert is None and not is_loopback(args.host):
        raise ValidationError("server.error.tls_required", host=args.host)
    for path in (args.cert, args.key):
        if path is not None and not path.is_file():
            raise ValidationError("server.error.tls_file", path=str(path))


def serve_api(args: argparse.Namespace) -> int:
    import uvicorn

    check_tls(args)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    app = build_app(args)
    print(
        f"fieldvisit serve: {'https' if args.cert else 'http'}://{args.host}:{args.port}",
        flush=True,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=str(args.cert) if args.cert else None,
        ssl_keyfile=str(args.key) if args.key else None,
        log_level=args.log_level,
        # Longer than a client's or a proxy's idle pool, so the server never closes a connection
        # at the instant a client reuses it.
        timeout_keep_alive=75,
        proxy_headers=True,  # the client's address from a reverse proxy on this machine
        forwarded_allow_ips="127.0.0.1",
    )
    return 0


def clock_of(clock_file: Path | None) -> Clock:
    """The wall clock, or the test clock file a test moves from outside."""
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.server.clock import FileClock

    return system_clock if clock_file is None else FileClock(clock_file)


def build_app(args: argparse.Namespace) -> Any:
    """The ASGI app over the database of ``--db``, opened through the wiring module."""
    import os

    from fieldvisit.app.wiring import db_url, open_audit, open_backend
    from fieldvisit.routing.runner import solve_in_subprocess
    from fieldvisit.server.app import create_app
    from fieldvisit.server.context import ServerContext
    from fieldvisit.server.events import EventBus
    from fieldvisit.server.silence import SilenceMonitor
    from fieldvisit.services.field.watch import default_watcher_id
    from fieldvisit.storage import migrate

    clock = clock_of(args.clock_file)
    url = db_url(args)
    audit = open_audit(url, clock, args.audit_key) if args.audit_key else None
    backend = open_backend(url, clock=clock, upgrade=False, audit=audit, solver=solve_in_subprocess)
    engine = backend.database.engine
    with engine.connect() as connection:
        found = migrate.current_revision(connection)
    if found != migrate.head_revision():
        backend.close()
        raise DatabaseError("server.error.schema", found=found or "-", head=migrate.head_revision())
    services = backend.services
    origin = f"{default_watcher_id()}:{os.urandom(3).hex()}"
    bus = EventBus(engine, origin)
    watcher = None if args.no_watcher else _watcher(args, backend, bus, clock)
    silence = SilenceMonitor(services.notify.health, bus, clock, interval=args.watch_interval)
    ctx = ServerContext(services, engine, bus, _solve_document, watcher, silence=silence)
    return create_app(ctx)


def _watcher(args: argparse.Namespace, backend: Backend, bus: EventBus, clock: Clock) -> Watching:
    """On PostgreSQL a child process (alarms reach every stream by NOTIFY); on SQLite a thread,
    since one server's streams hear only what its own process publishes."""
    import os

    from fieldvisit.app.watcher_process import WatcherProcess, WatcherSettings
    from fieldvisit.server.watcher import LeaderWatcher

    if bus.shared:
        settings = WatcherSettings(
            backend.url,
            args.audit_key,
            args.clock_file,
            args.watch_interval,
            args.log_level,
            os.getpid(),
        )
        return WatcherProcess(settings)
    return LeaderWatcher(
        backend.database.engine,
        backend.watcher(),
        bus.publish,
        interval=args.watch_interval,
        clock=clock,
    )


def _solve_document(raw: Any) -> dict[str, Any]:
    from fieldvisit.app.solve.reading import parse_problem
    from fieldvisit.app.solve.run import solve
    from fieldvisit.routing.planner import solve as plan_routes

    return solve(parse_problem(raw), lambda routing, budget: plan_routes(routing, budget))
