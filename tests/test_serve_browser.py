"""`locflow serve` end to end in headless Chromium (Debian's package, driven by Playwright): the real
server on a free loopback port, the token URL, the keyboard, and the PO files on disk."""
from __future__ import annotations

import datetime as dt
import re
import struct
import threading
import zlib
from pathlib import Path

import polib
import pytest

from .conftest import snapshot
from locflow.project import Project
from locflow.review import list_entries
from locflow.serve import Server
from locflow.serve.actions import entry_id
from locflow.states import State, content_sha, state_of

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
REVIEWER = "Mari Tamm"
ET_UI = "locales/et/LC_MESSAGES/ui.po"

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="Python playwright is not installed (pip install playwright)"),
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="no browser: /usr/bin/chromium is missing (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except PlaywrightError as exc:  # pragma: no cover - depends on the machine
            pytest.skip(f"Chromium does not start here: {exc.message.splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture
def server(sample: Path):
    """The real werkzeug server of `locflow serve` on a free loopback port, in a thread."""
    running = Server(Project.load(sample / "workflow.yaml"), "127.0.0.1", 0, reviewer=REVIEWER)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser, server):
    """A fresh browser profile logged in with the printed URL; fails the test on script or CSP errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.set_default_timeout(15_000)
    tab.goto(server.url)
    assert tab.url == f"{server.origin}/"  # the token left the address bar
    yield tab
    context.close()
    assert problems == []


def po_entry(root: Path, rel: str, msgid: str, msgctxt: str | None = None) -> polib.POEntry:
    found = [e for e in polib.pofile(str(root / rel)) if not e.obsolete and e.msgid == msgid and e.msgctxt == msgctxt]
    assert len(found) == 1
    return found[0]


def url_of(server: Server, e, query: str = "") -> str:
    return f"{server.origin}/entry/{e.language}/{e.catalog}/{entry_id(e.msgctxt, e.msgid)}{query}"


def test_open_the_dashboard_go_to_an_entry_and_approve_it_with_the_keyboard(page, server, sample):
    machine = list_entries(Project.load(sample / "workflow.yaml"), ["et"], states=["machine"])
    first, second = machine[0], machine[1]
    rel = f"locales/et/{first.catalog}.po"
    before = {(e.msgctxt, e.msgid): str(e) for e in polib.pofile(str(sample / rel))}

    assert page.locator("h1").inner_text() == "Translation progress"
    page.click('a[href="/entries?lang=et&state=machine"]')
    page.wait_for_url(f"{server.origin}/entries?lang=et&state=machine")
    page.locator("table.list a").first.click()
    page.wait_for_url(url_of(server, first, "?lang=et&state=machine"))
    assert page.locator("#state").inner_text() == "machine"
    assert page.locator("textarea#t-0").input_value() == first.translation[0]

    page.keyboard.press("a")  # approve and go to the next entry of the same list
    page.wait_for_url(url_of(server, second, "?lang=et&state=machine"))
    assert page.locator(".msg-ok").inner_text() == "approved"

    entry = po_entry(sample, rel, first.msgid, first.msgctxt)
    assert state_of(entry) is State.APPROVED
    assert entry.msgstr == first.translation[0] and "fuzzy" not in entry.flags
    marker = re.compile(rf"# locflow: approved {REVIEWER} {dt.datetime.now(dt.timezone.utc):%Y-%m-%d}T\S+Z "
                        rf"{content_sha(entry)}")
    assert marker.search(str(entry)), str(entry)
    after = {(e.msgctxt, e.msgid): str(e) for e in polib.pofile(str(sample / rel))}
    assert {k for k in before if before[k] != after[k]} == {(first.msgctxt, first.msgid)}


def test_edit_and_save_and_next_with_ctrl_enter(page, server, sample):
    machine = list_entries(Project.load(sample / "workflow.yaml"), ["et"], states=["machine"])
    first, second = machine[0], machine[1]
    page.goto(url_of(server, first, "?lang=et&state=machine"))
    page.keyboard.press("e")  # focus the translation
    assert page.evaluate("document.activeElement.id") == "t-0"
    page.keyboard.press("Control+a")
    page.keyboard.type("Chișinău kiirendab ühendamist Euroopaga")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(url_of(server, second, "?lang=et&state=machine"))
    entry = po_entry(sample, f"locales/et/{first.catalog}.po", first.msgid, first.msgctxt)
    assert entry.msgstr == "Chișinău kiirendab ühendamist Euroopaga"
    assert state_of(entry) is State.REVIEWED and "locflow: machine" not in (entry.tcomment or "")


def test_a_key_does_not_approve_an_unsaved_edit_or_a_blocked_entry(page, server, sample):
    machine = list_entries(Project.load(sample / "workflow.yaml"), ["et"], states=["machine"])
    page.goto(url_of(server, machine[0]))
    before = snapshot(sample)
    page.fill("textarea#t-0", "muudetud, salvestamata")
    page.keyboard.press("Escape")  # leave the text field
    assert page.evaluate("document.activeElement.tagName") == "BODY"
    page.keyboard.press("a")
    assert page.locator("#dirty-note").is_visible()
    assert page.url == url_of(server, machine[0]) and snapshot(sample) == before

    path = sample / ET_UI
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('#, python-format\nmsgid "By %(author)s"\nmsgstr "Autor: %(author)s"\n',
                                 '#, fuzzy, python-format\nmsgid "By %(author)s"\nmsgstr "Autor"\n'), encoding="utf-8")
    before = snapshot(sample)
    blocked = f"{server.origin}/entry/et/ui/{entry_id(None, 'By %(author)s')}"
    page.goto(blocked)
    assert page.locator("#approve-next").is_disabled()
    page.keyboard.press("a")
    page.wait_for_timeout(300)
    assert page.url == blocked and snapshot(sample) == before


def test_plural_forms_are_tabs_with_the_script(page, server):
    page.goto(f"{server.origin}/entry/ru/ui/{entry_id(None, '%(count)s min read')}")
    visible = lambda: [page.locator(f"#form-{i}").is_visible() for i in range(3)]  # noqa: E731
    assert visible() == [True, False, False]
    page.keyboard.press("3")
    assert visible() == [False, False, True]
    page.click('a.tab[href="#form-1"]')
    assert visible() == [False, True, False]
    assert page.locator("a.tab.active").inner_text().startswith("Form 1")


# --- the screenshot ------------------------------------------------------------------------------

def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """(width, height, RGB pixels) of an 8-bit, non-interlaced RGB or RGBA PNG, with zlib alone."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    pixels = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        pixels += [tuple(line[i:i + 3]) for i in range(0, stride, bpp)]
        prev = line
    return width, height, pixels


def near(pixel: tuple[int, int, int], hex_colour: str, tolerance: int = 6) -> bool:
    want = bytes.fromhex(hex_colour.lstrip("#"))
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, want))


def test_screenshot_of_the_entry_view_is_a_rendered_page(page, server, sample, tmp_path):
    msgid = next(e.msgid for e in polib.pofile(str(sample / "locales/ru/articles/eu-dual-use-export-checks.po"))
                 if "Kyiv" in e.msgid)
    page.set_viewport_size({"width": 1100, "height": 720})
    page.goto(f"{server.origin}/entry/ru/articles/eu-dual-use-export-checks/{entry_id(None, msgid)}")
    png = page.screenshot()
    (tmp_path / "entry.png").write_bytes(png)  # left for a person to look at when this fails
    width, height, pixels = decode_png(png)
    assert (width, height) == (1100, 720)
    colours = set(pixels)
    dark = sum(1 for r, g, b in pixels if 0.299 * r + 0.587 * g + 0.114 * b < 90)
    assert len(colours) >= 200, f"{len(colours)} colours: a blank or unstyled page"
    assert dark >= 3000, f"{dark} dark pixels: no text on the page"
    counts = {name: sum(1 for p in pixels if near(p, colour)) for name, colour in
              {"header": "#1f4e79", "machine badge": "#8e6bd1", "glossary mark": "#fff2b8",
               "approve button": "#2e9e5b"}.items()}
    assert counts["header"] >= width * 30, counts  # the styled top bar
    for name in ("machine badge", "glossary mark", "approve button"):
        assert counts[name] >= 100, (name, counts)
