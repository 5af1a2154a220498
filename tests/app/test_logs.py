"""The log file: rotating, personal data masked, hard crashes dumped beside it."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fieldvisit.app import logs

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "kept", "masked"),
    [
        ("called 17012345678 twice", "called", "17012345678"),
        ("mobile +86 170-1234-5678", "mobile", "170-1234-5678"),
        ("id 31010119800101123X", "id", "31010119800101123X"),
        ("debtor 王伟 at 梧桐路5号", "debtor", "王伟"),
        ("mail li.wei@example.cn", "mail", "li.wei@example.cn"),
        ("IntegrityError [parameters: ('Wang Wei', 3)] (Background", "IntegrityError", "Wang Wei"),
    ],
)
def test_personal_data_is_masked(text: str, kept: str, masked: str) -> None:
    result = logs.mask_personal_data(text)
    assert kept in result
    assert masked not in result


def test_dates_versions_and_ids_stay_readable() -> None:
    text = "plan for 2026-12-01 round 42 FieldVisit 0.1.0 exit code 1"
    assert logs.mask_personal_data(text) == text


def test_records_and_thread_crashes_reach_the_file(tmp_path: Path) -> None:
    app_log = logs.configure(tmp_path)
    try:
        logging.getLogger("fieldvisit.test").warning("visit %s for %s", 7, "张伟")
        thread = threading.Thread(target=lambda: 1 / 0, name="planner-worker")
        thread.start()
        thread.join()
    finally:
        app_log.close()
    text = app_log.file.read_text(encoding="utf-8")
    assert "FieldVisit" in text.splitlines()[0]
    assert "visit 7 for" in text
    assert "张伟" not in text
    assert "uncaught ZeroDivisionError (thread planner-worker)" in text


def test_a_hard_crash_leaves_its_stack_in_crash_log(tmp_path: Path) -> None:
    script = (
        "import faulthandler, sys; from pathlib import Path; from fieldvisit.app import logs; "
        f"logs.configure(Path({str(tmp_path)!r})); faulthandler._sigsegv()"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=60)
    assert done.returncode != 0
    crash = (tmp_path / logs.CRASH_NAME).read_text(encoding="utf-8")
    assert "Segmentation fault" in crash
    assert "File" in crash
