"""Memory matches and other languages beside the entry under review: the interactive review in a real
terminal (tmux, keys 1-3) and the review page in headless Chromium (Use buttons, Alt+1)."""
from __future__ import annotations

import io
from pathlib import Path

import polib
from rich.console import Console

from .conftest import write
from .test_review_tui import CHISINAU, REVIEWER, TITLE, TITLE_ET, find, needs_tmux, normalised, terminal  # noqa: F401
from .test_serve_browser import browser, page, server, url_of  # noqa: F401
from locflow.project import Project
from locflow.review import list_entries
from locflow.review_tui import Session
from locflow.states import State, state_of

# A follow-up headline as an agency translated it: the title under review with one word changed.
OLD_TITLE = TITLE.replace("grăbește", "pregătește")
OLD_TITLE_ET = "Chișinău valmistab ette energiavõrgu ühendamist Euroopa Liiduga"


def agency_memory(root: Path) -> None:
    write(root / "memory/agency.tmx", f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="memoQ" creationtoolversion="11" segtype="sentence" o-tmf="memoQ" adminlang="en-US"
          srclang="ro-RO" datatype="plaintext"/>
  <body>
    <tu>
      <tuv xml:lang="ro-RO"><seg>{OLD_TITLE}</seg></tuv>
      <tuv xml:lang="et-EE"><seg>{OLD_TITLE_ET}</seg></tuv>
    </tu>
  </body>
</tmx>
""")


@needs_tmux
def test_the_interactive_review_shows_matches_and_other_languages_and_1_takes_a_match(terminal, sample):  # noqa: F811
    agency_memory(sample)
    term = terminal(sample, "--lang", "et", "--catalog", "articles/chisinau-energy-interconnection",
                    "--reviewer", REVIEWER)
    term.wait_text("[1/10]")
    screen = term.wait_text("[q]uit")
    text = normalised(screen)
    assert "memory 1" in text and OLD_TITLE_ET in text and "memory/agency.tmx:" in text
    assert "[-pregătește-]" in text and "{+grăbește+}" in text  # what differs, marked
    assert "press 1 to edit starting from that memory match" in text
    lines = [line for line in screen.splitlines() if line.strip()]
    others = [line for line in lines if "Chișinău paātrina" in line or "Кишинёв ускоряет" in line]
    assert others, screen  # lv and ru beside the Estonian entry, with their states
    term.press("1")
    term.prompt(f"translation> {OLD_TITLE_ET}")  # the match, prefilled in the edit prompt
    term.send("C-a")
    term.type("Uudis: ")
    term.send("Enter")
    term.wait_text("saved as reviewed")
    e = find(sample, CHISINAU, TITLE)
    assert e.msgstr == f"Uudis: {OLD_TITLE_ET}" and state_of(e) is State.REVIEWED
    term.press("q")
    code, screen = term.wait_exit()
    assert code == 0 and "1 edited" in screen


def test_a_session_key_beyond_the_matches_shown_is_unknown(sample):
    keys = iter(["3", "q"])
    out = io.StringIO()
    session = Session(Project.load(sample / "workflow.yaml"), "et", ["articles/chisinau-energy-interconnection"],
                      REVIEWER, Console(file=out, width=200, highlight=False), lambda: next(keys),
                      lambda label, current: None, lambda text: None)
    agency_memory(sample)
    session.run()
    assert "unknown key '3'" in out.getvalue()
    assert find(sample, CHISINAU, TITLE).msgstr == TITLE_ET


def test_the_review_page_shows_matches_and_use_fills_the_edit_field(page, server, sample):  # noqa: F811
    agency_memory(sample)
    [entry] = list_entries(Project.load(sample / "workflow.yaml"), ["et"],
                           ["articles/chisinau-energy-interconnection"], match=TITLE)
    page.goto(url_of(server, entry))
    match = page.locator("#tm-1")
    assert "memory/agency.tmx:" in match.inner_text() and OLD_TITLE_ET in match.inner_text()
    assert match.locator("del").first.inner_text() == "[-pregătește-]"
    assert match.locator("ins").first.inner_text() == "{+grăbește+}"
    assert page.locator("#other-lv .badge").inner_text() == "approved"
    others = page.locator(".tm-other code").all_inner_texts()
    assert others.index("lv") < others.index("ro") if "ro" in others else "lv" in others
    page.click("#use-1")
    assert page.locator("textarea#t-0").input_value() == OLD_TITLE_ET
    page.locator("textarea#t-0").fill(TITLE_ET)  # back; now the keyboard
    page.locator("body").click()
    page.keyboard.press("Alt+1")
    assert page.locator("textarea#t-0").input_value() == OLD_TITLE_ET
    page.click("#save")
    page.wait_for_selector(".msg-ok")
    saved = [e for e in polib.pofile(str(sample / CHISINAU)) if e.msgid == TITLE][0]
    assert saved.msgstr == OLD_TITLE_ET and state_of(saved) is State.REVIEWED


def test_the_review_page_without_matches_says_so(page, server, sample):  # noqa: F811
    [entry] = list_entries(Project.load(sample / "workflow.yaml"), ["et"],
                           ["articles/chisinau-energy-interconnection"], match=TITLE)
    page.goto(url_of(server, entry))
    assert "No match of 50% or more." in page.locator("#memory").inner_text()
    assert page.locator("#use-1").count() == 0

