"""One app per database: a second start on one data folder says so; the first comes forward."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldvisit.app.gui import EXIT_ALREADY_RUNNING
from fieldvisit.app.instance import InstanceLock, lock_path

ROOT = Path(__file__).resolve().parents[2]


def _environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        FIELDVISIT_LOG_DIR=str(tmp_path / "logs"),
        FIELDVISIT_SETTINGS=str(tmp_path / "settings.ini"),
        FIELDVISIT_MACHINE_SETTINGS=str(tmp_path / "machine.ini"),
        FIELDVISIT_AUDIT_KEY_FILE=str(tmp_path / "audit.key"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    return env


def _wait_for(path: Path, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.is_file() and text in path.read_text(encoding="utf-8"):
            return True
        time.sleep(0.2)
    return False


def test_a_second_start_on_the_same_database_says_so(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    url = f"sqlite:///{tmp_path / 'data' / 'fieldvisit.db'}"
    command = [sys.executable, "-m", "fieldvisit", "--db", url, "--lang", "en"]
    log = tmp_path / "logs" / "fieldvisit.log"
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_for(log, "sign-in window shown", 120), log.read_text(encoding="utf-8")
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == EXIT_ALREADY_RUNNING
        assert "already running on this database" in second.stderr
        assert f"process {first.pid}" in second.stderr
        # The first one was asked to come forward and is still running.
        assert _wait_for(log, "bringing it forward", 10)
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=30)


def test_a_different_database_may_run_beside_it(qtbot: object, tmp_path: Path) -> None:
    one = InstanceLock(lock_path(f"sqlite:///{tmp_path / 'a' / 'fieldvisit.db'}"))
    other = InstanceLock(lock_path(f"sqlite:///{tmp_path / 'b' / 'fieldvisit.db'}"))
    same = InstanceLock(lock_path(f"sqlite:///{tmp_path / 'a' / 'fieldvisit.db'}"))
    assert one.acquire()
    assert other.acquire()
    assert not same.acquire()
    holder = same.holder()
    assert holder is not None
    assert holder.pid == os.getpid()
    one.release()
    assert same.acquire()  # released at exit: the next start runs
    same.release()
    other.release()


def test_a_lock_left_by_a_dead_process_is_taken_over(qtbot: object, tmp_path: Path) -> None:
    path = tmp_path / "fieldvisit.db.lock"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    path.write_text(f"{dead.stdout.strip()}\nfieldvisit\n{os.uname().nodename}\n", encoding="utf-8")
    lock = InstanceLock(path)
    assert lock.acquire()
    lock.release()


@pytest.mark.parametrize("url", ["postgresql+psycopg://u:secret@db.example:5432/fv"])
def test_a_server_database_locks_in_the_data_folder_without_the_password(url: str) -> None:
    path = lock_path(url)
    assert "secret" not in str(path)
    assert path.name.startswith("instance-")
    assert lock_path(url.replace("secret", "other")) == path
