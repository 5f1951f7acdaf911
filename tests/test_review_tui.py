"""`locflow review --lang L`: the interactive review, driven in a real terminal (tmux) and, for
speed, through review_tui.Session with scripted keys, prompts and editor."""
from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable

import polib
import pytest
from rich.console import Console

from .conftest import break_author_placeholder, edit_file
from locflow.project import Project
from locflow.review_tui import Session
from locflow.states import State, content_sha, state_of

CHISINAU = "locales/et/articles/chisinau-energy-interconnection.po"
ET_UI = "locales/et/LC_MESSAGES/ui.po"
RU_UI = "locales/ru/LC_MESSAGES/ui.po"
TITLE = "Chișinăul grăbește interconectarea energetică cu Uniunea Europeană"
TITLE_ET = "Chișinău kiirendab energiavõrgu ühendamist Euroopa Liiduga"
REVIEWER = "Mari Tamm"

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def entries(root: Path, rel: str) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(root / rel)) if not e.obsolete]


def find(root: Path, rel: str, msgid: str) -> polib.POEntry:
    found = [e for e in entries(root, rel) if e.msgid == msgid]
    assert len(found) == 1, f"{len(found)} entries for {msgid!r}"
    return found[0]


def fuzzy_with_previous_msgid(root: Path) -> None:
    """`Subscribe to Updates` is fuzzy after a source change from `Subscribe for Updates`."""
    edit_file(root, ET_UI, 'msgid "Subscribe to Updates"\n',
              '#, fuzzy\n#| msgid "Subscribe for Updates"\nmsgid "Subscribe to Updates"\n')


def ru_plural_fuzzy(root: Path) -> None:
    edit_file(root, RU_UI, '#, python-format\nmsgid "%(count)s min read"\n',
              '#, fuzzy, python-format\nmsgid "%(count)s min read"\n')


def normalised(text: str) -> str:
    """Screen text without the panel's box characters, whitespace collapsed."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


# --- a real terminal ----------------------------------------------------------------------------

def _awaiting_key(screen: str) -> bool:
    lines = [line for line in screen.splitlines() if line.strip()]
    return bool(lines) and lines[-1].rstrip().endswith("[q]uit")


class Terminal:
    """One tmux server of our own (its own -L socket) running one `locflow review`."""

    def __init__(self, cwd: Path, args: list[str], home: Path) -> None:
        self.socket = f"locflow-test-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE", "NO_COLOR")}
        self.env.update(TERM="xterm", HOME=str(home), LANG="C.UTF-8", LC_ALL="C.UTF-8", EDITOR="false",
                        VISUAL="false")
        command = shlex.join(["env", "TERM=xterm", sys.executable, "-m", "locflow", *args])
        script = f'{command}; echo "[exit $?]"; sleep 600'
        self.tmux("new-session", "-d", "-s", "review", "-x", "160", "-y", "50", "-c", str(cwd), script)

    def tmux(self, *args: str) -> str:
        proc = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True,
                              text=True, env=self.env, timeout=30)
        assert proc.returncode == 0, f"tmux {args[0]}: {proc.stderr}"
        return proc.stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "review", *keys)

    def press(self, key: str) -> None:
        """One decision key, sent once locflow waits for it: click.getchar switches the terminal to
        raw mode with TCSAFLUSH, which drops keys typed ahead."""
        self.wait(_awaiting_key, "the key prompt")
        time.sleep(0.2)
        self.send(key)

    def prompt(self, label: str) -> str:
        screen = self.wait_text(label)
        time.sleep(0.2)
        return screen

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "review", "-l", text)

    def screen(self) -> str:
        """Everything printed so far (scrollback included), wrapped lines joined."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "review")

    def wait(self, until: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if until(text):
                return text
            if "[exit " in text and not until(text):
                raise AssertionError(f"locflow exited while waiting for {what}:\n{text}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}:\n{text}")
            time.sleep(0.1)

    def wait_text(self, needle: str, count: int = 1, timeout: float = 30) -> str:
        return self.wait(lambda s: s.count(needle) >= count, repr(needle) + (f" x{count}" if count > 1 else ""),
                         timeout)

    def wait_exit(self, timeout: float = 30) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            m = re.search(r"\[exit (\d+)\]", text)
            if m:
                return int(m.group(1)), text
            if time.monotonic() > deadline:
                raise AssertionError(f"locflow did not exit:\n{text}")
            time.sleep(0.1)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env, timeout=30)
        folder = Path(self.env.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)


@pytest.fixture
def terminal(tmp_path: Path):
    started: list[Terminal] = []
    home = tmp_path / "home"
    home.mkdir()

    def start(cwd: Path, *args: str) -> Terminal:
        term = Terminal(cwd, ["review", *args], home)
        started.append(term)
        return term

    try:
        yield start
    finally:
        for term in started:
            term.kill()


def wait_file(path: Path, until: Callable[[bytes], bool], what: str, timeout: float = 20) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        data = path.read_bytes()
        if until(data):
            return data
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what} in {path}")
        time.sleep(0.1)


def start_chisinau(terminal, sample: Path) -> Terminal:
    term = terminal(sample, "--lang", "et", "--catalog", "articles/chisinau-energy-interconnection",
                    "--reviewer", REVIEWER)
    term.wait_text("[1/10]")
    term.wait_text("[q]uit")
    return term


@needs_tmux
def test_first_entry_shows_source_translation_comments_glossary_and_state(terminal, sample):
    marker = next(line for line in (sample / CHISINAU).read_text(encoding="utf-8").splitlines()
                  if line.startswith("# locflow: machine draft 2026-11-25 "))
    edit_file(sample, CHISINAU, f"{marker}\n#. title\n",
              f"# headline: keep it under 60 characters\n{marker}\n#. title\n")
    term = start_chisinau(terminal, sample)
    screen = term.screen()
    title = next(line for line in screen.splitlines() if "[1/10]" in line)
    assert f"{CHISINAU}:" in title and "machine" in title
    text = normalised(screen)
    assert f"source {TITLE}" in text
    assert f"translation {TITLE_ET}" in text
    assert "extracted title" in text
    assert "comment headline: keep it under 60 characters" in text
    assert "locflow: machine" not in text  # the state is in the title; the raw marker is noise
    assert "glossary Chișinău → Chișinău" in text
    assert "[a]pprove" in text and "[r]eject" in text and "[u]ndo" in text and "[E]ditor" in text
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0
    assert "review: 0 approved, 0 edited, 0 rejected, 0 skipped" in screen


@needs_tmux
def test_a_approves_saves_and_moves_on(terminal, sample):
    path = sample / CHISINAU
    before = path.read_bytes()
    term = start_chisinau(terminal, sample)
    term.press("a")
    term.wait_text("[2/10]")
    assert path.read_bytes() != before
    e = find(sample, CHISINAU, TITLE)
    assert state_of(e) is State.APPROVED
    assert re.fullmatch(rf"locflow: approved {REVIEWER} \d{{4}}-\d{{2}}-\d{{2}}T\S+Z {content_sha(e)}", e.tcomment)
    assert "fuzzy" not in e.flags
    # only that entry changed
    assert sum(state_of(x) is State.APPROVED for x in entries(sample, CHISINAU)) == 1
    assert "approved" in term.screen()
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0 and "review: 1 approved, 0 edited, 0 rejected, 0 skipped" in screen


@needs_tmux
def test_r_with_a_reason_rejects(terminal, sample):
    term = start_chisinau(terminal, sample)
    term.press("r")
    term.prompt("reason>")
    term.type("too literal, see the style book")
    term.send("Enter")
    term.wait_text("[2/10]")
    e = find(sample, CHISINAU, TITLE)
    assert state_of(e) is State.FUZZY
    assert re.fullmatch(rf"locflow: rejected {REVIEWER} \d{{4}}-\d{{2}}-\d{{2}}T\S+Z: too literal, see the style book",
                        e.tcomment.replace("\n", " "))
    assert e.msgstr == TITLE_ET
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0 and "1 rejected" in screen


@needs_tmux
def test_u_undoes_the_last_decision_to_the_exact_bytes(terminal, sample):
    path = sample / CHISINAU
    original = path.read_bytes()
    term = start_chisinau(terminal, sample)
    term.press("a")
    term.wait_text("[2/10]")
    after_approval = wait_file(path, lambda d: d != original, "the approval")
    term.press("r")
    term.prompt("reason>")
    term.type("wrong term")
    term.send("Enter")
    term.wait_text("[3/10]")
    wait_file(path, lambda d: d != after_approval, "the rejection")
    term.press("u")
    term.wait_text("undone")
    term.wait_text("[2/10]", count=2)  # back on the rejected entry
    assert wait_file(path, lambda d: d == after_approval, "the undone rejection") == after_approval
    term.press("u")
    term.wait_text("undone", count=2)
    assert wait_file(path, lambda d: d == original, "the undone approval") == original
    term.wait_text("[1/10]", count=2)
    term.press("q")
    code, _ = term.wait_exit()
    assert code == 0
    assert path.read_bytes() == original


@needs_tmux
def test_e_edits_inline_with_the_text_prefilled(terminal, sample):
    term = start_chisinau(terminal, sample)
    term.press("e")
    term.prompt(f"translation> {TITLE_ET}")  # prefilled
    term.send("C-a")
    term.type("Uudis: ")
    term.send("Enter")
    term.wait_text("saved as reviewed")
    e = find(sample, CHISINAU, TITLE)
    assert e.msgstr == f"Uudis: {TITLE_ET}"
    assert state_of(e) is State.REVIEWED
    assert "fuzzy" not in e.flags and "locflow: machine" not in e.tcomment
    screen = term.wait_text("reviewed")
    assert f"translation Uudis: {TITLE_ET}" in normalised(screen)
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0 and "1 edited" in screen


@needs_tmux
def test_s_skips_without_touching_the_file(terminal, sample):
    path = sample / CHISINAU
    before = path.read_bytes()
    term = start_chisinau(terminal, sample)
    term.press("s")
    term.wait_text("[2/10]")
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0
    assert "review: 0 approved, 0 edited, 0 rejected, 1 skipped" in screen
    assert path.read_bytes() == before


@needs_tmux
def test_quitting_after_two_decisions_keeps_both(terminal, sample):
    term = start_chisinau(terminal, sample)
    term.press("a")
    term.wait_text("[2/10]")
    term.press("r")
    term.prompt("reason>")
    term.type("summary too long")
    term.send("Enter")
    term.wait_text("[3/10]")
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0
    assert "review: 1 approved, 0 edited, 1 rejected, 0 skipped" in screen
    states = [state_of(e) for e in entries(sample, CHISINAU)]
    assert states[0] is State.APPROVED
    assert states[1] is State.FUZZY
    assert all(s is State.MACHINE for s in states[2:])


@needs_tmux
def test_a_long_paragraph_is_shown_in_full(terminal, sample):
    """A reviewer must see the whole source and translation, not the part that fits on a line."""
    term = start_chisinau(terminal, sample)
    term.press("s")
    term.wait_text("[2/10]")
    term.press("s")
    screen = term.wait_text("[3/10]")
    paragraph = entries(sample, CHISINAU)[2]
    assert len(paragraph.msgstr) > 200
    shown = normalised(screen.split("[3/10]", 1)[1])
    assert " ".join(paragraph.msgid.split()) in shown
    assert " ".join(paragraph.msgstr.split()) in shown
    term.press("q")


@needs_tmux
def test_a_fuzzy_entry_shows_the_word_diff_of_its_previous_source(terminal, sample):
    fuzzy_with_previous_msgid(sample)
    term = terminal(sample, "--lang", "et", "--catalog", "ui", "--reviewer", REVIEWER)
    screen = term.wait_text("[1/1]")
    title = next(line for line in screen.splitlines() if "[1/1]" in line)
    assert "fuzzy" in title
    was = next(line for line in screen.splitlines() if "was " in line)
    assert "Subscribe [-for-] {+to+} Updates" in normalised(was)
    term.press("a")
    code, screen = term.wait_exit()
    assert code == 0 and "1 approved" in screen
    e = find(sample, ET_UI, "Subscribe to Updates")
    assert state_of(e) is State.APPROVED and e.previous_msgid is None


@needs_tmux
def test_an_entry_with_an_error_finding_cannot_be_approved(terminal, sample):
    break_author_placeholder(sample)
    path = sample / ET_UI
    before = path.read_bytes()
    term = terminal(sample, "--lang", "et", "--catalog", "ui", "--reviewer", REVIEWER)
    screen = term.wait_text("[1/1]")
    assert re.search(r"error\s+placeholders:", screen)
    term.press("a")
    screen = term.wait_text("cannot approve")
    assert re.search(r"cannot approve: .*placeholders", normalised(screen))
    assert "%(author)" in screen.split("cannot approve", 1)[1].split("\n")[0]  # names the placeholder
    term.wait_text("[1/1]", count=2)  # still on the same entry
    assert path.read_bytes() == before
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0 and "0 approved" in screen
    assert path.read_bytes() == before


@needs_tmux
def test_a_plural_entry_shows_and_edits_every_form(terminal, sample):
    ru_plural_fuzzy(sample)
    term = terminal(sample, "--lang", "ru", "--catalog", "ui", "--reviewer", REVIEWER)
    screen = normalised(term.wait_text("[1/1]"))
    assert "source %(count)s min read" in screen and "plural %(count)s min read" in screen
    assert "msgstr[0] %(count)s минута чтения" in screen
    assert "msgstr[1] %(count)s минуты чтения" in screen
    assert "msgstr[2] %(count)s минут чтения" in screen
    term.press("e")
    term.prompt("msgstr[0]> %(count)s минута чтения")
    term.send("Enter")
    term.prompt("msgstr[1]> %(count)s минуты чтения")
    term.send("Enter")
    term.prompt("msgstr[2]> %(count)s минут чтения")
    term.send("C-u")
    term.type("%(count)s минут на чтение")
    term.send("Enter")
    term.wait_text("saved as reviewed")
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0 and "1 edited" in screen
    e = find(sample, RU_UI, "%(count)s min read")
    assert [e.msgstr_plural[i] for i in range(3)] == ["%(count)s минута чтения", "%(count)s минуты чтения",
                                                    "%(count)s минут на чтение"]
    assert state_of(e) is State.REVIEWED


@needs_tmux
def test_nothing_to_review(terminal, sample):
    before = (sample / ET_UI).read_bytes()
    term = terminal(sample, "--lang", "et", "--catalog", "ui", "--reviewer", REVIEWER)
    code, screen = term.wait_exit()
    assert code == 0 and "nothing to review" in screen
    assert (sample / ET_UI).read_bytes() == before


def test_interactive_review_needs_a_known_lang(run_cli, sample):
    result = run_cli("review", "--reviewer", REVIEWER, cwd=sample)
    assert result.exit_code == 2 and "--lang" in result.stderr
    result = run_cli("review", "--lang", "xx", "--reviewer", REVIEWER, cwd=sample)
    assert result.exit_code == 2 and "unknown language `xx`" in result.stderr


def test_interactive_review_without_a_terminal_is_a_usage_error(sample):
    before = (sample / ET_UI).read_bytes()
    result = subprocess.run([sys.executable, "-m", "locflow", "review", "--lang", "et", "--reviewer", REVIEWER],
                            cwd=sample, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                            start_new_session=True)  # no controlling terminal either
    assert result.returncode == 2 and "needs a terminal" in result.stderr and "internal error" not in result.stderr
    assert (sample / ET_UI).read_bytes() == before


# --- Session, in-process ------------------------------------------------------------------------

TODAY = "2026-11-30"


class Script:
    """Scripted keys, prompt answers and editor results; records what was asked."""

    def __init__(self, keys: list, answers: list | None = None, edits: list | None = None) -> None:
        self.keys, self.answers, self.edits = list(keys), list(answers or []), list(edits or [])
        self.asked: list[tuple[str, str]] = []
        self.edited: list[str] = []

    def getkey(self) -> str:
        assert self.keys, "the session asked for more keys than the script has"
        key = self.keys.pop(0)
        return key() if callable(key) else key

    def ask(self, label: str, current: str) -> str | None:
        self.asked.append((label, current))
        assert self.answers, f"unexpected prompt {label!r}"
        return self.answers.pop(0)

    def edit(self, text: str) -> str | None:
        self.edited.append(text)
        assert self.edits, "unexpected editor"
        return self.edits.pop(0)


def session(root: Path, language: str, catalogs: list[str] | None, script: Script) -> tuple[Session, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, width=200, color_system=None, force_terminal=False, highlight=False)
    project = Project.load(root / "workflow.yaml")
    return Session(project, language, catalogs, REVIEWER, console, script.getkey, script.ask, script.edit,
                   today=TODAY), out


CHISINAU_CAT = ["articles/chisinau-energy-interconnection"]


def test_session_walks_approve_reject_skip_and_external_editor(sample):
    originals = [e.msgstr for e in entries(sample, CHISINAU)]
    script = Script(["a", "r", "s", "E", "q"], answers=["  too   literal "], edits=["Uus tekst toimetajalt\n"])
    s, out = session(sample, "et", CHISINAU_CAT, script)
    counts = s.run()
    assert counts == {"approved": 1, "edited": 1, "rejected": 1, "skipped": 1}
    got = entries(sample, CHISINAU)
    assert got[0].tcomment == f"locflow: approved {REVIEWER} {TODAY} {content_sha(got[0])}"
    assert state_of(got[0]) is State.APPROVED
    assert got[1].tcomment == f"locflow: rejected {REVIEWER} {TODAY}: too literal"
    assert state_of(got[1]) is State.FUZZY and got[1].msgstr == originals[1]
    assert state_of(got[2]) is State.MACHINE and got[2].msgstr == originals[2]
    # the external editor got the current text and its result (without the final newline) is saved
    assert script.edited and script.edited[0].rstrip("\n") == originals[3]
    assert got[3].msgstr == "Uus tekst toimetajalt"
    assert state_of(got[3]) is State.REVIEWED and got[3].tcomment == ""
    assert script.asked == [("reason", "")]
    assert all(state_of(e) is State.MACHINE for e in got[4:])
    text = out.getvalue()
    assert "[1/10]" in text and "[4/10]" in text and "[5/10]" not in text
    assert "review: 1 approved, 1 edited, 1 rejected, 1 skipped" in text


def test_session_inline_edit_of_a_plural_asks_every_form(sample):
    ru_plural_fuzzy(sample)
    script = Script(["e", "q"], answers=["%(count)s минута", "%(count)s минуты", "%(count)s минут"])
    s, _ = session(sample, "ru", ["ui"], script)
    assert s.run()["edited"] == 1
    assert script.asked == [("msgstr[0]", "%(count)s минута чтения"), ("msgstr[1]", "%(count)s минуты чтения"),
                            ("msgstr[2]", "%(count)s минут чтения")]
    e = find(sample, RU_UI, "%(count)s min read")
    assert dict(e.msgstr_plural) == {0: "%(count)s минута", 1: "%(count)s минуты", 2: "%(count)s минут"}
    assert state_of(e) is State.REVIEWED


@pytest.mark.parametrize("keys, answers, edits", [
    (["a", "u", "q"], [], []),
    (["r", "u", "q"], ["wrong term"], []),
    (["e", "u", "q"], ["Uus pealkiri"], []),
    (["E", "u", "q"], [], ["Uus pealkiri\n"]),
    (["a", "r", "u", "u", "q"], ["wrong term"], []),
])
def test_session_undo_restores_the_exact_bytes(sample, keys, answers, edits):
    path = sample / CHISINAU
    original = path.read_bytes()
    s, out = session(sample, "et", CHISINAU_CAT, Script(keys, answers, edits))
    s.run()
    assert "undone" in out.getvalue()
    assert path.read_bytes() == original


def test_session_undo_goes_back_to_the_undone_entry(sample):
    script = Script(["a", "a", "u", "s", "q"])
    s, out = session(sample, "et", CHISINAU_CAT, script)
    s.run()
    got = entries(sample, CHISINAU)
    assert state_of(got[0]) is State.APPROVED
    assert state_of(got[1]) is State.MACHINE  # approved, undone, then skipped
    text = out.getvalue()
    assert text.count("[2/10]") == 2  # shown again after the undo
    assert "[3/10]" in text


def test_session_summary_does_not_count_undone_decisions(sample):
    s, out = session(sample, "et", CHISINAU_CAT, Script(["a", "r", "u", "u", "q"], answers=["wrong term"]))
    counts = s.run()
    assert counts == {"approved": 0, "edited": 0, "rejected": 0, "skipped": 0}
    assert "review: 0 approved, 0 edited, 0 rejected, 0 skipped" in out.getvalue()


def test_session_undo_with_nothing_to_undo(sample):
    path = sample / CHISINAU
    before = path.read_bytes()
    s, out = session(sample, "et", CHISINAU_CAT, Script(["u", "q"]))
    s.run()
    assert "nothing to undo" in out.getvalue()
    assert path.read_bytes() == before


def test_session_reject_needs_a_reason(sample):
    path = sample / CHISINAU
    before = path.read_bytes()
    s, out = session(sample, "et", CHISINAU_CAT, Script(["r", "r", "q"], answers=["", "   "]))
    assert s.run()["rejected"] == 0
    assert out.getvalue().count("a rejection needs a reason") == 2
    assert "[2/10]" not in out.getvalue()
    assert path.read_bytes() == before


@pytest.mark.parametrize("key, answers, edits", [("e", [None], []), ("E", [], [None]), ("e", [TITLE_ET], [])])
def test_session_cancelled_or_unchanged_edit_writes_nothing(sample, key, answers, edits):
    path = sample / CHISINAU
    before = path.read_bytes()
    s, out = session(sample, "et", CHISINAU_CAT, Script([key, "q"], answers, edits))
    assert s.run()["edited"] == 0
    assert "cancelled" in out.getvalue() or "unchanged" in out.getvalue()
    assert path.read_bytes() == before


def test_session_refuses_to_approve_an_entry_with_an_error_finding(sample):
    break_author_placeholder(sample)
    path = sample / ET_UI
    before = path.read_bytes()
    s, out = session(sample, "et", ["ui"], Script(["a", "q"]))
    assert s.run()["approved"] == 0
    text = out.getvalue()
    assert "cannot approve: placeholders" in text
    assert re.search(r"error\s+placeholders:", text)
    assert path.read_bytes() == before


def test_session_honours_an_ignore_marker_like_check_does(sample):
    """`# locflow: ignore placeholders` on the entry: `locflow check` is silent about it, and so is the
    interactive review (it used to list the finding and refuse the approval)."""
    from locflow.checks.runner import run_checks

    break_author_placeholder(sample)
    edit_file(sample, ET_UI, '# locflow: machine google 2026-11-20\n#, fuzzy, python-format\nmsgid "By %(author)s"\n',
              '# locflow: ignore placeholders\n# locflow: machine google 2026-11-20\n#, fuzzy, python-format\n'
              'msgid "By %(author)s"\n')
    findings = run_checks(Project.load(sample / "workflow.yaml"), ["et"], ["ui"]).findings
    assert not [f for f in findings if f.check == "placeholders" and f.msgid == "By %(author)s"]
    s, out = session(sample, "et", ["ui"], Script(["q"]))
    s.run()
    text = out.getvalue()
    assert "By %(author)s" in text
    assert "placeholders:" not in text


def test_session_shows_glossary_findings_and_the_previous_source_diff(sample):
    fuzzy_with_previous_msgid(sample)
    s, out = session(sample, "et", ["ui"], Script(["q"]))
    s.run()
    text = out.getvalue()
    assert re.search(r"was\s+Subscribe \[-for-\] \{\+to\+\} Updates", text)
    s, out = session(sample, "et", CHISINAU_CAT, Script(["q"]))
    s.run()
    assert re.search(r"glossary\s+Chișinău → Chișinău", out.getvalue())


def test_session_saves_each_decision_before_a_crash(sample):
    def crash() -> str:
        raise KeyboardInterrupt

    s, _ = session(sample, "et", CHISINAU_CAT, Script(["a", "r", crash], answers=["tone"]))
    with pytest.raises(KeyboardInterrupt):
        s.run()
    got = entries(sample, CHISINAU)
    assert state_of(got[0]) is State.APPROVED
    assert state_of(got[1]) is State.FUZZY and "locflow: rejected" in got[1].tcomment


def test_session_applies_each_decision_to_a_fresh_read_of_the_file(sample):
    """Another editor saves the catalog while the reviewer is looking: nothing of theirs is lost."""
    path = sample / CHISINAU

    def someone_else_edits() -> str:
        catalog = polib.pofile(str(path))
        last = [e for e in catalog if not e.obsolete][-1]
        last.msgstr = "Teise toimetaja parandus."
        catalog.save(str(path))
        return "a"

    s, _ = session(sample, "et", CHISINAU_CAT, Script([someone_else_edits, "q"]))
    s.run()
    got = entries(sample, CHISINAU)
    assert state_of(got[0]) is State.APPROVED
    assert got[-1].msgstr == "Teise toimetaja parandus."


def test_session_never_approves_text_that_changed_after_it_was_shown(sample):
    """The helper found `a` approving (and signing the hash of) a text saved by someone else while the
    old one was on screen: now the decision is refused and the new text shown for a fresh decision."""
    path = sample / CHISINAU
    first = entries(sample, CHISINAU)[0]

    def someone_else_edits_this_entry() -> str:
        catalog = polib.pofile(str(path))
        entry = next(e for e in catalog if e.msgid == first.msgid)
        entry.msgstr = "Väline muudatus."
        catalog.save(str(path))
        return "a"

    s, out = session(sample, "et", CHISINAU_CAT, Script([someone_else_edits_this_entry, "q"]))
    counts = s.run()
    got = next(e for e in entries(sample, CHISINAU) if e.msgid == first.msgid)
    # edited under its machine marker: no longer the provider's text, so fuzzy (and never approved unseen)
    assert got.msgstr == "Väline muudatus." and state_of(first) is State.MACHINE and state_of(got) is State.FUZZY
    assert counts["approved"] == 0 and "changed on disk since it was shown" in out.getvalue()
    assert out.getvalue().count("Väline muudatus.") >= 1  # shown again, now with the new text


def test_session_undo_never_erases_a_later_edit_by_someone_else(sample):
    path = sample / CHISINAU
    first = entries(sample, CHISINAU)[0]

    def someone_else_edits_after_the_approval() -> str:
        catalog = polib.pofile(str(path))
        next(e for e in catalog if e.msgid == first.msgid).msgstr = "Hilisem parandus."
        catalog.save(str(path))
        return "u"

    s, out = session(sample, "et", CHISINAU_CAT, Script(["a", someone_else_edits_after_the_approval, "q"]))
    s.run()
    got = next(e for e in entries(sample, CHISINAU) if e.msgid == first.msgid)
    assert got.msgstr == "Hilisem parandus." and "not undone" in out.getvalue()


def test_session_unknown_key_shows_the_keys(sample):
    path = sample / CHISINAU
    before = path.read_bytes()
    s, out = session(sample, "et", CHISINAU_CAT, Script(["x", "q"]))
    s.run()
    assert "unknown key 'x'" in out.getvalue() and "[a]pprove" in out.getvalue()
    assert path.read_bytes() == before


def test_session_queue_is_what_needs_review(sample):
    # ui publishes at `reviewed`: only its machine/fuzzy entries wait; articles wait until approved
    break_author_placeholder(sample)
    s, _ = session(sample, "et", None, Script(["q"]))
    queued = [(cat.name, key[1]) for cat, key in s.queue]
    assert ("ui", "By %(author)s") in queued
    assert not any(name == "ui" and msgid != "By %(author)s" for name, msgid in queued)
    assert not any(name == "articles/eu-dual-use-export-checks" for name, _ in queued)  # all approved
    assert sum(name == "articles/chisinau-energy-interconnection" for name, _ in queued) == 10
    assert sum(name == "articles/kyiv-disinformation-response" for name, _ in queued) == 12  # reviewed


def test_session_with_nothing_to_review(sample):
    s, out = session(sample, "et", ["ui"], Script([]))
    assert s.run() == {"approved": 0, "edited": 0, "rejected": 0, "skipped": 0}
    assert "nothing to review" in out.getvalue()


def test_word_diff_shows_brackets_literally():
    """A removed word opening a bracket must not be taken for rich markup."""
    import io

    from rich.console import Console

    from locflow.review_tui import _diff

    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(_diff("see [link and more", "see [url and more"))
    assert out.getvalue().strip() == "see [-[link-] {+[url+} and more"


@needs_tmux
def test_keys_typed_ahead_in_one_write_are_each_handled(terminal, sample):
    """Five `a` typed at once arrived as one read and were refused as `unknown key 'aaaaa'`."""
    edit_file(sample, "workflow.yaml", "publish: reviewed", "publish: approved")
    term = terminal(sample, "--lang", "et", "--catalog", "ui", "--reviewer", REVIEWER)
    term.wait(_awaiting_key, "the key prompt")
    time.sleep(0.2)
    term.type("aaaaa")
    wait_file(sample / ET_UI, lambda data: data.count(b"# locflow: approved ") == 5, "five approvals")
    term.wait_text("[6/")
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0 and "unknown key" not in screen
    assert "review: 5 approved" in screen
    assert sum(state_of(e) is State.APPROVED for e in entries(sample, ET_UI)) == 5
