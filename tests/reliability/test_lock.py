"""The project lock: two writing runs at once never clobber each other.

Real child processes against the loopback MT server, with latency so the runs overlap: the
second run starts once the first has sent its first request (and so holds the lock).
"""
from __future__ import annotations

import time
from pathlib import Path

import polib
import pytest

from locflow.states import State, state_of

from .conftest import active, labels_project, msgfmt_check, spawn, words

LABELS = words(30)
WAITING = "another locflow run is writing this project; waiting"


def wait_for_requests(server, n: int, proc, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while server.count() < n:
        assert proc.poll() is None, f"first run ended early: {proc.communicate()}"
        assert time.monotonic() < deadline, "first run sent no request"
        time.sleep(0.01)


@pytest.fixture
def slow_project(tmp_path, mt) -> Path:
    root = labels_project(tmp_path / "proj", mt.url, LABELS, concurrency=2)
    from .conftest import cli

    assert cli(root, "pull").exit_code == 0
    mt.faults.latency = 0.08  # 60 requests, 2 at a time: ~2.4 s, well past a second run's start-up
    return root


def test_two_translates_at_once_lose_nothing(slow_project, mt):
    """translate holds the lock only while it saves: a second run works alongside, and every save
    re-reads the catalog, so neither run's work is lost and every catalog stays valid."""
    first = spawn("translate", cwd=slow_project)
    wait_for_requests(mt, 1, first)
    second = spawn("translate", cwd=slow_project)
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.communicate(timeout=60)
    assert first.returncode == 0, (out1, err1)
    assert second.returncode == 0, (out2, err2)
    for path in sorted((slow_project / "locales").rglob("*.po")):
        assert msgfmt_check(path).returncode == 0, path
        lang = path.parts[-3]
        if lang == "en":
            continue
        for e in active(path):
            assert state_of(e) is State.MACHINE and e.msgstr == f"[{lang}] {e.msgid.upper()}", (lang, e.msgid)


def test_lock_timeout_makes_the_second_run_fail_clearly(slow_project, mt):
    cfg = slow_project / "workflow.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "lock_timeout: 1\n", encoding="utf-8")
    from ..conftest import hold_lock

    holder = hold_lock(slow_project, 8)  # another run writing (translate holds the lock only to save)
    started = time.monotonic()
    second = spawn("translate", cwd=slow_project)
    out2, err2 = second.communicate(timeout=30)
    waited = time.monotonic() - started
    holder.kill()
    holder.wait(timeout=30)
    assert second.returncode == 2, (out2, err2)
    assert WAITING in err2
    assert "held the project lock for more than 1s" in err2, err2
    assert ".locflow/lock" in err2 and "lock_timeout" in err2, err2
    assert "Traceback" not in err2
    assert waited >= 1.0


def test_review_approve_during_translate_is_not_overwritten(slow_project, mt):
    """translate holds the catalog in memory for seconds; an approval made meanwhile must survive its saves."""
    path = slow_project / "locales/et/LC_MESSAGES/ui.po"
    po = polib.pofile(str(path))
    reviewed = LABELS[:5]
    for e in po:
        if e.msgid in reviewed:
            e.msgstr = f"Eesti {e.msgid}"
    po.save()
    first = spawn("translate", cwd=slow_project)
    wait_for_requests(mt, 1, first)
    second = spawn("review", "approve", "--lang", "et", "--state", "reviewed", "--reviewer", "Mari Tamm",
                   cwd=slow_project)
    out2, err2 = second.communicate(timeout=60)
    out1, err1 = first.communicate(timeout=60)
    assert first.returncode == 0, (out1, err1)
    assert second.returncode == 0, (out2, err2)
    assert "5 approved" in out2, out2  # without waiting for the MT run: translate locks only to save
    entries = {e.msgid: e for e in active(path)}
    for msgid in LABELS:
        e = entries[msgid]
        if msgid in reviewed:
            assert state_of(e) is State.APPROVED and e.msgstr == f"Eesti {msgid}", (msgid, e.msgstr, e.tcomment)
        else:
            assert state_of(e) is State.MACHINE, (msgid, e.msgstr)


def test_pull_during_translate_keeps_both_changes(slow_project, mt):
    page = slow_project / "site/templates/page.html"
    first = spawn("translate", cwd=slow_project)
    wait_for_requests(mt, 1, first)
    page.write_text(page.read_text(encoding="utf-8") + '<p>{{ _("Late breaking label") }}</p>\n', encoding="utf-8")
    second = spawn("pull", cwd=slow_project)
    out2, err2 = second.communicate(timeout=60)
    out1, err1 = first.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, (out1, err1, out2, err2)
    for lang in ("et", "lv"):
        entries = {e.msgid: e for e in active(slow_project / f"locales/{lang}/LC_MESSAGES/ui.po")}
        assert "Late breaking label" in entries, f"pull's new entry lost in {lang}"
        assert state_of(entries["Late breaking label"]) is State.UNTRANSLATED
        assert all(state_of(entries[m]) is State.MACHINE for m in LABELS), f"translations lost in {lang}"
