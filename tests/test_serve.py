"""`locflow serve`: every route and every refusal at the HTTP level (Flask's test client), on copies
of the sample project; decisions compared byte for byte with the CLI and the interactive review."""
from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from .conftest import break_author_placeholder, edit_file, hold_lock, snapshot
from locflow.cli import app as cli_app
from locflow.errors import LocflowError
from locflow.project import Project
from locflow.review import approve as core_approve
from locflow.review import list_entries
from locflow.review import review_queue
from locflow.review_tui import Session
from locflow.serve import Server, create_app
from locflow.serve.actions import entry_id
from locflow.states import State, content_sha, state_of
from locflow.status import status

TOKEN = "per-run-token-" + "k" * 30
BASE = "http://127.0.0.1:8765"
COOKIE = "locflow-8765"
REVIEWER = "Mari Tamm"
ET_UI = "locales/et/LC_MESSAGES/ui.po"
RU_UI = "locales/ru/LC_MESSAGES/ui.po"
CHISINAU = "articles/chisinau-energy-interconnection"
CHISINAU_ET = f"locales/et/{CHISINAU}.po"
TITLE = "Chișinăul grăbește interconectarea energetică cu Uniunea Europeană"
EU_CHECKS_RU = "locales/ru/articles/eu-dual-use-export-checks.po"
SCRIPT = "<script>alert('owned')</script>"


# --- fixtures and helpers ------------------------------------------------------------------------

@pytest.fixture
def twin(tmp_path: Path, sample: Path) -> Path:
    """A second copy, for the CLI to make the same decision on."""
    root = tmp_path / "twin"
    shutil.copytree(sample, root)
    return root


class Site:
    """The app on a project copy, and a test client that holds the session cookie."""

    def __init__(self, root: Path, languages: list[str] | None = None) -> None:
        self.root = root
        self.project = Project.load(root / "workflow.yaml")
        self.app = create_app(self.project, TOKEN, host="127.0.0.1", port=8765, languages=languages,
                              reviewer=REVIEWER)
        self.client = self.app.test_client()
        self.sid: str | None = None

    def raw(self, url: str, headers: dict[str, str]):
        """A GET with exactly these Host and Cookie headers (the client's cookie jar would replace them)."""
        return self.app.test_client(use_cookies=False).get(url, base_url=BASE, headers=headers)

    def login(self) -> "Site":
        r = self.get(f"/?token={TOKEN}")
        assert r.status_code == 303, r.text
        self.sid = re.search(rf"{COOKIE}=([^;]+)", r.headers["Set-Cookie"]).group(1)
        return self

    def get(self, url: str, **kw):
        return self.client.get(url, base_url=BASE, **kw)

    def post(self, url: str, data: dict, **kw):
        return self.client.post(url, base_url=BASE, data=data, **kw)

    def page(self, lang: str, catalog: str, msgid: str, msgctxt: str | None = None, query: str = ""):
        r = self.get(entry_url(lang, catalog, msgid, msgctxt) + query)
        assert r.status_code == 200, r.text
        return r

    def decide(self, action: str, lang: str, catalog: str, msgid: str, msgctxt: str | None = None, *,
               query: str = "", **fields):
        """What the entry page's form sends: its CSRF token, the hash of the text shown, the fields."""
        shown = self.page(lang, catalog, msgid, msgctxt, query).text
        data = {"csrf": hidden(shown, "csrf"), "sha": hidden(shown, "sha"), **fields}
        return self.post(action_url(action, lang, catalog, msgid, msgctxt) + query, data)


def entry_url(lang: str, catalog: str, msgid: str, msgctxt: str | None = None) -> str:
    return f"/entry/{lang}/{catalog}/{entry_id(msgctxt, msgid)}"


def action_url(action: str, lang: str, catalog: str, msgid: str, msgctxt: str | None = None) -> str:
    return f"/{action}/{lang}/{catalog}/{entry_id(msgctxt, msgid)}"


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def find(root: Path, rel: str, msgid: str, msgctxt: str | None = None) -> polib.POEntry:
    found = [e for e in polib.pofile(str(root / rel)) if not e.obsolete and e.msgid == msgid and e.msgctxt == msgctxt]
    assert len(found) == 1, f"{len(found)} entries for {msgid!r}"
    return found[0]


def cli(root: Path, *args: str):
    result = CliRunner().invoke(cli_app, ["--config", str(root / "workflow.yaml"), *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.output
    return result


def listed(page: str) -> list[str]:
    """The entry links of a list page, without their query strings."""
    return [html.unescape(h).split("?")[0] for h in re.findall(r'<td class="text"><a href="([^"]+)"', page)]


EPOCH = 1764460800  # 2025-11-30T00:00:00Z: decisions made by the page and by the CLI carry the same time


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))


def today() -> str:
    """What a decision records under the fixed clock."""
    return "2025-11-30T00:00:00Z"


@pytest.fixture
def site(sample: Path) -> Site:
    return Site(sample).login()


# --- the token, the cookie, the session -----------------------------------------------------------

def test_the_token_opens_a_session_in_an_httponly_strict_cookie_and_leaves_the_address_bar(sample):
    s = Site(sample)
    r = s.get(f"/entries?lang=et&token={TOKEN}&state=machine")
    assert r.status_code == 303
    assert r.headers["Location"] == "/entries?lang=et&state=machine"
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert TOKEN not in cookie  # the cookie names a session; the token itself is not stored
    assert s.get("/entries?lang=et&state=machine").status_code == 200


def test_every_route_needs_the_session(sample):
    s = Site(sample)
    for url in ("/", "/entries", entry_url("et", "ui", "Home"), "/static/style.css", "/static/keys.js"):
        r = s.get(url)
        assert r.status_code == 403, url
        assert "token" in r.text
        assert "Set-Cookie" not in r.headers
    s.login()
    for url in ("/", "/entries", entry_url("et", "ui", "Home"), "/static/style.css", "/static/keys.js"):
        assert s.get(url).status_code == 200, url


def test_a_wrong_token_is_refused_and_opens_no_session(sample):
    s = Site(sample)
    r = s.get("/?token=" + TOKEN[:-1] + "x")
    assert r.status_code == 403
    assert "Set-Cookie" not in r.headers
    assert s.get("/").status_code == 403


def test_a_made_up_session_cookie_is_refused(sample):
    s = Site(sample)
    assert s.raw("/", {"Cookie": f"{COOKIE}={TOKEN}"}).status_code == 403
    s.login()
    assert s.raw("/", {"Cookie": f"{COOKIE}={s.sid}"}).status_code == 200
    assert s.raw("/", {"Cookie": f"{COOKIE}={s.sid[:-2]}"}).status_code == 403


def test_the_token_in_a_post_query_does_not_authenticate(sample):
    before = snapshot(sample)
    r = Site(sample).post(action_url("approve", "et", CHISINAU, TITLE) + f"?token={TOKEN}", {"sha": "x"})
    assert r.status_code == 403
    assert snapshot(sample) == before


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "127.0.0.1", "localhost.evil.example:8765",
                                  "127.0.0.1:8765@evil.example", ""])
def test_a_host_header_that_is_not_this_server_is_refused(sample, host):
    s = Site(sample).login()
    ok = s.raw("/", {"Host": "127.0.0.1:8765", "Cookie": f"{COOKIE}={s.sid}"})
    assert ok.status_code == 200  # the same request with this server's own Host goes through
    r = s.raw("/", {"Host": host, "Cookie": f"{COOKIE}={s.sid}"})
    assert r.status_code == 403
    assert "Host" in r.text


def test_localhost_is_this_server_too(sample):
    s = Site(sample).login()
    assert s.raw("/", {"Host": "localhost:8765", "Cookie": f"{COOKIE}={s.sid}"}).status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:9999", "https://127.0.0.1:8765",
                                    "null", "http://127.0.0.1:8765.evil.example"])
def test_a_post_from_another_origin_is_refused_and_changes_nothing(site, sample, origin):
    shown = site.page("et", CHISINAU, TITLE).text
    data = {"csrf": hidden(shown, "csrf"), "sha": hidden(shown, "sha"), "next": "0"}
    before = snapshot(sample)
    r = site.post(action_url("approve", "et", CHISINAU, TITLE), data, headers={"Origin": origin})
    assert r.status_code == 403
    assert "origin" in r.text
    assert snapshot(sample) == before
    # the same form from this server's own origin is accepted
    r = site.post(action_url("approve", "et", CHISINAU, TITLE), data, headers={"Origin": BASE})
    assert r.status_code == 303
    assert snapshot(sample) != before


def test_a_null_origin_is_this_page_only_when_the_browser_says_same_origin(site, sample):
    """Under `Referrer-Policy: no-referrer` Chromium posts this page's own forms with `Origin: null`."""
    shown = site.page("et", CHISINAU, TITLE).text
    data = {"csrf": hidden(shown, "csrf"), "sha": hidden(shown, "sha")}
    before = snapshot(sample)
    for site_header in (None, "cross-site", "same-site"):
        headers = {"Origin": "null", **({"Sec-Fetch-Site": site_header} if site_header else {})}
        assert site.post(action_url("approve", "et", CHISINAU, TITLE), data, headers=headers).status_code == 403
    assert snapshot(sample) == before
    r = site.post(action_url("approve", "et", CHISINAU, TITLE), data,
                  headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303
    assert state_of(find(sample, CHISINAU_ET, TITLE)) is State.APPROVED


def test_a_get_from_another_origin_is_refused(site):
    assert site.get("/", headers={"Origin": "http://evil.example"}).status_code == 403


def test_a_cross_site_fetch_is_refused(site, sample):
    shown = site.page("et", CHISINAU, TITLE).text
    before = snapshot(sample)
    r = site.post(action_url("approve", "et", CHISINAU, TITLE),
                  {"csrf": hidden(shown, "csrf"), "sha": hidden(shown, "sha")},
                  headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert snapshot(sample) == before


@pytest.mark.parametrize("action", ["approve", "edit", "reject", "reopen"])
def test_get_on_an_action_is_405_and_changes_nothing(site, sample, action):
    before = snapshot(sample)
    r = site.get(action_url(action, "et", CHISINAU, TITLE) + "?reason=x&form-0=x")
    assert r.status_code == 405
    assert "POST" in r.headers["Allow"]
    assert snapshot(sample) == before


@pytest.mark.parametrize("csrf", [None, "", "wrong", "other-session"])
@pytest.mark.parametrize("action", ["approve", "edit", "reject", "reopen"])
def test_an_action_without_the_sessions_csrf_token_is_refused(sample, action, csrf):
    site = Site(sample).login()
    shown = site.page("et", CHISINAU, TITLE).text
    data = {"sha": hidden(shown, "sha"), "reason": "too literal", "form-0": "Uus tekst", "next": "0"}
    if csrf == "other-session":  # a valid token, but of another browser's session
        other = Site.__new__(Site)
        other.__dict__.update(site.__dict__)
        other.client = site.app.test_client()
        other.login()
        csrf = hidden(other.page("et", CHISINAU, TITLE).text, "csrf")
        assert csrf != hidden(shown, "csrf")
    if csrf is not None:
        data["csrf"] = csrf
    before = snapshot(sample)
    r = site.post(action_url(action, "et", CHISINAU, TITLE), data)
    assert r.status_code == 403
    assert "CSRF" in r.text
    assert snapshot(sample) == before


def test_security_headers_on_pages_refusals_and_assets(sample):
    s = Site(sample)
    responses = [s.get("/")]
    s.login()
    responses += [s.get("/"), s.get("/entries"), s.page("et", "ui", "Home"), s.get("/static/style.css"),
                  s.get("/entry/et/ui/nope")]
    for r in responses:
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert r.headers["X-Frame-Options"] == "DENY"
    assert s.get("/").headers["Cache-Control"] == "no-store"


def test_pages_load_nothing_from_the_network_and_run_no_inline_script(site):
    for url in ("/", "/entries?lang=ru", entry_url("ru", "ui", "%(count)s min read")):
        page = site.get(url).text
        assert not re.search(r'(src|href)="(https?:)?//', page), url
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url  # every script is a file of this server
        assert " style=" not in page and "<style" not in page  # the CSP forbids inline styles too


# --- pages ---------------------------------------------------------------------------------------

def test_dashboard_shows_every_language_and_catalog_with_counts_by_state(site, sample):
    page = site.get("/").text
    rows = status(Project.load(sample / "workflow.yaml"))
    for lang in ("en", "et", "lv", "lt", "pl", "ro", "ru", "uk"):
        mine = [r for r in rows if r.language == lang]
        for state in ("approved", "reviewed", "machine"):
            n = sum(r.states[state] for r in mine)
            if n:
                assert f'href="/entries?lang={lang}&amp;state={state}">{n}</a>' in page, (lang, state)
        assert f'href="/entries?lang={lang}&amp;state=review"' in page
    for r in rows:
        done = r.states["reviewed"] + r.states["approved"]
        cell = f'href="/entries?lang={r.language}&amp;catalog={r.catalog}"'
        assert cell in page, cell
        tail = page[page.index(cell):]
        assert f'{done}/{r.total}' in tail[:tail.index("</a>")], r


def test_dashboard_of_one_language(sample):
    s = Site(sample, languages=["et"]).login()
    page = s.get("/").text
    assert "Estonian" in page and "Russian" not in page
    assert s.get("/entries?lang=ru").status_code == 400
    assert s.get(entry_url("ru", "ui", "Home")).status_code == 404
    assert s.get(entry_url("et", "ui", "Home")).status_code == 200


@pytest.mark.parametrize("query, selectors", [
    ("lang=et&state=machine", dict(languages=["et"], states=["machine"])),
    ("lang=ru&catalog=ui", dict(languages=["ru"], catalogs=["ui"])),
    ("catalog=articles/*-drill&state=approved", dict(catalogs=["articles/*-drill"], states=["approved"])),
    ("q=subscribe", dict(match="subscribe")),
    ("lang=uk&q=Києв", dict(languages=["uk"], match="Києв")),
])
def test_entry_list_shows_what_review_list_selects(site, sample, query, selectors):
    page = site.get("/entries?" + query).text
    want = list_entries(Project.load(sample / "workflow.yaml"), **selectors)
    assert want, "a filter that selects nothing proves nothing"
    assert f"{len(want)} entr" in page
    assert listed(page) == [entry_url(e.language, e.catalog, e.msgid, e.msgctxt) for e in want][:100]


def test_needs_review_lists_what_the_interactive_review_walks(site, sample):
    page = site.get("/entries?lang=lv&state=review").text
    queue = review_queue(Project.load(sample / "workflow.yaml"), "lv", None)
    assert queue
    assert listed(page) == [f"/entry/lv/{cat.name}/{entry_id(*key)}" for cat, key in queue]


def test_entry_list_pages_through_long_lists(site, sample):
    everything = list_entries(Project.load(sample / "workflow.yaml"))
    assert len(everything) > 100
    first, second = site.get("/entries").text, site.get("/entries?page=2").text
    assert len(listed(first)) == 100
    assert 'href="/entries?page=2"' in first
    assert listed(first) + listed(second) == [entry_url(e.language, e.catalog, e.msgid, e.msgctxt)
                                              for e in everything][:100 + len(listed(second))]


@pytest.mark.parametrize("query, message", [("state=done", "unknown state"), ("catalog=nope", "no catalog matches"),
                                            ("lang=xx", "not served")])
def test_a_bad_filter_is_a_400_that_says_why(site, query, message):
    r = site.get("/entries?" + query)
    assert r.status_code == 400
    assert message in r.text


def test_entry_view_shows_context_comments_source_and_translation(site):
    page = site.page("et", "ui", "Subscribe", "button").text
    assert '<span class="text">button</span>' in page  # the context
    assert "site/templates/" in page  # where it is used
    assert re.search(r'<textarea id="t-0" name="form-0"[^>]*>\nTelli</textarea>', page)
    assert '<span class="badge s-reviewed" id="state">reviewed</span>' in page
    heading = site.page("et", "ui", "Subscribe", "heading").text
    assert '<span class="text">heading</span>' in heading
    author = site.page("et", "ui", "%(count)s min read").text
    assert "estimated reading time, shown in its own element next to the date" in author  # extracted comment


def test_plural_forms_are_all_in_the_page_with_tabs_as_anchors(site, sample):
    page = site.page("ru", "ui", "%(count)s min read").text
    entry = find(sample, RU_UI, "%(count)s min read")
    for i in range(3):
        assert f'<a class="tab" href="#form-{i}" data-tab="{i}">' in page
        assert f'<section class="pair form-panel" id="form-{i}">' in page
        assert f'name="form-{i}"' in page and f">\n{entry.msgstr_plural[i]}</textarea>" in page
    assert "n = 1, 21, 31, 41, …" in page and "n = 2, 3, 4, 22, …" in page and "n = 0, 5, 6, 7, …" in page


@pytest.mark.parametrize("previous, diff", [
    ("Subscribe for <b>Updates</b>", "Subscribe <del>[-for &lt;b&gt;Updates&lt;/b&gt;-]</del> <ins>{+to Updates+}</ins>"),
    ("Subscribe [now to Updates", "Subscribe <del>[-[now-]</del> to Updates"),  # an unclosed bracket is text
])
def test_a_fuzzy_entry_shows_the_word_diff_against_the_previous_source(site, sample, previous, diff):
    edit_file(sample, ET_UI, 'msgid "Subscribe to Updates"\n',
              f'#, fuzzy\n#| msgid "{previous}"\nmsgid "Subscribe to Updates"\n')
    page = site.page("et", "ui", "Subscribe to Updates").text
    assert f'<span class="text diff">{diff}</span>' in page
    assert "Source changed" not in site.page("et", "ui", "Home").text


def test_glossary_terms_are_highlighted_with_their_mandated_translation(site):
    page = site.page("ru", "articles/eu-dual-use-export-checks",
                     "Customs authorities across the EU are preparing to apply a common checklist to shipments of "
                     "electronic components, aiming to close the routes through which sanctioned goods still reach "
                     "Russia via intermediary countries. The step targets items with both civilian and military "
                     "uses, such as microchips, and answers a long-standing demand from Kyiv.").text
    assert '<mark class="term" title="glossary: Киев">Kyiv<span class="gloss"> → Киев</span></mark>' in page
    assert '<mark class="term" title="glossary: ЕС">EU<span class="gloss"> → ЕС</span></mark>' in page
    assert re.search(r'<span class="src">Kyiv</span> →\s*<span class="dst">Киев</span>', page)
    assert "never: Киев" not in page  # ru has no forbidden wording for Kyiv
    assert "✓ used" in page


def test_a_missing_mandated_term_is_shown_as_not_used_and_blocks_approval(site, sample):
    entry = find(sample, EU_CHECKS_RU, "Customs authorities across the EU are preparing to apply a common checklist "
                 "to shipments of electronic components, aiming to close the routes through which sanctioned goods "
                 "still reach Russia via intermediary countries. The step targets items with both civilian and "
                 "military uses, such as microchips, and answers a long-standing demand from Kyiv.")
    edit_file(sample, EU_CHECKS_RU, "требованию Киева", "требованию Кива")
    page = site.page("ru", "articles/eu-dual-use-export-checks", entry.msgid).text
    assert "✗ not used" in page
    assert "glossary-mandated" in page and "blocks approval" in page


def test_check_findings_are_inline_and_the_blocking_ones_disable_approve(site, sample):
    break_author_placeholder(sample)
    page = site.page("et", "ui", "By %(author)s").text
    assert re.search(r'<li class="finding sev-error"><span class="sev">error</span> <code>placeholders</code> '
                     r'[^<]*%\(author\)s[^<]*<strong class="blocks">blocks approval</strong>', page)
    assert re.search(r'id="approve-next" class="ok" disabled', page)
    assert "Cannot approve:" in page
    clean = site.page("et", "ui", "Home").text
    assert "No findings." in clean and "disabled" not in clean


def test_a_broken_catalog_is_a_page_naming_the_file_and_line_not_a_traceback(site, sample):
    edit_file(sample, ET_UI, 'msgid "Home"\nmsgstr "Avaleht"\n', 'msgid "Home"\nmsgstr "Avaleht\n')
    for url in ("/", "/entries?lang=et", entry_url("et", "ui", "Home")):
        r = site.get(url)
        assert r.status_code == 500, url
        assert f"{ET_UI}:" in r.text and "Traceback" not in r.text
    assert site.get(entry_url("ru", "ui", "Home")).status_code == 200  # the other catalogs still work


def test_unknown_entry_catalog_or_language_is_404(site):
    assert site.get("/entry/et/ui/0000000000000000").status_code == 404
    assert site.get(f"/entry/et/articles/nope/{entry_id(None, 'Home')}").status_code == 404
    assert site.get(f"/entry/xx/ui/{entry_id(None, 'Home')}").status_code == 404
    assert site.get("/nope").status_code == 404


# --- decisions, compared with the CLI -------------------------------------------------------------

def po_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "locales").rglob("*.po"))}


def test_approve_writes_what_review_approve_writes(site, sample, twin):
    before = po_files(sample)
    r = site.decide("approve", "et", CHISINAU, TITLE, next="0")
    assert r.status_code == 303
    result = cli(twin, "review", "approve", "--lang", "et", "--catalog", CHISINAU, "--match", TITLE,
                 "--reviewer", REVIEWER)
    assert result.exit_code == 0, result.output
    assert po_files(sample) == po_files(twin)
    changed = [k for k, v in po_files(sample).items() if before[k] != v]
    assert changed == [CHISINAU_ET]
    entry = find(sample, CHISINAU_ET, TITLE)
    assert state_of(entry) is State.APPROVED
    assert f"locflow: approved {REVIEWER} {today()} {content_sha(entry)}" in entry.tcomment
    assert "fuzzy" not in entry.flags and "machine" not in entry.tcomment
    followed = site.get(r.headers["Location"]).text
    assert "approved" in followed and 'class="msg msg-ok"' in followed


def test_reject_writes_what_review_reject_writes(site, sample, twin):
    reason = "Too literal: use the  style book"
    r = site.decide("reject", "et", "ui", "Home", reason=reason, next="0")
    assert r.status_code == 303
    result = cli(twin, "review", "reject", "--lang", "et", "--catalog", "ui", "--match", "Avaleht", "--reason", reason,
                 "--reviewer", REVIEWER)
    assert result.exit_code == 0, result.output
    assert po_files(sample) == po_files(twin)
    entry = find(sample, ET_UI, "Home")
    assert state_of(entry) is State.FUZZY
    assert f"locflow: rejected {REVIEWER} {today()}: Too literal: use the style book" in entry.tcomment.replace("\n", " ")


def test_reopen_writes_what_review_reopen_writes(site, sample, twin):
    approved = [e for e in list_entries(site.project, ["et"], states=["approved"])]
    target = approved[0]
    r = site.decide("reopen", "et", target.catalog, target.msgid, target.msgctxt, next="0")
    assert r.status_code == 303
    result = cli(twin, "review", "reopen", "--lang", "et", "--catalog", target.catalog, "--match", target.msgid,
                 "--exact", "--reviewer", REVIEWER)
    assert result.exit_code == 0, result.output
    assert po_files(sample) == po_files(twin)
    rel = f"locales/et/{target.catalog}.po"
    assert state_of(find(sample, rel, target.msgid, target.msgctxt)) is State.REVIEWED


def test_edit_writes_what_the_interactive_reviews_edit_writes(site, sample, twin):
    project = Project.load(twin / "workflow.yaml")
    cat, key = review_queue(project, "et", [CHISINAU])[0]
    new = "Chișinău kiirendab ühendamist Euroopa Liidu energiavõrguga"
    keys = iter(["e", "q"])
    Session(project, "et", [CHISINAU], REVIEWER, _quiet(), lambda: next(keys), lambda label, current: new,
            lambda text: None).run()
    r = site.decide("edit", "et", CHISINAU, key[1], key[0], **{"form-0": new, "next": "0"})
    assert r.status_code == 303
    assert po_files(sample) == po_files(twin)
    entry = find(sample, CHISINAU_ET, key[1], key[0])
    assert entry.msgstr == new and state_of(entry) is State.REVIEWED
    assert "fuzzy" not in entry.flags and "locflow: machine" not in (entry.tcomment or "")


def _quiet():
    import io

    from rich.console import Console

    return Console(file=io.StringIO(), width=120)


def test_edit_of_a_plural_entry_sets_every_form_and_turns_crlf_into_lf(site, sample):
    forms = ["%(count)s минута\r\nчтения", "%(count)s минуты чтения", "%(count)s минут чтения!"]
    r = site.decide("edit", "ru", "ui", "%(count)s min read", **{f"form-{i}": f for i, f in enumerate(forms)})
    assert r.status_code == 303
    entry = find(sample, RU_UI, "%(count)s min read")
    assert [entry.msgstr_plural[i] for i in range(3)] == [f.replace("\r\n", "\n") for f in forms]
    assert state_of(entry) is State.REVIEWED


def test_an_unchanged_edit_writes_nothing(site, sample):
    before = snapshot(sample)
    r = site.decide("edit", "et", "ui", "Home", **{"form-0": "Avaleht"})
    assert r.status_code == 303
    assert snapshot(sample) == before
    assert "unchanged" in site.get(r.headers["Location"]).text


def test_an_edit_with_the_wrong_number_of_forms_is_refused(site, sample):
    before = snapshot(sample)
    r = site.decide("edit", "ru", "ui", "%(count)s min read", **{"form-0": "x", "form-1": "y"})
    assert r.status_code == 400
    assert "expected 3 translation forms, got 2" in r.text
    assert snapshot(sample) == before


def test_approve_is_refused_with_the_reasons_review_approve_gives(site, sample, twin):
    break_author_placeholder(sample)
    break_author_placeholder(twin)
    before = snapshot(sample)
    r = site.decide("approve", "et", "ui", "By %(author)s", next="1")
    assert r.status_code == 409
    assert snapshot(sample) == before
    refused = core_approve(Project.load(twin / "workflow.yaml"), "et", catalogs=["ui"], match="By %(author)s",
                           reviewer=REVIEWER).refused
    assert len(refused) == 1 and refused[0].reasons
    assert any(reason.startswith("placeholders: ") for reason in refused[0].reasons)
    for reason in refused[0].reasons:
        assert f"<li>{html.escape(reason, quote=False)}</li>" in r.text
    assert "cannot approve" in r.text


def test_reject_needs_a_reason(site, sample):
    before = snapshot(sample)
    r = site.decide("reject", "et", "ui", "Home", reason="   ")
    assert r.status_code == 400
    assert "a rejection needs a reason" in r.text
    assert snapshot(sample) == before


def test_a_decision_on_text_changed_since_the_page_was_loaded_is_refused(site, sample):
    shown = site.page("et", CHISINAU, TITLE).text
    # meanwhile `locflow translate` (or a PO editor) writes another translation
    old = find(sample, CHISINAU_ET, TITLE).msgstr
    edit_file(sample, CHISINAU_ET, f'msgstr "{old}"', 'msgstr "Chișinău kiirendab ühendust"')
    before = snapshot(sample)
    answers = {}
    for action, fields in (("approve", {}), ("edit", {"form-0": "Minu tekst"}), ("reject", {"reason": "x"})):
        r = answers[action] = site.post(action_url(action, "et", CHISINAU, TITLE),
                                        {"csrf": hidden(shown, "csrf"), "sha": hidden(shown, "sha"), **fields})
        assert r.status_code == 409, action
        assert "changed since this page was loaded" in r.text
        assert ">\nChișinău kiirendab ühendust</textarea>" in r.text  # the page now shows the new text
        assert snapshot(sample) == before
    assert '<pre class="draft">Minu tekst</pre>' in answers["edit"].text  # the reviewer's text is not lost


def test_approve_and_next_goes_to_the_next_entry_of_the_same_list(site, sample):
    query = "?lang=et&state=machine"
    machine = list_entries(site.project, ["et"], states=["machine"])
    first, second = machine[0], machine[1]
    r = site.decide("approve", "et", first.catalog, first.msgid, first.msgctxt, query=query, next="1")
    assert r.status_code == 303
    assert r.headers["Location"] == entry_url("et", second.catalog, second.msgid, second.msgctxt) + query
    page = site.get(r.headers["Location"]).text
    assert "approved" in page
    # the approved entry left the list; its neighbour is now the list's first
    assert listed(site.get("/entries" + query).text)[0] == entry_url("et", second.catalog, second.msgid,
                                                                      second.msgctxt)


def test_save_and_next_after_the_last_entry_returns_to_the_list(site, sample):
    query = "?lang=et&catalog=ui&q=Avaleht"
    r = site.decide("edit", "et", "ui", "Home", query=query, **{"form-0": "Esileht", "next": "1"})
    assert r.status_code == 303
    assert r.headers["Location"] == "/entries" + query
    assert "that was the last entry" in site.get(r.headers["Location"]).text


def test_catalogs_stay_valid_po_after_every_kind_of_decision(site, sample):
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU msgfmt is not installed")
    site.decide("approve", "et", CHISINAU, TITLE)
    site.decide("reject", "et", "ui", "Home", reason='quotes " and \\ backslashes')
    site.decide("edit", "ru", "ui", "%(count)s min read",
                **{"form-0": '%(count)s "b"', "form-1": "%(count)s минуты\tчтения", "form-2": "%(count)s\nминут"})
    for rel in (CHISINAU_ET, ET_UI, RU_UI):
        proc = subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(sample / rel)],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_an_edit_that_msgfmt_would_reject_is_refused(site, sample):
    before = snapshot(sample)
    r = site.decide("edit", "ru", "ui", "%(count)s min read",
                    **{"form-0": "%(count)s минута чтения\r\n", "form-1": "\n%(count)s минуты", "form-2": "x"})
    assert r.status_code == 400
    assert "form 0 has a line break at the end, unlike the source" in r.text
    assert "form 1 has a line break at the start, unlike the source" in r.text
    assert "Your text (not saved):" in r.text
    assert snapshot(sample) == before


# --- escaping ------------------------------------------------------------------------------------

def test_catalog_text_is_escaped_everywhere(site, sample):
    edit_file(sample, ET_UI, 'msgid "Home"\nmsgstr "Avaleht"\n',
              f'msgid "Home"\nmsgstr "{SCRIPT}\\"><img src=x onerror=alert(1)>"\n')
    crumb = "Breadcrumb <script>alert(3)</script>"
    edit_file(sample, ET_UI, 'msgctxt "aria"\nmsgid "Breadcrumb"\n',
              f'# reviewer note: <b onmouseover=alert(2)>look</b>\nmsgctxt "<i>aria</i>"\nmsgid "{crumb}"\n')
    pages = [site.page("et", "ui", "Home").text, site.get("/entries?lang=et&q=script").text,
             site.page("et", "ui", crumb, "<i>aria</i>").text]
    for page in pages:
        assert "<script>alert" not in page
        assert "<img src=x" not in page and "<b onmouseover" not in page and "<i>aria" not in page
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in pages[0]
    assert "&lt;script&gt;alert(&#39;owned&#39;)" in pages[1] and "Breadcrumb &lt;script&gt;alert(3)" in pages[1]
    assert "&lt;b onmouseover=alert(2)&gt;look&lt;/b&gt;" in pages[2]
    assert '<p class="text" lang="en">Breadcrumb &lt;script&gt;alert(3)&lt;/script&gt;</p>' in pages[2]
    assert '<span class="text">&lt;i&gt;aria&lt;/i&gt;</span>' in pages[2]
    # the glossary's notes and forms are shown escaped as well
    edit_file(sample, "glossaries/terms.csv", "Capital of Ukraine.", "Capital <script>alert(4)</script> of Ukraine.")
    edit_file(sample, "glossaries/terms.csv", ",Kiev,Киев,Київ; Києв*,", ",Kiev,Киев <b>!</b>,Київ; Києв*,")
    glossary = Site(sample).login().get("/entries?lang=ru&q=demand from Kyiv").text
    gloss_url = html.unescape(re.search(r'<td class="text"><a href="([^"]+)"', glossary).group(1))
    page = Site(sample).login().get(gloss_url).text
    assert "Capital &lt;script&gt;alert(4)&lt;/script&gt; of Ukraine." in page and "<script>alert" not in page
    assert "→ Киев &lt;b&gt;!&lt;/b&gt;</span></mark>" in page and "<b>!" not in page
    # a rejected draft and a refusal echo the text escaped, too
    r = site.decide("edit", "et", "ui", "Home", **{"form-0": SCRIPT, "form-1": "extra"})
    assert r.status_code == 400 and "<script>alert" not in r.text


def test_a_script_saved_through_the_page_is_stored_as_text_and_shown_escaped(site, sample):
    r = site.decide("edit", "et", "ui", "Home", **{"form-0": SCRIPT})
    assert r.status_code == 303
    assert find(sample, ET_UI, "Home").msgstr == SCRIPT
    page = site.get(r.headers["Location"]).text
    assert SCRIPT not in page and ">\n&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;</textarea>" in page


# --- the project lock ----------------------------------------------------------------------------

def with_lock_timeout(root: Path, seconds: float) -> None:
    path = root / "workflow.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"lock_timeout: {seconds}\n", encoding="utf-8")


def test_a_decision_while_another_process_holds_the_lock_fails_cleanly(sample):
    with_lock_timeout(sample, 1)
    site = Site(sample).login()
    shown = site.page("et", CHISINAU, TITLE).text
    data = {"csrf": hidden(shown, "csrf"), "sha": hidden(shown, "sha")}
    before = snapshot(sample)
    holder = hold_lock(sample, 5)
    try:
        start = time.monotonic()
        r = site.post(action_url("approve", "et", CHISINAU, TITLE), data)
        elapsed = time.monotonic() - start
        assert holder.poll() is None, "the holder let go too early for this test to mean anything"
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert r.status_code == 503
    assert "another locflow run held the project lock" in r.text
    assert 0.9 <= elapsed < 5
    assert snapshot(sample) == before
    assert site.post(action_url("approve", "et", CHISINAU, TITLE), data).status_code == 303
    assert state_of(find(sample, CHISINAU_ET, TITLE)) is State.APPROVED


def test_a_decision_waits_for_a_lock_released_within_lock_timeout(sample):
    with_lock_timeout(sample, 30)
    site = Site(sample).login()
    shown = site.page("et", CHISINAU, TITLE).text
    holder = hold_lock(sample, 1.5)
    try:
        start = time.monotonic()
        r = site.post(action_url("approve", "et", CHISINAU, TITLE),
                      {"csrf": hidden(shown, "csrf"), "sha": hidden(shown, "sha")})
        elapsed = time.monotonic() - start
    finally:
        holder.wait(timeout=30)
    assert r.status_code == 303
    assert elapsed >= 1.0
    assert state_of(find(sample, CHISINAU_ET, TITLE)) is State.APPROVED


# --- the real server -----------------------------------------------------------------------------

def test_the_server_answers_on_a_free_port_with_its_url(sample):
    import threading

    server = Server(Project.load(sample / "workflow.yaml"), "127.0.0.1", 0, reviewer=REVIEWER)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert server.port > 0
        assert re.fullmatch(rf"http://127\.0\.0\.1:{server.port}/\?token=[\w-]{{40,}}", server.url)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{server.origin}/", timeout=10)
        assert refused.value.code == 403
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(server.url, timeout=10) as r:  # the redirect sets the cookie, the dashboard follows
            assert r.status == 200 and r.url == f"{server.origin}/"
            assert "Translation progress" in r.read().decode("utf-8")
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_port_in_use_is_a_usage_error_with_a_hint(sample):
    project = Project.load(sample / "workflow.yaml")
    first = Server(project, "127.0.0.1", 0, reviewer=REVIEWER)
    try:
        with pytest.raises(LocflowError) as exc:
            Server(project, "127.0.0.1", first.port, reviewer=REVIEWER)
        assert exc.value.exit_code == 2
        assert str(first.port) in exc.value.message and "--port" in exc.value.hint
    finally:
        first.httpd.server_close()


SERVE = """\
import sys
from locflow.project import Project
from locflow.serve import serve_command
serve_command(Project.load(sys.argv[1]), "127.0.0.1", 0, "et", False)
print("returned normally", flush=True)
"""


def test_serve_command_prints_the_url_serves_and_stops_on_ctrl_c(sample, tmp_path):
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(f"[user]\n\tname = {REVIEWER}\n", encoding="utf-8")
    env = dict(os.environ, GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1", COLUMNS="200")
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(sample / "workflow.yaml")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "?token=" in line or not line:
                break
        url = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", "".join(lines))
        assert url, "".join(lines) + proc.stderr.read()
        assert REVIEWER in "".join(lines)  # the reviewer comes from git's user.name
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(url.group(0), timeout=30) as r:  # the redirect sets the cookie; the dashboard follows
            page = r.read().decode("utf-8")
        assert r.status == 200 and "Translation progress" in page and "Estonian" in page
        assert "Russian" not in page  # --lang et serves Estonian only
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped" in out and "returned normally" in out
    assert "Traceback" not in err
    assert url.group(0).split("token=")[1] not in err  # no request log with the token in it
