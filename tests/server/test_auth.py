"""Sign-in over HTTP: argon2 passwords, short-lived tokens, rotation, sign-out, deactivation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.server.support import Api, ServerProcess, TestClock, fresh_database

START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> TestClock:
    return TestClock(tmp_path_factory.mktemp("clock") / "now", START)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: TestClock) -> Iterator[ServerProcess]:
    folder: Path = tmp_path_factory.mktemp("server")
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        process = ServerProcess(url, folder, clock, "--no-watcher")
        yield process
        process.stop()


@pytest.fixture(autouse=True)
def _clock_back(clock: TestClock) -> None:
    clock.set(START)


def test_wrong_password_is_401_with_a_translated_message(server: ServerProcess) -> None:
    answer = httpx.post(
        f"{server.base}/auth/sign-in",
        json={"username": "mgr.sh-e", "password": "wrong"},
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "error.auth.invalid"
    assert answer.json()["message"] == "Wrong user name or password."


def test_the_user_comes_from_the_token(server: ServerProcess) -> None:
    api = Api.sign_in(server.base, "col.sh-e.11")
    me = api.get("/me").json()
    assert (me["role"], me["team_id"], me["crew_ids"]) == ("collector", 1, [1])


@pytest.mark.parametrize("token", [None, "not-a-token", "x" * 300])
def test_no_valid_token_is_401(server: ServerProcess, token: str | None) -> None:
    answer = Api(server.base, token).get("/cases")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_a_body_cannot_name_the_actor(server: ServerProcess) -> None:
    api = Api.sign_in(server.base, "col.sh-e.11")
    answer = api.post("/cases/1/full", json={"purpose": "x", "user_id": 1})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["type"] == "extra_forbidden"


def test_an_expired_access_token_is_refused_and_the_refresh_token_renews_it(
    server: ServerProcess, clock: TestClock
) -> None:
    api = Api.sign_in(server.base, "mgr.sh-e")
    clock.set(START + timedelta(minutes=14))
    assert api.get("/me").status_code == 200
    clock.set(START + timedelta(minutes=16))
    expired = api.get("/me")
    assert (expired.status_code, expired.json()["error"]) == (401, "server.error.token_expired")
    renewed = httpx.post(f"{server.base}/auth/refresh", json={"refresh_token": api.refresh_token})
    assert renewed.status_code == 200
    assert Api(server.base, renewed.json()["access_token"]).get("/me").status_code == 200


def test_a_refresh_token_works_once(server: ServerProcess) -> None:
    api = Api.sign_in(server.base, "mgr.sh-e")
    first = httpx.post(f"{server.base}/auth/refresh", json={"refresh_token": api.refresh_token})
    again = httpx.post(f"{server.base}/auth/refresh", json={"refresh_token": api.refresh_token})
    assert (first.status_code, again.status_code) == (200, 401)
    assert api.get("/me").status_code == 401  # the old access token went with the rotation


def test_a_refresh_token_expires_with_the_working_day(
    server: ServerProcess, clock: TestClock
) -> None:
    api = Api.sign_in(server.base, "mgr.sh-e")
    clock.set(START + timedelta(hours=12, seconds=1))
    late = httpx.post(f"{server.base}/auth/refresh", json={"refresh_token": api.refresh_token})
    assert late.status_code == 401


def test_sign_out_revokes_both_tokens(server: ServerProcess) -> None:
    api = Api.sign_in(server.base, "mgr.sh-e")
    assert api.post("/auth/sign-out").status_code == 204
    assert api.get("/me").status_code == 401
    refresh = httpx.post(f"{server.base}/auth/refresh", json={"refresh_token": api.refresh_token})
    assert refresh.status_code == 401


def test_deactivation_ends_every_session_at_once(server: ServerProcess) -> None:
    collector = Api.sign_in(server.base, "col.sh-w.22")
    other_laptop = Api.sign_in(server.base, "col.sh-w.22")
    admin = Api.sign_in(server.base, "admin")
    me = collector.get("/me").json()
    done = admin.post(f"/users/{me['id']}/deactivate")
    assert done.status_code == 200
    assert done.json()["sessions_revoked"] == 2
    answer = collector.get("/today", params={"day": "2026-12-02"})
    assert answer.status_code == 401
    assert other_laptop.get("/me").status_code == 401
    again = httpx.post(
        f"{server.base}/auth/sign-in", json={"username": "col.sh-w.22", "password": "demo1234"}
    )
    assert again.status_code == 401


def test_only_an_admin_deactivates(server: ServerProcess) -> None:
    manager = Api.sign_in(server.base, "mgr.sh-e")
    assert manager.post("/users/2/deactivate").status_code == 403
    assert Api.sign_in(server.base, "col.sh-e.11").get("/me").status_code == 200
