"""The desktop's connection to a team server: sign-in, token refresh, service calls, sign-out.

Holds the server's address and the signed-in user's tokens, nothing else: no database URL, no
audit key. An expected error on the server comes back as the same domain exception class with
the same message, so the screens handle it as they do on SQLite.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from fieldvisit.domain import errors as domain_errors
from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import (
    DatabaseError,
    FieldVisitError,
    PermissionDeniedError,
    ValidationError,
)
from fieldvisit.server import codec

API = "/api/v1"
CALL_TIMEOUT = httpx.Timeout(30.0, read=600.0)  # a planner's search may take minutes


class SignedOutError(PermissionDeniedError):
    """The server no longer accepts this session (expired, signed out, deactivated)."""


@dataclass(frozen=True)
class ServerAddress:
    """Where the team server is, and which certificate authority vouches for it."""

    url: str  # https://host:port (http only on loopback)
    ca_file: Path | None = None  # a private CA's certificate; default: the system's

    @property
    def api(self) -> str:
        return self.url.rstrip("/") + API

    def verify(self) -> ssl.SSLContext | bool:
        """The client always checks the certificate; a private CA is added, never skipped."""
        if self.ca_file is None:
            return True
        return ssl.create_default_context(cafile=str(self.ca_file))


def server_address(url: str, ca_file: Path | None = None) -> ServerAddress:
    """A checked address: https, or http to this computer only (tests, a local proxy)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    loopback = parts.hostname in ("127.0.0.1", "::1", "localhost")
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
        raise ValidationError("remote.error.server_url", url=url)
    if ca_file is not None and not ca_file.is_file():
        raise ValidationError("remote.error.ca_file", path=str(ca_file))
    return ServerAddress(url.strip().rstrip("/"), ca_file)


class ServerConnection:
    """One signed-in user's session with one server; safe to use from several threads."""

    def __init__(self, address: ServerAddress, lang: str = "en") -> None:
        self.address = address
        self.lang = lang
        self._http = httpx.Client(
            base_url=address.api, verify=address.verify(), timeout=CALL_TIMEOUT
        )
        self._lock = threading.Lock()
        self._access: str | None = None
        self._refresh: str | None = None
        self.actor: Actor | None = None

    # --- sign-in ----------------------------------------------------------------------------
    def sign_in(self, username: str, password: str) -> Actor:
        body = self._send("POST", "auth/sign-in", {"username": username, "password": password})
        with self._lock:
            previous = self._access
            self._access, self._refresh = body["access_token"], body["refresh_token"]
        if previous is not None:  # "switch user": the previous person's session ends now
            with contextlib.suppress(httpx.TransportError):
                self._http.post("auth/sign-out", headers=_bearer(previous))
        user = body["user"]
        self.actor = Actor(
            int(user["id"]),
            Role(user["role"]),
            user["team_id"],
            frozenset(int(c) for c in user["crew_ids"]),
            str(user["display_name"]),
        )
        return self.actor

    def sign_out(self) -> None:
        """Revoke both tokens on the server; the connection can sign in again afterwards."""
        with self._lock:
            token, self._access, self._refresh = self._access, None, None
        if token is not None:
            with contextlib.suppress(httpx.TransportError):  # the tokens expire on their own
                self._http.post("auth/sign-out", headers=_bearer(token))

    def access_token(self) -> str:
        with self._lock:
            if self._access is None:
                raise SignedOutError("server.error.token_missing")
            return self._access

    def refresh(self, stale: str) -> str:
        """A fresh access token (rotating the refresh token), unless another thread just did."""
        with self._lock:
            if self._access is not None and self._access != stale:
                return self._access
            refresh = self._refresh
        if refresh is None:
            raise SignedOutError("server.error.token_missing")
        body = self._send("POST", "auth/refresh", {"refresh_token": refresh})
        with self._lock:
            self._access, self._refresh = body["access_token"], body["refresh_token"]
            return self._access

    # --- calls ------------------------------------------------------------------------------
    def call(
        self,
        service: str,
        method: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        search: str | None = None,
    ) -> Any:
        """``services.<service>.<method>(*args, **kwargs)`` on the server, as the signed-in user;
        ``search`` names a planning call so that ``cancel_search`` can stop it."""
        encoded_args = [_wire(a) for a in args]
        encoded_kwargs = {k: _wire(v) for k, v in kwargs.items() if not callable(v)}
        payload: dict[str, Any] = {"args": encoded_args, "kwargs": encoded_kwargs}
        if search is not None:
            payload["search"] = search
        body = self.authorised("POST", f"call/{service}/{method}", payload)
        return codec.decode(body["result"])

    def cancel_search(self, search: str) -> None:
        """Ask the server to stop the search of the call named ``search``."""
        self.authorised("POST", f"searches/{search}/cancel")

    def authorised(self, verb: str, path: str, payload: Any = None) -> Any:
        """A request with the access token; an expired one is refreshed once and retried."""
        token = self.access_token()
        try:
            return self._send(verb, path, payload, token)
        except SignedOutError as exc:
            if exc.message.id != "server.error.token_expired":
                raise
        return self._send(verb, path, payload, self.refresh(token))

    def get(self, path: str) -> Any:
        return self.authorised("GET", path)

    def stream(self, path: str) -> httpx.Response:
        """An open streaming GET (the event stream); the caller closes it."""
        request = self._http.build_request(
            "GET",
            path,
            headers=_bearer(self.access_token()),
            timeout=httpx.Timeout(10.0, read=60.0),
        )
        return self._http.send(request, stream=True)

    def close(self) -> None:
        self._http.close()

    def _send(self, verb: str, path: str, payload: Any, token: str | None = None) -> Any:
        headers = {"Accept-Language": self.lang} | ({} if token is None else _bearer(token))
        try:
            answer = self._http.request(verb, path, json=payload, headers=headers)
        except httpx.TransportError as exc:
            raise DatabaseError(
                "remote.error.unreachable", url=self.address.url, reason=str(exc)
            ) from exc
        if answer.status_code >= 400:
            raise error_from(answer)
        return answer.json() if answer.content else None


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _wire(value: Any) -> Any:
    # The actor never travels: the server puts in the one its token names.
    return None if isinstance(value, Actor) else codec.encode(value)


def error_from(answer: httpx.Response) -> FieldVisitError:
    """The domain exception the server raised, with its message id and parameters."""
    try:
        body = answer.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict) or "error" not in body:
        return DatabaseError("remote.error.status", status=answer.status_code)
    params = body.get("params") or {}
    if body.get("typed_params") is not None:
        # A class this client does not know: the plain values do.
        with contextlib.suppress(FieldVisitError):
            params = codec.decode(body["typed_params"])
    kind = body.get("kind", "")
    if kind == "UnauthenticatedError" or answer.status_code == 401:
        return SignedOutError(str(body["error"]), **dict(params))
    error_class = getattr(domain_errors, str(kind), None)
    if not (isinstance(error_class, type) and issubclass(error_class, FieldVisitError)):
        error_class = FieldVisitError
    return error_class(str(body["error"]), **dict(params))
