"""``fieldvisit notify``: who an alarm reaches at which step, their servers, drills, outages."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fieldvisit.app.wiring import Backend, command_backend
from fieldvisit.i18n import translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    notify = commands.add_parser(
        "notify", help="who an alarm reaches, at which step, by which channel", parents=[common]
    )
    actions = notify.add_subparsers(dest="notify_command", metavar="ACTION", required=True)
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--user", required=True, help="who makes the change (audited)")
    who.add_argument("--team", required=True, metavar="CODE", help="team code")
    who.add_argument("--audit-key", type=Path, default=None, metavar="PATH")
    routes = actions.add_parser("routes", help="list the team's recipients", parents=[common, who])
    routes.set_defaults(handler=run_routes)
    step = actions.add_parser(
        "set-step", help="replace the recipients of one ladder step", parents=[common, who]
    )
    step.add_argument("--step", type=int, required=True)
    step.add_argument("--email", action="append", default=[], metavar="ADDRESS")
    step.add_argument("--sms", action="append", default=[], metavar="PHONE", help="via webhook")
    step.add_argument("--push", action="store_true", help="push to the team's Safety board")
    step.set_defaults(handler=run_set_step)
    channels = actions.add_parser(
        "channels", help="the team's SMTP server and gateway (admin)", parents=[common, who]
    )
    channels.add_argument("--smtp-host")
    channels.add_argument("--smtp-port", type=int, default=25)
    channels.add_argument("--smtp-security", choices=("none", "starttls", "tls"), default="none")
    channels.add_argument("--smtp-from")
    channels.add_argument("--smtp-username")
    channels.add_argument("--smtp-password-env", metavar="VAR", help="env variable, not a value")
    channels.add_argument("--webhook-url")
    channels.add_argument("--language", choices=("zh", "en"), default="zh")
    channels.set_defaults(handler=run_channels)
    secret = actions.add_parser(
        "new-secret", help="a new webhook signing secret (admin)", parents=[common, who]
    )
    secret.set_defaults(handler=run_new_secret)
    drill = actions.add_parser(
        "drill", help="send a test notice to every recipient now", parents=[common, who]
    )
    drill.set_defaults(handler=run_drill)
    outages = actions.add_parser(
        "outages", help="watchers that went silent; --ack to acknowledge one", parents=[common]
    )
    outages.add_argument("--user", required=True, help="the safety lead or a manager")
    outages.add_argument("--ack", type=int, default=None, metavar="ID")
    outages.add_argument("--audit-key", type=Path, default=None, metavar="PATH")
    outages.set_defaults(handler=run_outages)


def _backend(args: argparse.Namespace) -> Backend:
    return command_backend(args, audit_key=args.audit_key)


def _who(backend: Backend, args: argparse.Namespace) -> tuple[Any, int]:
    from fieldvisit.services.field.safety_users import actor_by_username

    services = backend.services
    actor = actor_by_username(services.safety, args.user)
    return actor, services.notify.config.team_id(args.team)


def run_routes(args: argparse.Namespace) -> int:
    with _backend(args) as backend:
        actor, team = _who(backend, args)
        for view in backend.services.notify.config.routes(actor, team):
            audience = translate(f"safety.audience.{view.audience}", args.lang)
            state = "" if view.active else translate("notify.cli.off", args.lang)
            print(f"{view.step}\t{audience}\t{view.channel.value}\t{view.address or '*'}\t{state}")
        silent = backend.services.notify.config.silent_steps(actor, team)
    for step in silent:
        print(translate("notify.cli.silent_step", args.lang, step=step), file=sys.stderr)
    return 0


def run_set_step(args: argparse.Namespace) -> int:
    from fieldvisit.domain.notify_rules import NotifyChannel, Route

    routes = [Route(args.step, NotifyChannel.EMAIL, a) for a in args.email]
    routes += [Route(args.step, NotifyChannel.WEBHOOK, p) for p in args.sms]
    if args.push:
        routes.append(Route(args.step, NotifyChannel.PUSH))
    with _backend(args) as backend:
        actor, team = _who(backend, args)
        backend.services.notify.config.set_step(actor, team, args.step, routes)
    print(translate("notify.cli.saved", args.lang, step=args.step, count=len(routes)))
    return 0


def run_channels(args: argparse.Namespace) -> int:
    from fieldvisit.services.field.notify_config import ChannelSettings

    settings = ChannelSettings(
        smtp_host=args.smtp_host,
        smtp_port=args.smtp_port,
        smtp_security=args.smtp_security,
        smtp_from=args.smtp_from,
        smtp_username=args.smtp_username,
        smtp_password_env=args.smtp_password_env,
        webhook_url=args.webhook_url,
        language=args.language,
    )
    with _backend(args) as backend:
        actor, team = _who(backend, args)
        backend.services.notify.config.set_channels(actor, team, settings)
    print(translate("notify.cli.channels_saved", args.lang, team=args.team))
    return 0


def run_new_secret(args: argparse.Namespace) -> int:
    with _backend(args) as backend:
        actor, team = _who(backend, args)
        secret = backend.services.notify.config.new_webhook_secret(actor, team)
    print(translate("notify.cli.secret", args.lang, team=args.team))
    print(secret)
    return 0


def run_outages(args: argparse.Namespace) -> int:
    from fieldvisit.services.field.safety_users import actor_by_username

    with _backend(args) as backend:
        services = backend.services
        actor = actor_by_username(services.safety, args.user)
        if args.ack is not None:
            services.notify.health.acknowledge(actor, args.ack)
        zone = services.users.zone(actor.team_id)  # the reader's team's, with its offset
        for outage in services.notify.health.outages(actor):
            key = "notify.cli.outage_over" if outage.recovered_at else "notify.cli.outage"
            print(
                translate(
                    key,
                    args.lang,
                    id=outage.id,
                    watcher=outage.watcher_id,
                    at=outage.last_beat_at.astimezone(zone).isoformat(timespec="seconds"),
                )
            )
    return 0


def run_drill(args: argparse.Namespace) -> int:
    """Exit 1 when any e-mail or webhook failed (a push with no board open is not a failure)."""
    with _backend(args) as backend:
        actor, team = _who(backend, args)
        results = backend.services.notify.drill.run(actor, team)
    failed = False
    for r in results:
        key = "notify.cli.drill_ok" if r.error is None else "notify.cli.drill_failed"
        if r.error == "no_listener":
            key = "notify.cli.drill_no_listener"
        failed = failed or key == "notify.cli.drill_failed"
        address = r.address or "*"
        print(
            translate(
                key, args.lang, step=r.step, channel=r.channel, address=address, error=r.error
            )
        )
    return 1 if failed else 0
