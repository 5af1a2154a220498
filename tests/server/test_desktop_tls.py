"""Team mode over TLS: the desktop checks the server's certificate; a private CA is trusted only
when named (``--ca-file`` or ``[server] ca_file``), never by switching the check off."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from fieldvisit.app.remote_client import server_address
from fieldvisit.app.wiring import open_remote
from fieldvisit.domain.errors import DatabaseError
from fieldvisit.services.audit import DEMO_AUDIT_KEY, write_key_file
from tests.server.support import DEMO_PASSWORD, TestClock, free_port, fresh_database

pytestmark = pytest.mark.postgres


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _private_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate it signed for 127.0.0.1 (what an office's own CA would issue)."""
    ca_key, ca, key, request, cert = (
        folder / n for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem")
    )
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key),
             "-out", str(ca), "-days", "2", "-subj", "/CN=FieldVisit test CA")  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(request),
             "-subj", "/CN=127.0.0.1")  # fmt: skip
    extensions = folder / "san.cnf"
    extensions.write_text("subjectAltName=IP:127.0.0.1\n", encoding="utf-8")
    _openssl("x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key),
             "-CAcreateserial", "-out", str(cert), "-days", "2",
             "-extfile", str(extensions))  # fmt: skip
    return ca, cert, key


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder: Path = tmp_path_factory.mktemp("tls")
    ca, cert, key = _private_ca(folder)
    clock = TestClock(folder / "now", datetime(2026, 12, 2, 1, 0, tzinfo=UTC))
    write_key_file(folder / "audit.key", DEMO_AUDIT_KEY)
    port = free_port()
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        command = [
            sys.executable, "-m", "fieldvisit", "serve", "--db", url, "--port", str(port),
            "--cert", str(cert), "--key", str(key), "--no-watcher",
            "--clock-file", str(clock.path), "--audit-key", str(folder / "audit.key"),
        ]  # fmt: skip
        env = os.environ | {"XDG_DATA_HOME": str(folder / "data")}
        log = (folder / "server.log").open("wb")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        base = f"https://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            trusted = ssl.create_default_context(cafile=str(ca))
            while True:
                assert process.poll() is None, (folder / "server.log").read_text()
                try:
                    httpx.get(f"{base}/api/v1/health", verify=trusted, timeout=1.0)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "TLS server not up"
                    time.sleep(0.3)
            yield base, ca
        finally:
            process.terminate()
            process.wait(timeout=15)
            log.close()


def test_the_desktop_signs_in_over_tls_when_it_trusts_the_servers_ca(
    tls_server: tuple[str, Path],
) -> None:
    base, ca = tls_server
    backend = open_remote(server_address(base, ca))
    try:
        actor = backend.services.auth.login("mgr.sh-e", DEMO_PASSWORD)
        assert backend.services.plan.rounds.crews(actor)
    finally:
        backend.close()


def test_an_unknown_certificate_is_refused_before_the_password_is_sent(
    tls_server: tuple[str, Path],
) -> None:
    base, _ca = tls_server
    backend = open_remote(server_address(base))  # only the system's CAs
    try:
        with pytest.raises(DatabaseError) as caught:
            backend.services.auth.login("mgr.sh-e", DEMO_PASSWORD)
        assert caught.value.message.id == "remote.error.unreachable"
        assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value.message.params["reason"])
    finally:
        backend.close()
