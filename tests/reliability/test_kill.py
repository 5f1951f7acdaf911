"""SIGKILL at random points: nothing finished is lost beyond the last save, nothing is half-written.

translate: the CLI has no option for the save interval (TranslateOptions.save_interval, 3 s by
default), so the child runs the library API with saves every 50 ms. While it runs, a watcher
reads the catalogs continuously: every read must parse (atomic replace), and every entry it
saw saved must still be there, unchanged, after the kill. A rerun then finishes with zero
failures and requests exactly the entries still untranslated.

publish: the build folder starts as a complete old publish; after a kill each file is the old
or the new version (pages parse and end with </html>, manifest.json parses); a rerun finishes.
Seeded random delays, bounded loops.
"""
from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polib
import pytest

from locflow.catalog import read_po
from locflow.states import State, state_of
from tests.html_tree import parse_html

from .conftest import (active, child_env, cli, copy_sample, labels_project, msgfmt_check, po_files, temp_files,
                       words)

ITERATIONS = 8
LABELS = words(40)
LANGS = ("et", "lv")

CHILD = """
import sys
from locflow.mt.engine import TranslateOptions, translate
from locflow.project import Project
result = translate(Project.load(sys.argv[1]), TranslateOptions(save_interval=0.05))
print("failed", result.failed)
"""


class Watcher(threading.Thread):
    """Reads the catalogs in a loop while the child runs; remembers every translated entry it saw."""

    def __init__(self, root: Path) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.seen: dict[tuple[str, str], str] = {}
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.reads = 0

    def run(self) -> None:
        while not self.stop.is_set():
            for lang in LANGS:
                path = self.root / f"locales/{lang}/LC_MESSAGES/ui.po"
                data = path.read_bytes()
                self.reads += 1
                try:
                    entries = polib.pofile(data.decode("utf-8"))
                except Exception as exc:  # noqa: BLE001 - any parse failure is the finding
                    self.errors.append(f"{lang}: unreadable mid-run ({exc!r}); {len(data)} bytes")
                    continue
                for e in entries:
                    if e.msgstr:
                        old = self.seen.setdefault((lang, e.msgid), e.msgstr)
                        if old != e.msgstr:
                            self.errors.append(f"{lang}: {e.msgid!r} changed from {old!r} to {e.msgstr!r}")
            time.sleep(0.005)


@pytest.fixture(scope="module")
def pulled(tmp_path_factory, server) -> Path:
    root = labels_project(tmp_path_factory.mktemp("kill") / "base", server.url, LABELS, concurrency=2)
    assert cli(root, "pull").exit_code == 0
    return root


def test_sigkill_during_translate_loses_nothing_saved(pulled, server, tmp_path):
    rng = random.Random(20261125)
    total_saved = 0
    kills = 0
    for i in range(ITERATIONS):
        server.reset()
        server.faults.latency = 0.05
        root = tmp_path / f"run{i}"
        shutil.copytree(pulled, root)
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(root / "workflow.yaml")], cwd=root,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
        watcher = Watcher(root)
        watcher.start()
        # Kill anywhere from start-up to the last requests (80 in all, ~2 s of work).
        target = rng.randrange(0, 75)
        deadline = time.monotonic() + 30
        while server.count() < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.08) if target else rng.uniform(0, 0.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=30)
        watcher.stop.set()
        watcher.join()
        assert not watcher.errors, f"iteration {i}: {watcher.errors[:3]}"

        # Every catalog parses, with polib, with locflow and with msgfmt -c.
        for path in po_files(root):
            polib.pofile(str(path))
            read_po(path)
            check = msgfmt_check(path)
            assert check.returncode == 0, (i, path, check.stderr)
        # What was saved stays saved, exactly.
        now = {(lang, e.msgid): e for lang in LANGS for e in active(root / f"locales/{lang}/LC_MESSAGES/ui.po")}
        for key, msgstr in watcher.seen.items():
            assert now[key].msgstr == msgstr, f"iteration {i}: saved {key} lost or changed"
            assert state_of(now[key]) is State.MACHINE, (i, key)
        for key, e in now.items():
            assert state_of(e) in (State.MACHINE, State.UNTRANSLATED), (i, key, e.msgstr, e.flags, e.tcomment)
            if e.msgstr:
                assert e.msgstr == f"[{key[0]}] {key[1].upper()}", (i, key, e.msgstr)
        remaining = {(lang, msgid) for (lang, msgid), e in now.items() if not e.msgstr}
        total_saved += len(now) - len(remaining)

        # A rerun finishes the job and asks only for what is missing.
        server.reset()
        r = cli(root, "translate")
        assert r.exit_code == 0, (i, r.output)
        asked = [(req["params"]["tl"], req["params"]["q"]) for req in server.requests]
        assert sorted(asked) == sorted(remaining), f"iteration {i}: rerun re-requested finished work"
        for lang in LANGS:
            assert all(state_of(e) is State.MACHINE for e in active(root / f"locales/{lang}/LC_MESSAGES/ui.po"))
    assert kills >= ITERATIONS // 2, "the loop hardly ever killed a running translate"
    assert total_saved > 0, "no kill landed after a save: the test proved nothing"


# --------------------------------------------------------------------------- publish


def check_page(rel: str, data: bytes) -> None:
    text = data.decode("utf-8")
    assert text.rstrip().endswith("</html>"), f"{rel} is cut short"
    parse_html(text)  # one well-formed document


def old_and_new(tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A project with a complete old publish in build/, changed since; the new publish's bytes."""
    base = copy_sample(tmp_path / "base")
    assert cli(base, "publish").exit_code == 0
    cfg = base / "workflow.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("site: Estonian Free Press",
                                                           "site: Estonian Free Press Weekend"), encoding="utf-8")
    # One published article goes back to review in et: its pages must disappear in the new publish.
    manifest = json.loads((base / "build/manifest.json").read_text(encoding="utf-8"))
    slug = next(s for s in manifest["languages"]["et"]["articles"]["published"]
                if (base / f"locales/et/articles/{s}.po").is_file())
    r = cli(base, "review", "reject", "--lang", "et", "--catalog", f"articles/{slug}", "--match", "a",
            "--reason", "recheck", "--reviewer", "Mari Tamm")
    assert r.exit_code == 0, r.output
    old = {p.relative_to(base / "build").as_posix(): p.read_bytes() for p in (base / "build").rglob("*") if p.is_file()}
    ref = tmp_path / "ref"
    shutil.copytree(base, ref)
    assert cli(ref, "publish").exit_code == 0
    new = {p.relative_to(ref / "build").as_posix(): p.read_bytes() for p in (ref / "build").rglob("*") if p.is_file()}
    assert f"et/{slug}.html" in old and f"et/{slug}.html" not in new
    assert old["et/index.html"] != new["et/index.html"]
    return base, old, new


def test_sigkill_during_publish_leaves_old_or_new_files(tmp_path):
    base, old, new = old_and_new(tmp_path)
    rng = random.Random(4242)
    kills = 0
    for i in range(ITERATIONS):
        root = tmp_path / f"pub{i}"
        shutil.copytree(base, root)
        before = {p: p.stat().st_mtime_ns for p in (root / "build").rglob("*") if p.is_file()}
        proc = subprocess.Popen([sys.executable, "-m", "locflow", "publish"], cwd=root, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=child_env())
        if i % 2:
            time.sleep(rng.uniform(0.0, 0.8))  # anywhere, start-up included
        else:  # once writing has begun, then a little more
            deadline = time.monotonic() + 20
            while proc.poll() is None and time.monotonic() < deadline and all(
                    p.exists() and p.stat().st_mtime_ns == m for p, m in before.items()):
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=30)
        build = root / "build"
        leftovers = {p.relative_to(build).as_posix() for p in temp_files(build)}
        for p in sorted(build.rglob("*")):
            rel = p.relative_to(build).as_posix()
            if not p.is_file() or rel in leftovers:
                continue
            data = p.read_bytes()
            assert data in (old.get(rel), new.get(rel)), f"iteration {i}: {rel} is neither old nor new"
            if rel.endswith(".html"):
                check_page(rel, data)
            elif rel.endswith(".json"):
                json.loads(data)
        r = cli(root, "publish")
        assert r.exit_code == 0, (i, r.output)
        after = {p.relative_to(build).as_posix(): p.read_bytes() for p in build.rglob("*")
                 if p.is_file() and p.relative_to(build).as_posix() not in leftovers}
        assert after == new, f"iteration {i}: rerun did not produce the new publish"
    assert kills >= ITERATIONS // 2, "the loop hardly ever killed a running publish"


KILL_AT_FIRST_REMOVAL = """
import os, pathlib, signal, sys
real_unlink = pathlib.Path.unlink
def unlink(self, *args, **kwargs):
    if "build" in self.parts and not self.name.endswith(".tmp"):
        os.kill(os.getpid(), signal.SIGKILL)   # the power goes out as publish starts removing stale pages
    return real_unlink(self, *args, **kwargs)
pathlib.Path.unlink = unlink
from locflow.project import Project
from locflow.publish import publish
publish(Project.load(sys.argv[1]))
"""


def test_publish_killed_before_removing_stale_pages_removes_them_on_rerun(tmp_path):
    """A held-back article must not stay online because the run that held it back was killed."""
    base, old, new = old_and_new(tmp_path)
    gone = sorted(set(old) - set(new))
    assert gone
    proc = subprocess.run([sys.executable, "-c", KILL_AT_FIRST_REMOVAL, str(base / "workflow.yaml")], cwd=base,
                          capture_output=True, text=True, env=child_env(), timeout=60)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr)
    r = cli(base, "publish")
    assert r.exit_code == 0, r.output
    build = base / "build"
    still = [rel for rel in gone if (build / rel).exists()]
    assert not still, f"held-back files still published after the rerun: {still}"
