"""The server's record of desktop searches: only the user who started one may stop it."""

from __future__ import annotations

import pytest

from fieldvisit.domain.errors import ConflictError
from fieldvisit.server.searches import EARLY_CANCELS, Searches

TOKEN = "0123456789abcdef0123456789abcdef"
OWNER, SOMEONE_ELSE = 7, 8


def test_the_owner_stops_a_running_search_and_nobody_else_can() -> None:
    searches = Searches()
    with searches.running(TOKEN, OWNER) as cancelled:
        assert cancelled is not None
        assert not cancelled()
        assert not searches.cancel(TOKEN, SOMEONE_ELSE)
        assert not cancelled()
        assert searches.cancel(TOKEN, OWNER)
        assert cancelled()


def test_a_call_without_a_token_cannot_be_stopped() -> None:
    with Searches().running(None, OWNER) as cancelled:
        assert cancelled is None


def test_a_finished_search_is_forgotten() -> None:
    searches = Searches()
    with searches.running(TOKEN, OWNER) as cancelled:
        pass
    assert cancelled is not None
    assert not searches.cancel(TOKEN, OWNER)
    assert not cancelled()


def test_a_cancel_that_arrives_before_its_call_stops_the_search_at_once() -> None:
    searches = Searches()
    assert not searches.cancel(TOKEN, OWNER)
    with searches.running(TOKEN, OWNER) as cancelled:
        assert cancelled is not None
        assert cancelled()


def test_an_early_cancel_by_someone_else_does_not_stop_the_owners_search() -> None:
    searches = Searches()
    searches.cancel(TOKEN, SOMEONE_ELSE)
    with searches.running(TOKEN, OWNER) as cancelled:
        assert cancelled is not None
        assert not cancelled()


def test_early_cancels_are_bounded_and_the_oldest_forgotten() -> None:
    searches = Searches()
    tokens = [f"{n:032x}" for n in range(EARLY_CANCELS + 1)]
    for token in tokens:
        searches.cancel(token, OWNER)
    with searches.running(tokens[0], OWNER) as oldest:
        assert oldest is not None
        assert not oldest()
    with searches.running(tokens[-1], OWNER) as newest:
        assert newest is not None
        assert newest()


def test_a_token_already_running_is_refused() -> None:
    searches = Searches()
    with (
        searches.running(TOKEN, OWNER),
        pytest.raises(ConflictError) as caught,
        searches.running(TOKEN, OWNER),
    ):
        pass
    assert caught.value.message.id == "server.error.search_token_taken"


def test_another_servers_cancel_arrives_as_an_event() -> None:
    searches = Searches()
    with searches.running(TOKEN, OWNER) as cancelled:
        searches.on_event({"token": TOKEN, "user_id": SOMEONE_ELSE})
        assert cancelled is not None
        assert not cancelled()
        searches.on_event({"token": TOKEN, "user_id": OWNER})
        assert cancelled()
