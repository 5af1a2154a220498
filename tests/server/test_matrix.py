"""Every endpoint × every role over HTTP, plus a deactivated user, an expired token and none."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldvisit.server import rpc_allow
from tests.server.support import Api, ServerProcess, TestClock, fresh_database

START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
DAY = "2026-12-02"
ROLES = ("collector", "manager", "safety_lead", "compliance", "admin")
USERS = {
    "collector": "col.sh-e.11",
    "manager": "mgr.sh-e",
    "safety_lead": "safety.lead",
    "compliance": "compliance",
    "admin": "admin",
}
NONE = 999_999  # an id that exists nowhere: allowed roles get 404, the others 403 first
PUBLIC = {("GET", "/api/v1/health"), ("GET", "/api/v1/openapi.json")}
SIGN_IN = {("POST", "/api/v1/auth/sign-in"), ("POST", "/api/v1/auth/refresh")}

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # as the OpenAPI document names it
    path: str  # with ids filled in
    expected: dict[str, int]
    kwargs: dict[str, Any] = field(default_factory=dict)


def _only(allowed: dict[str, int], otherwise: int = 403) -> dict[str, int]:
    return {role: allowed.get(role, otherwise) for role in ROLES}


def rows(own_case: int, other_case: int) -> list[Row]:
    everyone = dict.fromkeys(ROLES, 200)
    csv = {"content": b"case_number,debtor_name\n", "params": {"filename": "x.csv", "dry_run": 1}}
    return [
        Row("GET", "/api/v1/me", "/me", everyone),
        # Signing out needs no live token: a client with an expired one still clears it.
        Row(
            "POST",
            "/api/v1/auth/sign-out",
            "/auth/sign-out",
            dict.fromkeys((*ROLES, "expired", "deactivated"), 204),
        ),
        Row("GET", "/api/v1/cases", "/cases", everyone),
        Row("GET", "/api/v1/cases/{case_id}", f"/cases/{own_case}", everyone),
        Row(
            "GET",
            "/api/v1/cases/{case_id}",
            f"/cases/{other_case}",  # another team's case: not even its existence shows
            _only({"safety_lead": 200, "compliance": 200, "admin": 200}, otherwise=404),
        ),
        Row(
            "POST",
            "/api/v1/cases/{case_id}/full",
            f"/cases/{own_case}/full",
            _only({"manager": 200, "compliance": 200}),
            {"json": {"purpose": "核对地址"}},
        ),
        Row(
            "GET",
            "/api/v1/cases/{case_ref}/eligibility",
            f"/cases/{own_case}/eligibility",
            everyone,
            {"params": {"day": DAY}},
        ),
        Row(
            "GET",
            "/api/v1/eligibility",
            "/eligibility",
            everyone,
            {"params": {"day": DAY, "crew_id": 1}},
        ),
        Row("GET", "/api/v1/crews", "/crews", _only({"collector": 200, "manager": 200})),
        Row(
            "POST",
            "/api/v1/rounds/plan",
            "/rounds/plan",
            _only({}),
            {"json": {"crew_id": 3, "day": DAY, "seconds": 0.5}},
        ),
        Row("GET", "/api/v1/rounds/{round_id}", f"/rounds/{NONE}", dict.fromkeys(ROLES, 404)),
        Row(
            "POST",
            "/api/v1/rounds/{round_id}/submit",
            f"/rounds/{NONE}/submit",
            _only({"collector": 404, "manager": 404}),
        ),
        *(
            Row(
                "POST",
                f"/api/v1/rounds/{{round_id}}/{verb}",
                f"/rounds/{NONE}/{verb}",
                _only({"manager": 404, "admin": 404}),
                {"json": {"reason": "x"}},
            )
            for verb in ("approve", "reject")
        ),
        Row("GET", "/api/v1/approvals", "/approvals", _only({"manager": 200, "admin": 200})),
        # Anyone signed in may stop a search; only their own stops (tests/server/test_searches).
        Row("POST", "/api/v1/searches/{token}/cancel", f"/searches/{'0' * 32}/cancel", everyone),
        Row("GET", "/api/v1/today", "/today", _only({"collector": 200}), {"params": {"day": DAY}}),
        # The phone companion: its words before sign-in, then the crew's own day and sessions.
        Row(
            "GET",
            "/api/v1/companion/strings",
            "/companion/strings",
            dict.fromkeys((*ROLES, "expired", "deactivated", "anonymous"), 200),
        ),
        Row("GET", "/api/v1/companion/today", "/companion/today", _only({"collector": 200})),
        Row(
            "GET",
            "/api/v1/companion/sessions/{session_id}",
            f"/companion/sessions/{NONE}",
            dict.fromkeys(ROLES, 404),
        ),
        Row(
            "POST",
            "/api/v1/stops/{stop_id}/start",
            f"/stops/{NONE}/start",
            _only({"collector": 404}),
        ),
        Row(
            "POST",
            "/api/v1/visits/{visit_id}/check-in",
            f"/visits/{NONE}/check-in",
            _only({"collector": 404}),
            {"json": {}},
        ),
        Row(
            "POST",
            "/api/v1/visits/{visit_id}/check-out",
            f"/visits/{NONE}/check-out",
            _only({"collector": 404}),
            {"json": {"outcome": {"person_met": "nobody", "outcome": "not_home"}}},
        ),
        Row(
            "POST",
            "/api/v1/safety-sessions/{session_id}/extend",
            f"/safety-sessions/{NONE}/extend",
            _only({"collector": 404}),
        ),
        Row(
            "POST",
            "/api/v1/safety-sessions/{session_id}/sos",
            f"/safety-sessions/{NONE}/sos",
            _only({"collector": 404}),
            {"json": {}},
        ),
        Row(
            "GET",
            "/api/v1/safety/board",
            "/safety/board",
            _only({"manager": 200, "safety_lead": 200}),
        ),
        Row(
            "POST",
            "/api/v1/safety-sessions/{session_id}/alarms/{kind}/acknowledge",
            f"/safety-sessions/{NONE}/alarms/overdue/acknowledge",
            _only({"manager": 404, "safety_lead": 404}),
        ),
        Row("POST", "/api/v1/solve", "/solve", dict.fromkeys(ROLES, 422), {"json": {}}),
        Row(
            "POST",
            "/api/v1/imports/{kind}",
            "/imports/cases",
            _only({"manager": 200, "admin": 200}),
            csv,
        ),
        Row(
            "POST",
            "/api/v1/users/{user_id}/deactivate",
            f"/users/{NONE}/deactivate",
            _only({"admin": 404}),
        ),
        Row("GET", "/api/v1/events", "/events", everyone, {"stream": True}),
        Row("GET", "/api/v1/watcher", "/watcher", everyone),  # the red banner's state
    ]


@dataclass
class World:
    server: ServerProcess
    apis: dict[str, Api]
    own_case: int
    other_case: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("server")
    clock = TestClock(folder / "now", START - timedelta(minutes=20))
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        server = ServerProcess(url, folder, clock, "--no-watcher")
        try:
            # Signed in 20 minutes ago: past the access token's 15 minutes by now.
            expired = Api.sign_in(server.base, "col.sh-e.12")
            clock.set(START)
            apis = {role: Api.sign_in(server.base, name) for role, name in USERS.items()}
            apis["expired"] = expired
            apis["deactivated"] = Api.sign_in(server.base, "col.sh-e.21")
            gone = apis["deactivated"].get("/me").json()["id"]
            assert apis["admin"].post(f"/users/{gone}/deactivate").status_code == 200
            apis["anonymous"] = Api(server.base)
            own = apis["manager"].get("/cases", params={"limit": 1}).json()["rows"][0]["id"]
            other = apis["admin"].get("/cases", params={"team_id": 2, "limit": 1}).json()
            yield World(server, apis, own, other["rows"][0]["id"])
        finally:
            server.stop()


def _call(api: Api, row: Row) -> int:
    kwargs = dict(row.kwargs)
    if kwargs.pop("stream", False):
        with api.http.stream("GET", row.path.lstrip("/"), headers=api.headers()) as answer:
            return answer.status_code
    return api.request(row.method, row.path, **kwargs).status_code


def _fresh(world: World, role: str) -> Api:
    """Signing out ends the token: that row gets a token of its own."""
    return Api.sign_in(world.server.base, USERS[role])


def test_every_role_at_every_endpoint(world: World) -> None:
    found: dict[tuple[str, str], int] = {}
    wanted: dict[tuple[str, str], int] = {}
    for row in rows(world.own_case, world.other_case):
        for role in (*ROLES, "expired", "deactivated", "anonymous"):
            api = world.apis[role]
            if row.route.endswith("sign-out") and role in ROLES:
                api = _fresh(world, role)
            key = (f"{row.method} {row.path}", role)
            found[key] = _call(api, row)
            wanted[key] = row.expected.get(role, 401)
    wrong = {key: (found[key], wanted[key]) for key in wanted if found[key] != wanted[key]}
    assert wrong == {}, "\n".join(f"{k}: found {f}, wanted {w}" for k, (f, w) in wrong.items())


def test_the_matrix_covers_every_endpoint_the_server_documents(world: World) -> None:
    document = httpx.get(f"{world.server.base}/openapi.json").json()
    served = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    covered = {(row.method, row.route) for row in rows(0, 0)}
    # The desktop's call routes have their own matrix, generated from the allow-list (test_rpc).
    calls = [*rpc_allow.allowed_methods(), *rpc_allow.UPLOADS]
    covered |= {("POST", f"/api/v1/call/{s}/{m}") for s, m in calls}
    assert served - PUBLIC - SIGN_IN - covered == set()


def test_a_collector_lists_only_their_team_and_sees_it_masked(world: World) -> None:
    collector = world.apis["collector"]
    listed = collector.get("/cases", params={"limit": 500}).json()
    everyone = world.apis["admin"].get("/cases", params={"team_id": 1}).json()
    assert listed["total"] == everyone["total"] > 0
    assert {row["team"] for row in listed["rows"]} == {"浦东外访一组"}
    detail = collector.get(f"/cases/{world.own_case}").json()
    assert detail["masked"] is True
    assert "*" in detail["id_number"]
    assert "*" in detail["phone"]
    full = world.apis["manager"].post(f"/cases/{world.own_case}/full", json={"purpose": "核对地址"})
    assert full.json()["masked"] is False
    assert "*" not in full.json()["id_number"]
