"""The desktop's service calls: one POST route per allowed method, the actor from the token.

``POST /api/v1/call/plan.rounds/submit {"args": [...], "kwargs": {...}}`` runs
``services.plan.rounds.submit`` with the decoded arguments, except that every parameter annotated
``Actor`` gets the caller's actor, whatever the body says, and a ``planner`` gets this server's
own solver. The answer is ``{"result": ...}`` in the same codec; an expected error is the usual
error body plus its class and its typed parameters, so the desktop raises the same exception.
A call that names a ``search`` token can be stopped (``routes_searches``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from fieldvisit.domain.access import Actor
from fieldvisit.domain.errors import ConflictError, ValidationError
from fieldvisit.domain.progress import CancelCheck
from fieldvisit.routing.planner import PlanCancelledError
from fieldvisit.server import codec, rpc_allow, rpc_effects
from fieldvisit.server.context import ServerContext
from fieldvisit.server.schemas import Strict
from fieldvisit.server.searches import TOKEN_PATTERN
from fieldvisit.server.security import Caller, Ctx

router = APIRouter(prefix="/api/v1/call", tags=["desktop calls"])
# Parameters the server fills with its own objects; the client's callables never travel.
SERVER_SIDE = frozenset({"planner", "progress"})


class Call(Strict):
    args: list[Any] = Field(default_factory=list, description="positional, in the codec")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="by name, in the codec")
    search: str | None = Field(
        None, pattern=TOKEN_PATTERN, description="a planning call's token, to cancel it by"
    )


def target(services: object, path: str) -> Any:
    """``plan.rounds`` of the services: attributes only, along an allowed path."""
    found: Any = services
    for part in path.split("."):
        found = getattr(found, part)
    return found


def is_actor_parameter(parameter: inspect.Parameter) -> bool:
    """``actor: Actor`` or ``Actor | None`` (annotations are strings under PEP 563)."""
    annotation = parameter.annotation
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return any(part.strip() == "Actor" for part in str(text).split("|"))


def bind(
    ctx: ServerContext,
    actor: Actor,
    method: Callable[..., Any],
    body: Call,
    name: str,
    cancelled: CancelCheck | None = None,
) -> inspect.BoundArguments:
    """The decoded arguments with the caller's actor and this server's solver put in (stopped
    once ``cancelled`` says so)."""
    signature = inspect.signature(method)
    args = [codec.decode(value) for value in body.args]
    kwargs = {key: codec.decode(value) for key, value in body.kwargs.items()}
    try:
        bound = signature.bind_partial(*args, **kwargs)
    except TypeError as exc:
        raise ValidationError("server.error.rpc_arguments", method=name, reason=str(exc)) from exc
    for key, parameter in signature.parameters.items():
        if is_actor_parameter(parameter):
            bound.arguments[key] = actor  # never the body's: the token decides who acts
        elif key == "planner":
            solver = ctx.services.plan.solver
            if cancelled is not None:
                solver = functools.partial(solver, cancelled=cancelled)
            bound.arguments[key] = solver
        elif key in SERVER_SIDE:
            bound.arguments.pop(key, None)
        elif isinstance(bound.arguments.get(key), Actor):
            raise ValidationError("server.error.rpc_arguments", method=name, reason=key)
    try:
        signature.bind(*bound.args, **bound.kwargs)  # every required argument is there
    except TypeError as exc:
        raise ValidationError("server.error.rpc_arguments", method=name, reason=str(exc)) from exc
    return bound


def _endpoint(service: str, method_name: str) -> Callable[..., Any]:
    name = f"{service}.{method_name}"

    # A plain ``def``: FastAPI runs it in the thread pool, so the event loop stays free.
    def call(body: Call, actor: Caller, ctx: Ctx) -> dict[str, Any]:
        method = getattr(target(ctx.services, service), method_name)
        with ctx.searches.running(body.search, actor.user_id) as cancelled:
            bound = bind(ctx, actor, method, body, name, cancelled)
            try:
                result = method(*bound.args, **bound.kwargs)
            except PlanCancelledError as exc:
                raise ConflictError("server.error.search_cancelled") from exc
        rpc_effects.after(ctx, actor, name, bound.arguments, result)
        return {"result": codec.encode(result)}

    call.__name__ = f"call_{service.replace('.', '_')}_{method_name}"
    call.__doc__ = f"Runs ``services.{name}`` as the signed-in user."
    return call


for _service, _method in rpc_allow.allowed_methods():
    router.add_api_route(
        f"/{_service}/{_method}",
        _endpoint(_service, _method),
        methods=["POST"],
        name=f"{_service}.{_method}",
    )
