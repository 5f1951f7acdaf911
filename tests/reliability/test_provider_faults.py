"""Provider faults on the loopback server: a clear per-provider report, exit 3 when work was left
undone, catalogs never corrupted, and no broken msgstr saved as a clean `machine` entry.

Faults: 429 with Retry-After, 500s, connection resets (the socket closed without an answer),
stalls, HTML instead of JSON, truncated bodies, empty and truncated translations, and
translations that add <script>, drop placeholders or invent tokens.
"""
from __future__ import annotations

import time
from pathlib import Path

import polib
import pytest

from locflow.catalog import read_po
from locflow.states import State, state_of

from .conftest import active, cli, labels_project, msgfmt_check, po_files

PLAIN = ["Latest news", "Weather today"]
TOKENED = "Hello %(name)s, read <b>this</b> at https://example.org/x"
LABELS = [*PLAIN, TOKENED]
# What the loopback server's clean translation looks like once locflow has put the tokens back.
CLEAN = {"Latest news": "[et] LATEST NEWS", "Weather today": "[et] WEATHER TODAY",
         TOKENED: "[et] HELLO %(name)s, READ <b>THIS</b> AT https://example.org/x"}
PROVIDERS = ["google", "libre"]


def make(tmp_path: Path, url: str, providers: str = "[google]", **kw) -> Path:
    root = labels_project(tmp_path / "proj", url, LABELS, languages=("en", "et"), providers=providers, **kw)
    assert cli(root, "pull").exit_code == 0
    return root


def catalog(root: Path) -> Path:
    return root / "locales/et/LC_MESSAGES/ui.po"


def assert_sound(root: Path) -> None:
    """Every catalog parses (polib, locflow, msgfmt -c)."""
    for path in po_files(root):
        polib.pofile(str(path))
        read_po(path)
        proc = msgfmt_check(path)
        assert proc.returncode == 0, (path, proc.stderr)


def assert_no_silent_breakage(root: Path) -> None:
    """A filled entry is either a clean translation in `machine` state or fuzzy with an mt-problem note."""
    for e in active(catalog(root)):
        if not e.msgstr:
            assert "locflow: machine" not in e.tcomment, (e.msgid, e.tcomment)
            continue
        if e.msgstr == CLEAN[e.msgid]:
            assert state_of(e) is State.MACHINE, (e.msgid, e.msgstr, e.tcomment)
        else:
            assert state_of(e) is State.FUZZY, f"broken msgstr saved as {state_of(e).value}: {e.msgstr!r}"
            assert "locflow: mt-problem" in e.tcomment and "locflow: machine" not in e.tcomment, e.tcomment


def translate(root: Path, *extra: str):
    return cli(root, "translate", "--lang", "et", *extra)


# --------------------------------------------------------------------------- transient faults: retried


@pytest.mark.parametrize("provider", PROVIDERS)
def test_429_with_retry_after_is_waited_out(tmp_path, mt, provider):
    root = make(tmp_path, mt.url, providers=f"[{provider}]", retries=2, concurrency=1)
    mt.faults.statuses = [429, 429]
    mt.faults.retry_after = "1"
    started = time.monotonic()
    r = translate(root)
    elapsed = time.monotonic() - started
    assert r.exit_code == 0, r.output
    assert elapsed >= 2.0, "Retry-After: 1 was not honoured"
    assert mt.count() == len(LABELS) + 2
    assert all(state_of(e) is State.MACHINE for e in active(catalog(root)))


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", ["500", "reset"])
def test_transient_500s_and_resets_are_retried(tmp_path, mt, provider, fault):
    root = make(tmp_path, mt.url, providers=f"[{provider}]", retries=3, concurrency=1)
    if fault == "500":
        mt.faults.statuses = [500, 503]
    else:
        mt.extra.resets = 2
    r = translate(root)
    assert r.exit_code == 0, r.output
    assert mt.count() == len(LABELS) + 2
    assert all(state_of(e) is State.MACHINE for e in active(catalog(root)))
    assert_sound(root)


# --------------------------------------------------------------------------- lasting faults: exit 3


def _persistent(mt, fault: str) -> None:
    if fault == "429":
        mt.faults.statuses = [429] * 500
        mt.faults.retry_after = "0"
    elif fault == "500":
        mt.faults.statuses = [500] * 500
    elif fault == "reset":
        mt.extra.reset_all = True
    elif fault == "stall":
        mt.faults.stall = 1.5
    elif fault == "html":
        mt.faults.malformed = True
    elif fault == "truncated-body":
        mt.extra.truncated_body = True


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", ["429", "500", "reset", "stall", "html", "truncated-body"])
def test_lasting_fault_exits_3_with_a_provider_report_and_changes_nothing(tmp_path, mt, provider, fault):
    root = make(tmp_path, mt.url, providers=f"[{provider}]", retries=1, timeout=0.5)
    before = {p: p.read_bytes() for p in po_files(root)}
    _persistent(mt, fault)
    started = time.monotonic()
    r = translate(root)
    assert r.exception is None, repr(r.exception)
    assert r.exit_code == 3, r.output
    assert time.monotonic() - started < 15, "a dead provider must not hang the run"
    assert f"{provider}: " in r.stdout and "failed requests" in r.stdout, r.stdout
    assert f"{len(LABELS)} failed" in r.stdout and "rerun `locflow translate`" in r.stdout, r.stdout
    assert "Traceback" not in r.output
    assert {p: p.read_bytes() for p in po_files(root)} == before, "a failed run rewrote catalogs"
    assert_sound(root)


def test_report_is_per_provider_and_the_chain_falls_through(tmp_path, mt):
    root = make(tmp_path, mt.url, providers="[google, libre]", retries=0)
    mt.faults.malformed_path = "/m"  # google's page has no result; libre answers
    r = translate(root)
    assert r.exit_code == 0, r.output
    assert "google: " in r.stdout and "failed requests" in r.stdout
    assert "libre: " not in r.stdout
    assert all("locflow: machine libre" in e.tcomment for e in active(catalog(root)))

    mt.reset()
    root2 = make(tmp_path / "two", mt.url, providers="[google, libre]", retries=0)
    mt.faults.malformed = True  # both broken, each in its own way
    r = translate(root2)
    assert r.exit_code == 3, r.output
    lines = r.stdout.splitlines()
    assert any(line.startswith("google: ") and "TranslationNotFound" in line for line in lines), r.stdout
    assert any(line.startswith("libre: ") and "JSON" in line for line in lines), r.stdout


def test_partial_failure_saves_the_finished_work_and_a_rerun_resumes(tmp_path, mt):
    root = make(tmp_path, mt.url, providers="[google]", retries=0, concurrency=1)
    mt.faults.statuses = [200, 500, 500, 500, 500, 500, 500, 500]
    r = translate(root)
    assert r.exit_code == 3, r.output
    states = [state_of(e) for e in active(catalog(root))]
    assert states.count(State.MACHINE) == 1 and states.count(State.UNTRANSLATED) == len(LABELS) - 1
    assert_sound(root)
    mt.reset()
    r = translate(root)
    assert r.exit_code == 0, r.output
    assert mt.count() == len(LABELS) - 1
    assert all(state_of(e) is State.MACHINE for e in active(catalog(root)))


# --------------------------------------------------------------------------- replies that look fine but are not


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("inject", ["<script>alert(1)</script>", ' <img src=x onerror="alert(1)">', " [X9X]",
                                    ' <a href="javascript:alert(1)">x</a>'])
def test_hostile_additions_are_kept_fuzzy_with_a_reason(tmp_path, mt, provider, inject):
    root = make(tmp_path, mt.url, providers=f"[{provider}]")
    mt.faults.inject = inject
    r = translate(root)
    assert r.exception is None, repr(r.exception)
    assert_sound(root)
    assert_no_silent_breakage(root)
    entries = active(catalog(root))
    assert all(state_of(e) is State.FUZZY for e in entries), [(e.msgstr, e.tcomment) for e in entries]
    assert "kept fuzzy" in r.stdout


@pytest.mark.parametrize("provider", PROVIDERS)
def test_dropped_placeholders_are_kept_fuzzy(tmp_path, mt, provider):
    root = make(tmp_path, mt.url, providers=f"[{provider}]")
    mt.faults.drop_tokens = True
    r = translate(root)
    assert r.exit_code == 0, r.output
    assert_sound(root)
    assert_no_silent_breakage(root)
    tokened = next(e for e in active(catalog(root)) if e.msgid == TOKENED)
    assert state_of(tokened) is State.FUZZY and "dropped '%(name)s'" in tokened.tcomment


@pytest.mark.parametrize("provider", PROVIDERS)
def test_truncated_translation_that_loses_tokens_is_kept_fuzzy(tmp_path, mt, provider):
    root = make(tmp_path, mt.url, providers=f"[{provider}]")
    mt.extra.truncate_text = True  # the reply is well-formed; its translation stops half-way
    translate(root)
    assert_sound(root)
    # Plain prose cut short cannot be told from a terse translation; a string whose tokens were
    # cut off can, and must never pass as a clean machine translation.
    tokened = next(e for e in active(catalog(root)) if e.msgid == TOKENED)
    assert state_of(tokened) is State.FUZZY and "locflow: mt-problem" in tokened.tcomment


@pytest.mark.parametrize("provider", PROVIDERS)
def test_empty_translation_is_work_left_undone(tmp_path, mt, provider):
    """An empty reply translated nothing: the entry stays untranslated, no machine marker, exit 3."""
    root = make(tmp_path, mt.url, providers=f"[{provider}]")
    mt.faults.empty = True
    r = translate(root)
    assert r.exception is None, repr(r.exception)
    assert_sound(root)
    for e in active(catalog(root)):
        assert e.msgstr == "" and state_of(e) is State.UNTRANSLATED
        assert "locflow: machine" not in e.tcomment
    assert "-" + str(len(LABELS)) + " entries" not in r.stdout, f"negative count in the summary: {r.stdout}"
    assert r.exit_code == 3, f"entries left untranslated but exit {r.exit_code}: {r.stdout}"
    # and the rerun asks again
    mt.reset()
    r = translate(root)
    assert r.exit_code == 0 and mt.count() == len(LABELS), r.output
