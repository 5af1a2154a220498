"""The desktop's call routes over HTTP: the actor rule, the allow-list, the codec's refusals, and
every allowed method × every role, each answered exactly as the same service answers in-process.
"""

from __future__ import annotations

import inspect
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldvisit.app.remote_client import server_address
from fieldvisit.app.remote_services import RemoteBackend
from fieldvisit.app.wiring import Backend, open_backend, open_remote
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import AlarmKind, Role, RoundStatus
from fieldvisit.domain.errors import (
    ConflictError,
    FieldVisitError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.routing.budget import Budget
from fieldvisit.server import codec, rpc_allow
from fieldvisit.server.routes_call import is_actor_parameter, target
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.cases.queries import CaseQuery
from fieldvisit.services.field.visits import CheckIn
from fieldvisit.services.importing.service import ImportRequest
from fieldvisit.services.planning.day import DayRequest
from fieldvisit.services.records.visit_records import RecordFilter
from tests.server.support import Api, EventListener, ServerProcess, TestClock, fresh_database
from tests.services.import_files import CASE_HEADERS, case_rows, write_csv

START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
DAY = date(2026, 12, 2)
NONE = 999_999
USERS = {
    "collector": "col.sh-e.11",
    "manager": "mgr.sh-e",
    "safety_lead": "safety.lead",
    "compliance": "compliance",
    "admin": "admin",
}
STATUS: tuple[tuple[type[FieldVisitError], int], ...] = (
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (ValidationError, 422),
)
# Methods the generated matrix does not call, and why (each is exercised elsewhere).
NOT_IN_MATRIX = {
    ("plan.rounds", "save_draft"): "needs a planned round: test_two_clients",
    ("plan.rounds", "save_team"): "needs planned rounds: tests/services team planning",
    ("plan.team", "hand_out"): "needs a team plan: tests/services team planning",
    ("plan.team", "held_rounds"): "needs a team plan",
    ("plan.team", "move"): "needs a team plan",
    ("plan.replans", "apply"): "needs a proposed re-plan",
    ("plan.replans", "propose"): "needs a round under way",
    ("plan.planning", "replan"): "needs a round under way",
    ("plan.planning", "optimise"): "a search per role is slow; test_two_clients plans",
    ("plan.team", "optimise"): "a search per role is slow",
    ("eligibility", "slot_verdicts"): "needs slot requests",
    ("plan.eligibility", "slot_verdicts"): "needs slot requests",
    ("field.client", "check_out"): "needs a visit outcome: tests/server/test_workflow",
    ("field.risks", "add_note"): "needs a new risk note",
    ("org", "apply"): "needs an organisation batch: tests/app/test_cli_org",
    ("declarations", "record"): "needs declarations",
    ("policy", "save"): "needs policy settings: tests/ui/test_policy_editor",
    ("notify.config", "set_channels"): "needs channel settings",
    ("notify.drill", "run"): "sends real test messages",
    ("assignment", "undo"): "needs an assignment result",
    ("assignment", "cases_in_area"): "needs an area polygon",
}

pytestmark = pytest.mark.postgres


@dataclass
class World:
    server: ServerProcess
    url: str
    apis: dict[str, Api]
    actors: dict[str, Actor]
    here: Backend  # the same database in-process: what each call must answer
    own_case: int
    other_case: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("server")
    clock = TestClock(folder / "now", START - timedelta(minutes=20))
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        server = ServerProcess(url, folder, clock, "--no-watcher")
        apis: dict[str, Api] = {}
        here = open_backend(url, upgrade=False, audit=AuditLog(DEMO_AUDIT_KEY, FixedClock(START)))
        try:
            expired = Api.sign_in(server.base, "col.sh-e.12")  # 20 minutes ago: past 15
            clock.set(START)
            apis.update({role: Api.sign_in(server.base, name) for role, name in USERS.items()})
            actors = {
                role: here.services.auth.actor(api.get("/me").json()["id"])
                for role, api in apis.items()
            }
            apis["expired"] = expired
            apis["deactivated"] = Api.sign_in(server.base, "col.sh-e.21")
            gone = apis["deactivated"].get("/me").json()["id"]
            answer = _post(apis["admin"], "user_admin", "deactivate", [None, gone])
            assert answer.status_code == 200, answer.text
            apis["anonymous"] = Api(server.base)
            own = apis["manager"].get("/cases", params={"limit": 1}).json()["rows"][0]["id"]
            other = apis["admin"].get("/cases", params={"team_id": 2, "limit": 1}).json()
            yield World(server, url, apis, actors, here, own, other["rows"][0]["id"])
        finally:
            for api in apis.values():
                api.http.close()
            here.close()
            server.stop()


def _post(api: Api, service: str, method: str, args: list[Any], **kwargs: Any) -> httpx.Response:
    body = {"args": [codec.encode(a) for a in args], "kwargs": kwargs}
    return api.post(f"/call/{service}/{method}", json=body)


# --- the actor rule ---------------------------------------------------------------------------


def _submitted_round(world: World) -> int:
    collector = world.actors["collector"]
    services = world.here.services.plan
    plan = services.planning.optimise(
        collector, DayRequest(1, DAY, None), Budget(seconds=0.5, seed=0)
    )
    saved = services.rounds.save_draft(collector, plan, services.rounds.current_version(1, DAY))
    return services.rounds.submit(collector, saved.round_id).round_id


def test_an_actor_in_the_body_is_replaced_by_the_tokens(world: World) -> None:
    round_id = _submitted_round(world)
    manager = world.actors["manager"]
    # The collector sends the manager's actor, positionally and by name: still the collector.
    for answer in (
        _post(world.apis["collector"], "plan.rounds", "approve", [manager, round_id, "ok"]),
        _post(
            world.apis["collector"],
            "plan.rounds",
            "approve",
            [],
            actor=codec.encode(manager),
            round_id=round_id,
            reason="ok",
        ),
    ):
        assert answer.status_code == 403, answer.text
        assert answer.json()["params"]["role"] == "collector"
    detail = world.here.services.plan.rounds.detail(manager, round_id)
    assert detail.status is RoundStatus.SUBMITTED


def test_an_actor_where_no_actor_belongs_is_refused(world: World) -> None:
    manager = world.actors["manager"]
    answer = _post(world.apis["collector"], "plan.rounds", "current_version", [manager, DAY])
    assert answer.status_code == 422
    assert answer.json()["error"] == "server.error.rpc_arguments"


# --- the allow-list and the codec -----------------------------------------------------------


@pytest.mark.parametrize(
    "route",
    [
        "auth/login",  # sign-in has its own route, with lockout and tokens
        "tokens/issue",
        "tokens/refresh",
        "user_admin/bootstrap_admin",
        "retention/run",  # the owner role's job
        "safety/session_factory",
        "safety.audit/record",
        "notify.notifier/run",
        "notify.hub/publish",
        "eligibility/eligible_filter",  # returns a function
        "plan.rounds/_save",
        "imports/run",  # a table built on the client: the upload routes take the file
    ],
)
def test_a_method_off_the_allow_list_is_not_served(world: World, route: str) -> None:
    answer = world.apis["admin"].post(f"/call/{route}", json={"args": [], "kwargs": {}})
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "value",
    [
        {"$t": "dc", "c": "subprocess:Popen", "f": {"args": ["true"]}},
        {"$t": "enum", "c": "os:system", "v": "id"},
        {"$t": "dc", "c": "fieldvisit.domain.enums:Role", "f": {}},  # an enum is no dataclass
        {"$t": "enum", "c": "fieldvisit.services.cases.queries:CaseQuery", "v": 1},
    ],
)
def test_the_decoder_refuses_a_class_it_does_not_register(
    world: World, value: dict[str, Any]
) -> None:
    body = {"args": [None, value], "kwargs": {}}
    answer = world.apis["manager"].post("/call/cases/ids", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"] == "server.error.rpc_class"


def test_an_unknown_tag_or_field_is_a_clear_refusal(world: World) -> None:
    query = codec.encode(CaseQuery())
    query["f"]["owner"] = "x"
    for value in ({"$t": "pickle", "v": "gASV"}, query, {"untagged": 1}):
        answer = world.apis["manager"].post("/call/cases/ids", json={"args": [None, value]})
        assert answer.status_code == 422
        assert answer.json()["error"] == "server.error.rpc_value"


# --- who may call -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["expired", "deactivated", "anonymous"])
def test_every_call_route_needs_a_live_token_of_an_active_user(world: World, who: str) -> None:
    for service, method in [*rpc_allow.allowed_methods(), *rpc_allow.UPLOADS]:
        answer = _post(world.apis[who], service, method, [])
        assert answer.status_code == 401, f"{service}.{method}: {answer.status_code}"


def test_a_collector_reads_neither_another_teams_case_nor_unmasked_data(world: World) -> None:
    collector = world.apis["collector"]
    other = _post(collector, "case_details", "detail", [None, world.other_case])
    assert other.status_code == 404  # another team's case does not show it exists
    listed = _post(collector, "cases", "ids", [None, CaseQuery()])
    ids = codec.decode(listed.json()["result"])
    assert world.own_case in ids
    assert world.other_case not in ids
    own = codec.decode(
        _post(collector, "case_details", "detail", [None, world.own_case]).json()["result"]
    )
    assert own.masked
    full = _post(collector, "case_details", "full_detail", [None, world.own_case, "核对地址"])
    assert full.status_code == 403
    # Collectors may print their own team's records, but masked: the PDF never holds the
    # full identity number or phone that a manager's logged full view shows.
    printed = _post(collector, "records", "print_case", [None, own.case_number, "zh", "核对"])
    assert printed.status_code == 200
    text = _pdf_text(codec.decode(printed.json()["result"]))
    manager = _post(
        world.apis["manager"], "case_details", "full_detail", [None, world.own_case, "核对地址"]
    )
    assert manager.status_code == 200
    unmasked = codec.decode(manager.json()["result"])
    assert not unmasked.masked
    assert unmasked.id_number not in text
    assert unmasked.phone not in text
    assert own.id_number in text or own.case_number in text  # the PDF is the case's


def _pdf_text(pdf: bytes) -> str:
    """The text of a PDF by poppler's pdftotext, as a reader would copy it."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def test_a_desktop_connection_refreshes_an_expired_access_token(world: World) -> None:
    backend: RemoteBackend = open_remote(server_address(world.server.base.removesuffix("/api/v1")))
    try:
        actor = backend.services.auth.login(USERS["manager"], "demo1234")
        backend.connection._access = world.apis["expired"].token  # as if 15 minutes passed
        assert backend.services.cases.count(actor) > 0
        assert backend.connection.access_token() != world.apis["expired"].token
    finally:
        backend.close()


# --- the matrix -------------------------------------------------------------------------------


def _value(world: World, name: str) -> Any:
    """A sample argument by parameter name: real where the answer depends on it, else absent."""
    samples: dict[str, Any] = {
        "case_id": world.own_case,
        "case_ref": world.own_case,
        "ids": [world.own_case],
        "case_ids": [NONE],
        "crew_id": 1,
        "to_crew_id": 1,
        "team_id": 1,
        "day": DAY,
        "start": DAY,
        "end": DAY,
        "lang": "zh",
        "purpose": "核对",
        "reason": "x",
        "note": "x",
        "username": "nobody",
        "usernames": ["nobody"],
        "display_name": "x",
        "password": "",  # too short: refused before anything is written
        "role": Role.COLLECTOR,
        "query": CaseQuery(),
        "where": RecordFilter(),
        "kind": AlarmKind.OVERDUE,
        "step": 1,
        "routes": [],
        "request": DayRequest(3, DAY, ()),
        "budget": Budget(seconds=0.2),
        "order": (),
        "case_number": "NONE",
        "code": "NONE",
        "profile": None,
        "position": None,
    }
    return samples.get(name, NONE)  # every other id: one that exists nowhere


def _arguments(world: World, service: str, method: str) -> dict[str, Any]:
    function = getattr(target(world.here.services, service), method)
    found: dict[str, Any] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if is_actor_parameter(parameter) or parameter.default is not inspect.Parameter.empty:
            continue
        found[name] = _value(world, name)
    if (service, method) == ("field.client", "check_in"):
        found["request"] = CheckIn(NONE)
    if (service, method) in (("field.client", "sos"), ("field.client", "extend")):
        found["session_id"] = NONE
    return found


def _in_process(world: World, role: str, service: str, method: str, kwargs: dict[str, Any]) -> int:
    function = getattr(target(world.here.services, service), method)
    actor_names = [
        n for n, p in inspect.signature(function).parameters.items() if is_actor_parameter(p)
    ]
    try:
        function(**kwargs, **dict.fromkeys(actor_names, world.actors[role]))
    except FieldVisitError as exc:
        return next(code for kind, code in STATUS if isinstance(exc, kind))
    return 200


def test_every_allowed_method_answers_each_role_as_the_service_does(world: World) -> None:
    wrong: dict[str, tuple[int, int]] = {}
    for service, method in rpc_allow.allowed_methods():
        if (service, method) in NOT_IN_MATRIX:
            continue
        kwargs = _arguments(world, service, method)
        encoded = {k: codec.encode(v) for k, v in kwargs.items()}
        for role in USERS:
            over_http = world.apis[role].post(
                f"/call/{service}/{method}", json={"args": [], "kwargs": encoded}
            )
            wanted = _in_process(world, role, service, method, kwargs)
            if over_http.status_code != wanted:
                wrong[f"{service}.{method} as {role}"] = (over_http.status_code, wanted)
    assert wrong == {}, "\n".join(f"{k}: http {h}, in-process {w}" for k, (h, w) in wrong.items())


def test_the_matrix_leaves_out_only_methods_it_names() -> None:
    allowed = set(rpc_allow.allowed_methods())
    assert set(NOT_IN_MATRIX) <= allowed


def test_every_method_without_an_actor_was_reviewed(world: World) -> None:
    for service, method in rpc_allow.allowed_methods():
        function = getattr(target(world.here.services, service), method)
        parameters = inspect.signature(function).parameters.values()
        if not any(is_actor_parameter(p) for p in parameters):
            assert (service, method) in rpc_allow.SAFE_WITHOUT_ACTOR, f"{service}.{method}"


def test_the_openapi_document_lists_every_call_route(world: World) -> None:
    document = httpx.get(f"{world.server.base}/openapi.json").json()
    served = {path for path in document["paths"] if path.startswith("/api/v1/call/")}
    every = [*rpc_allow.allowed_methods(), *rpc_allow.UPLOADS]
    wanted = {f"/api/v1/call/{s}/{m}" for s, m in every}
    assert served == wanted


def test_switching_user_and_closing_revoke_the_desktops_tokens(world: World) -> None:
    backend = open_remote(server_address(world.server.base.removesuffix("/api/v1")))
    try:
        backend.services.auth.login(USERS["manager"], "demo1234")
        first = Api(world.server.base, backend.connection.access_token())
        assert first.get("/me").status_code == 200
        lead = backend.services.auth.login(USERS["safety_lead"], "demo1234")
        assert first.get("/me").status_code == 401  # the manager's session ended
        assert backend.services.safety_board.snapshot(lead).rows is not None
        second = Api(world.server.base, backend.connection.access_token())
    finally:
        backend.close()
    assert second.get("/me").status_code == 401  # closing the window signs out
    first.http.close()
    second.http.close()


def test_the_import_dialogs_calls_send_the_file_and_keep_the_rows_here(
    world: World, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "新案件.csv", CASE_HEADERS, case_rows(3, start=900_001))
    backend = open_remote(server_address(world.server.base.removesuffix("/api/v1")))
    try:
        actor = backend.services.auth.login(USERS["manager"], "demo1234")
        imports = backend.services.imports
        [creditor, *_] = imports.creditors()
        preview = imports.preview(path, ImportKind.CASES, creditor)
        assert list(preview.headers) == list(CASE_HEADERS)
        request = ImportRequest(ImportKind.CASES, path.name, creditor, dry_run=True)
        report, table = imports.run_file(path, request, actor)
        assert report.total == 3
        assert not report.committed  # a dry run
        assert len(table.rows) == 3  # read here, for the dialog's error file
        for bad, message_id in (
            (tmp_path / "cases.txt", "server.error.import_suffix"),
            (tmp_path / "missing.csv", None),
        ):
            if message_id is None:
                with pytest.raises(FileNotFoundError):
                    imports.preview(bad, ImportKind.CASES, creditor)
                continue
            bad.write_text("x", encoding="utf-8")
            with pytest.raises(ValidationError) as caught:
                imports.preview(bad, ImportKind.CASES, creditor)
            assert caught.value.message.id == message_id
    finally:
        backend.close()
    collector = open_remote(server_address(world.server.base.removesuffix("/api/v1")))
    try:
        collector.services.auth.login(USERS["collector"], "demo1234")
        with pytest.raises(PermissionDeniedError):
            collector.services.imports.preview(path, ImportKind.CASES, creditor)
    finally:
        collector.close()


def test_a_check_in_through_the_desktop_is_announced_to_the_board(world: World) -> None:
    manager, services = world.actors["manager"], world.here.services.plan
    current = services.rounds.for_day(manager, 1, DAY)
    if current is None or current.status is not RoundStatus.SUBMITTED:
        _submitted_round(world)
        current = services.rounds.for_day(manager, 1, DAY)
    assert current is not None
    services.rounds.approve(manager, current.round_id, "路线合规")
    listener = EventListener(world.apis["manager"])
    backend = open_remote(server_address(world.server.base.removesuffix("/api/v1")))
    try:
        collector = backend.services.auth.login(USERS["collector"], "demo1234")
        today = backend.services.field.today.round_for(collector)
        assert today is not None
        visit_id = backend.services.field.today.start(collector, today.stops[0].stop_id)
        delivery = backend.services.field.client.check_in(collector, CheckIn(visit_id))
        assert delivery.delivered
        event = listener.next_event("safety.checked_in", timeout=5.0)
        assert event["data"]["visit_id"] == visit_id
        assert event["data"]["by"] == collector.user_id
    finally:
        backend.close()
        listener.close()
