"""Hostile content (issue 17): nothing a translation, a provider or a contributor's template injects
reaches readers or the machine.

The loopback server (conftest's FaultServer) plays a hostile MT provider: it appends links,
placeholders or terminal escapes to well-formed translations, echoes the API key, trickles its
reply one byte at a time, or sends hundreds of times more text than it was given. Hand edits
play a malicious pull request to the catalogs; a template plays one to the site.
"""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest

from locflow.states import State, state_of

from .conftest import active, cli, copy_sample, labels_project, locflow, msgfmt_check, po_files
from .test_hostile import set_msgstr

DONATE = " [Donate now](//evil.example/pay) ![](//evil.example/px.gif)"
ARTICLE = """---
slug: hostile-links
title: "Air defence budget grows"
language: en
date: 2026-11-02
section: National Security
author: Test Writer
summary: "The ministry adds money for radars."
---

The ministry published [the full plan](https://example.org/plan) on Monday.

Officials expect the new radars to arrive next year.
"""


def article_project(tmp_path: Path, url: str) -> Path:
    """The sample with one new English article, MT pointed at the loopback server, articles gated at
    `reviewed` (so a hand edit publishes without an approval, the laxest gate an editor could set)."""
    root = copy_sample(tmp_path / "s")
    (root / "site/articles/hostile-links.md").write_text(ARTICLE, encoding="utf-8")
    cfg = root / "workflow.yaml"
    text = cfg.read_text(encoding="utf-8").replace("providers: [memory, google]", "providers: [google]")
    text = text.replace("publish: approved", "publish: reviewed")
    text = re.sub(r"(?m)^  timeout: .*$", "  timeout: 2\n  google: {url: \"" + url + "/m\"}", text)
    text = re.sub(r"(?m)^  retries: .*$", "  retries: 1", text)
    cfg.write_text(text, encoding="utf-8")
    assert cli(root, "pull").exit_code == 0
    return root


def build_text(root: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted((root / "build").rglob("*"))
                     if p.is_file())


# --------------------------------------------------------------------------- links


def test_links_a_provider_injects_are_never_saved_clean_approved_or_published(tmp_path, mt):
    root = article_project(tmp_path, mt.url)
    mt.extra.append = DONATE
    r = cli(root, "translate", "--lang", "et", "--catalog", "articles/hostile-links")
    assert r.exit_code == 0, r.output
    path = root / "locales/et/articles/hostile-links.po"
    entries = active(path)
    assert entries and all(e.msgstr for e in entries)
    for e in entries:
        assert state_of(e) is State.FUZZY and "mt-problem" in e.tcomment and "evil.example" in e.tcomment, e.tcomment
    r = cli(root, "check", "--lang", "et", "--catalog", "articles/hostile-links", "--format", "json")
    assert r.exit_code == 1
    found = {f["msgid"] for f in json.loads(r.stdout)["findings"] if f["check"] == "urls" and f["severity"] == "error"}
    assert found == {e.msgid for e in entries}
    # An editor clears fuzzy on every entry by hand (the gate is `reviewed`): publish still refuses.
    for e in entries:
        set_msgstr(path, e.msgid, e.msgstr)
    assert cli(root, "review", "approve", "--lang", "et", "--catalog", "articles/hostile-links",
               "--reviewer", "Mari Tamm").exit_code == 1
    r = cli(root, "publish")
    assert r.exit_code == 0, r.output
    held = {h["slug"]: h["reason"] for h in
            json.loads((root / "build/manifest.json").read_text(encoding="utf-8"))["languages"]["et"]["articles"]["held_back"]}
    assert "hostile-links" in held, held
    assert "evil.example" not in build_text(root)


@pytest.mark.parametrize("added", ["[a](HTTPS://evil.example)", "<HTTPS://evil.example/auto>", "[d](evil.example/rel)",
                                   "![](//evil.example/px.gif)", "www.evil.example/x", "//evil.example/pay",
                                   '<a href="//evil.example">x</a>'])
def test_a_link_added_by_hand_is_an_error_refused_and_never_published(sample, added):
    ui = sample / "locales/et/LC_MESSAGES/ui.po"
    set_msgstr(ui, "Trending", f"Populaarne {added}")
    r = cli(sample, "check", "--lang", "et", "--catalog", "ui", "--only", "urls", "--format", "json")
    assert r.exit_code == 1, r.output
    assert any(f["msgid"] == "Trending" and "evil.example" in f["message"] for f in json.loads(r.stdout)["findings"])
    r = cli(sample, "review", "approve", "--lang", "et", "--catalog", "ui", "--match", "Trending", "--reviewer", "M")
    assert r.exit_code == 1 and "refused" in r.stdout
    assert cli(sample, "publish", "--lang", "et").exit_code == 0
    assert "evil.example" not in build_text(sample)


def test_a_link_the_source_has_may_stay(tmp_path):
    from locflow.textscan import added_links

    source = "Read <1>the plan</1> at https://example.org/plan or [here](https://example.org/plan)."
    assert added_links(source, "Loe <1>plaani</1>: HTTPS://EXAMPLE.ORG/plan või [siin](https://example.org/plan).") == []
    assert added_links("Read <1>the plan</1>.", "Loe <1>plaani</1> [siit](https://example.org/plan).") \
        == ["https://example.org/plan"]


# --------------------------------------------------------------------------- tags


@pytest.mark.parametrize("added", ["<svg/onload=alert(1)>", "<img/src/onerror=alert(1)>", "<b>", "<u>x</u>",
                                   "<!-- x -->", "<span class=x>!</span>"])
def test_added_tags_read_as_a_browser_reads_them(sample, added):
    ui = sample / "locales/et/LC_MESSAGES/ui.po"
    set_msgstr(ui, "Trending", f"Populaarne {added}")
    r = cli(sample, "check", "--lang", "et", "--catalog", "ui", "--only", "markup", "--format", "json")
    assert r.exit_code == 1, r.output
    assert any(f["msgid"] == "Trending" for f in json.loads(r.stdout)["findings"])
    assert cli(sample, "review", "approve", "--lang", "et", "--catalog", "ui", "--match", "Trending",
               "--reviewer", "M").exit_code == 1
    assert cli(sample, "publish", "--lang", "et").exit_code == 0
    bundle = json.loads((sample / "build/et/ui.json").read_text(encoding="utf-8"))
    assert "Trending" not in bundle, "the bundle carries markup its source entry does not have"
    mo = polib.mofile(str(sample / "build/et/LC_MESSAGES/ui.mo"))
    assert all(e.msgid != "Trending" for e in mo)


def test_a_closed_allowlisted_tag_may_be_added(sample):
    ui = sample / "locales/et/LC_MESSAGES/ui.po"
    set_msgstr(ui, "Trending", "<b>Populaarne</b>")
    r = cli(sample, "check", "--lang", "et", "--catalog", "ui", "--only", "markup", "--format", "json")
    assert [f for f in json.loads(r.stdout)["findings"] if f["msgid"] == "Trending"] == []


# --------------------------------------------------------------------------- templates


def test_a_template_reaching_python_internals_fails_with_file_line(tmp_path):
    root = copy_sample(tmp_path / "s")
    marker = tmp_path / "pwned"
    footer = root / "site/templates/partials/footer.html"
    lines = footer.read_text(encoding="utf-8").splitlines()
    footer.write_text("\n".join([*lines, f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}", ""]),
                      encoding="utf-8")
    r = locflow("publish", cwd=root)
    assert r.returncode == 2, r.stderr
    assert f"site/templates/partials/footer.html:{len(lines) + 1}:" in r.stderr and "sandbox" in r.stderr
    assert "Traceback" not in r.stderr
    assert not marker.exists()


# --------------------------------------------------------------------------- deadlines and sizes


def test_a_trickling_provider_ends_with_exit_3_and_saved_work(tmp_path, server):
    server.reset()
    root = labels_project(tmp_path / "p", server.url, ["Fast label", "Slow label"], languages=("en", "et"),
                          timeout=2, retries=1)
    assert cli(root, "pull").exit_code == 0
    server.extra.trickle, server.extra.trickle_match = 0.5, "Slow"  # every read arrives well inside the timeout
    try:
        r = locflow("translate", "--lang", "et", cwd=root, timeout=60)
    finally:
        server.reset()
    assert r.returncode == 3, r.stderr + r.stdout
    assert "within 2 s" in r.stdout + r.stderr
    done = {e.msgid: state_of(e) for e in active(root / "locales/et/LC_MESSAGES/ui.po")}
    assert done == {"Fast label": State.MACHINE, "Slow label": State.UNTRANSLATED}


@pytest.mark.parametrize("size", [5_000, 9_000_000])
def test_an_oversized_reply_is_refused_and_nothing_huge_is_saved(tmp_path, mt, size):
    root = labels_project(tmp_path / "p", mt.url, ["Short label"], languages=("en", "et"), providers="[libre]")
    assert cli(root, "pull").exit_code == 0
    mt.extra.huge = size
    r = cli(root, "translate", "--lang", "et")
    assert r.exit_code == 3, r.output
    assert ("larger than 8 MB" if size > 8_000_000 else "more than 20x") in r.output
    path = root / "locales/et/LC_MESSAGES/ui.po"
    assert path.stat().st_size < 2_000 and state_of(active(path)[0]) is State.UNTRANSLATED


# --------------------------------------------------------------------------- control characters

ESCAPES = "\x1b[2J\x1b[32mpassed: 0 errors\x1b[0m\x00\x9b"


def hostile_reply(tmp_path: Path, mt, label: str, *, providers: str = "[google]", env: dict | None = None,
                  **faults):
    """Translate one label into et while the server misbehaves as `faults` say: (project, run, the entry)."""
    root = labels_project(tmp_path / "p", mt.url, [label], languages=("en", "et"), providers=providers)
    assert cli(root, "pull").exit_code == 0
    for name, value in faults.items():
        setattr(mt.extra, name, value)
    r = cli(root, "translate", "--lang", "et", env=env)
    (e,) = active(root / "locales/et/LC_MESSAGES/ui.po")
    return root, r, e


def test_control_characters_from_a_provider_are_an_mt_problem(tmp_path, mt):
    _, r, e = hostile_reply(tmp_path, mt, "Short label", append="\x1b[2J\x07")
    assert r.exit_code == 0, r.output
    assert state_of(e) is State.FUZZY and "control characters \\x1b \\x07" in e.tcomment, e.tcomment


def test_control_characters_in_a_catalog_are_flagged_and_never_printed_raw(sample):
    ui = sample / "locales/et/LC_MESSAGES/ui.po"
    set_msgstr(ui, "Trending", "Populaarne" + ESCAPES)
    for fmt in ("text", "github", "junit"):
        r = locflow("check", "--lang", "et", "--catalog", "ui", "--format", fmt, cwd=sample)
        assert r.returncode == 1, r.stderr
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", r.stdout), (fmt, r.stdout)
        assert "control-chars" in r.stdout
        if fmt == "junit":
            ET.fromstring(r.stdout)  # valid XML
    r = locflow("review", "list", "--lang", "et", "--catalog", "ui", "--match", "Trending", cwd=sample)
    assert r.returncode == 0 and "\\x1b[2J" in r.stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", r.stdout + r.stderr)
    assert cli(sample, "review", "approve", "--lang", "et", "--catalog", "ui", "--match", "Trending",
               "--reviewer", "M").exit_code == 1


# --------------------------------------------------------------------------- keys and placeholders


def test_a_provider_echoing_its_key_gets_no_key_into_catalogs(tmp_path, mt):
    key = "sk-FAKE-libre/0123+4567=89ab:cdef"
    root, r, e = hostile_reply(tmp_path, mt, "Short label", providers="[libre]", env={"LIBRETRANSLATE_API_KEY": key},
                               echo_key=True)
    assert r.exit_code == 0, r.output
    assert mt.requests and mt.requests[0]["params"].get("api_key") == key
    text = (root / "locales/et/LC_MESSAGES/ui.po").read_text(encoding="utf-8")
    assert key not in text and "***" in text
    assert state_of(e) is State.FUZZY and "API key" in e.tcomment


def test_placeholders_a_provider_adds_are_an_mt_problem(tmp_path, mt):
    _, r, e = hostile_reply(tmp_path, mt, "By %(author)s", append=" %n %(secret)s %s")
    assert r.exit_code == 0, r.output
    assert "python-format" in e.flags
    assert state_of(e) is State.FUZZY and "mt-problem" in e.tcomment and "%(secret)s" in e.tcomment, e.tcomment


@pytest.mark.parametrize("command", [["check"], ["review", "list", "--lang", "et"], ["publish"]])
def test_an_oversized_entry_is_refused_with_file_line(sample, command):
    ui = sample / "locales/et/LC_MESSAGES/ui.po"
    set_msgstr(ui, "Trending", "x" * 300_000)
    line = next(e.linenum for e in polib.pofile(str(ui)) if e.msgid == "Trending")
    r = locflow(*command, "--format", "json", cwd=sample) if command == ["check"] else locflow(*command, cwd=sample)
    out = r.stdout + r.stderr
    if command == ["check"]:
        assert r.returncode == 1 and "over the 262144 limit" in out and "Traceback" not in out
    else:
        assert r.returncode == 2, out
        assert f"locales/et/LC_MESSAGES/ui.po:{line}" in out and "over the 262144 limit" in out


def test_an_oversized_catalog_is_refused_before_parsing(sample, monkeypatch):
    import locflow.potokens as potokens

    monkeypatch.setattr(potokens, "MAX_CATALOG_BYTES", 1000)  # the real limit is 64 MB: the rule, not the number
    r = cli(sample, "review", "list", "--lang", "et", "--catalog", "ui")
    assert r.exit_code == 2 and "over the 0 MB limit" in r.stderr, r.output


# --------------------------------------------------------------------------- the output tree and .locflow


@pytest.mark.parametrize("link", ["build", "build/et"])
def test_publish_refuses_symlinks_in_the_output_tree(tmp_path, link):
    root = copy_sample(tmp_path / "s")
    outside = tmp_path / "outside"
    outside.mkdir()
    if link != "build":
        (root / "build").mkdir(exist_ok=True)
    (root / link).symlink_to(outside, target_is_directory=True)
    r = locflow("publish", cwd=root)
    assert r.returncode == 2 and "symlink" in r.stderr, r.stderr
    assert list(outside.iterdir()) == []


def hold_back(root: Path) -> str:
    """Make the first article published in et due no more (one entry back to fuzzy); its slug."""
    manifest = json.loads((root / "build/manifest.json").read_text(encoding="utf-8"))
    slug = manifest["languages"]["et"]["articles"]["published"][0]
    po = polib.pofile(str(root / f"locales/et/articles/{slug}.po"))
    next(e for e in po if e.msgid and not e.obsolete).flags.append("fuzzy")
    po.save()
    return slug


def test_a_crafted_manifest_deletes_nothing_publish_did_not_write(tmp_path):
    root = copy_sample(tmp_path / "s")
    assert locflow("publish", cwd=root).returncode == 0
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me", encoding="utf-8")
    (root / "build/CNAME").write_text("news.example\n", encoding="utf-8")  # the site owner's own file
    slug = hold_back(root)
    page = root / f"build/et/{slug}.html"  # publish wrote it; a person edited it since
    page.write_text(page.read_text(encoding="utf-8") + "<!-- corrected by hand -->", encoding="utf-8")
    manifest_path = root / "build/manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"] += ["CNAME", "../precious.txt", "../../precious.txt", str(outside)]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    r = locflow("publish", cwd=root)
    assert r.returncode == 0, r.stderr
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert (root / "build/CNAME").read_text(encoding="utf-8") == "news.example\n"
    assert page.exists(), "a file whose bytes publish did not write was removed"
    assert not (root / f"build/et/articles/{slug}.md").exists(), "publish's own stale file was kept"


def test_publish_removes_the_pages_it_wrote_when_they_are_no_longer_due(tmp_path):
    root = copy_sample(tmp_path / "s")
    assert locflow("publish", cwd=root).returncode == 0
    slug = hold_back(root)
    r = locflow("publish", cwd=root)
    assert r.returncode == 0 and not (root / f"build/et/{slug}.html").exists(), r.stdout


def test_dot_locflow_symlinked_outside_is_refused(tmp_path):
    root = copy_sample(tmp_path / "s")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.rmtree(root / ".locflow", ignore_errors=True)
    (root / ".locflow").symlink_to(outside, target_is_directory=True)
    r = locflow("pull", cwd=root)
    assert r.returncode == 2 and ".locflow is a symlink" in r.stderr, r.stderr
    assert locflow("status", cwd=root).returncode == 0  # read-only commands work, without a cache
    assert list(outside.iterdir()) == []


def test_stale_temp_files_of_a_killed_run_are_cleaned_under_the_lock(tmp_path):
    root = copy_sample(tmp_path / "s")
    stray = root / "locales/et/LC_MESSAGES/.ui.po.k1ll3d.tmp"
    stray.write_bytes(b"half a catalog")
    assert locflow("pull", cwd=root).returncode == 0
    assert not stray.exists()


def test_a_project_where_the_lock_cannot_be_created_is_a_user_error(tmp_path):
    """A read-only checkout (or `.locflow` being a file): the OSError on the lock is the user's to fix."""
    root = copy_sample(tmp_path / "s")
    shutil.rmtree(root / ".locflow", ignore_errors=True)
    (root / ".locflow").write_text("not a folder", encoding="utf-8")
    r = locflow("pull", cwd=root)
    assert r.returncode == 2 and "cannot take the project lock" in r.stderr and "internal error" not in r.stderr


# --------------------------------------------------------------------------- the low items


def test_glossary_csv_export_defuses_formulas_and_the_termbase_keeps_raw_values(sample, tmp_path):
    r = cli(sample, "glossary", "add", "formula", "-t", "en==HYPERLINK(\"//evil.example\")", "-t", "et=+SUM(A1)",
            "--note", "@cmd|' /c calc'!A0")
    assert r.exit_code == 0, r.output
    out = tmp_path / "terms-export.csv"
    assert cli(sample, "glossary", "export", out).exit_code == 0
    import csv

    row = next(r for r in csv.DictReader(out.open(encoding="utf-8", newline="")) if r["id"] == "formula")
    assert row["en"] == "'=HYPERLINK(\"//evil.example\")" and row["et"] == "'+SUM(A1)"
    assert row["note"].startswith("'@")
    termbase = next(r for r in csv.DictReader((sample / "glossaries/terms.csv").open(encoding="utf-8", newline=""))
                    if r["id"] == "formula")
    assert termbase["en"] == "=HYPERLINK(\"//evil.example\")"


def test_a_slug_with_a_trailing_newline_is_refused(tmp_path):
    root = copy_sample(tmp_path / "s")
    (root / "site/articles/newline.md").write_text(ARTICLE.replace("slug: hostile-links", 'slug: "baltic\\n"'),
                                                   encoding="utf-8")
    r = cli(root, "pull")
    assert r.exit_code == 2 and "newline.md:2" in r.stderr and "not a safe file name" in r.stderr, r.output


@pytest.mark.parametrize("header, says", [
    ("nplurals=2; plural=" + "(" * 25 + "n!=1" + ")" * 25 + ";", "is not a gettext plural expression"),
    ("nplurals=100000; plural=n!=1;", "nplurals=100000"),
    ("nplurals=2; plural=n==1 ? 0 : 5;", "picks form 5"),
])
def test_broken_plural_forms_are_user_errors(sample, header, says):
    ui = sample / "locales/et/LC_MESSAGES/ui.po"
    ui.write_text(re.sub(r'"Plural-Forms: [^"]*"', f'"Plural-Forms: {header}\\\\n"', ui.read_text(encoding="utf-8")),
                  encoding="utf-8")
    r = locflow("check", "--lang", "et", "--catalog", "ui", "--format", "json", cwd=sample, env={"LOCFLOW_NO_CACHE": "1"})
    assert r.returncode == 1, r.stderr
    assert any(f["check"] == "header" and says in f["message"] for f in json.loads(r.stdout)["findings"])
    for command in (["publish", "--lang", "et"], ["translate", "--lang", "et", "--provider", "pseudo"],
                    ["status"], ["review", "list", "--lang", "et"]):
        r = locflow(*command, cwd=sample)
        assert "internal error" not in r.stderr and "Traceback" not in r.stderr, (command, r.stderr)
    r = locflow("publish", "--lang", "et", cwd=sample)
    assert r.returncode == 2 and "locales/et/LC_MESSAGES/ui.po:1:" in r.stderr and says in r.stderr


def test_a_plural_index_msgfmt_rejects_is_rejected(sample):
    ui = sample / "locales/et/LC_MESSAGES/ui.po"
    ui.write_text(ui.read_text(encoding="utf-8").replace("msgstr[1]", "msgstr[99999999999999999999]", 1),
                  encoding="utf-8")
    assert msgfmt_check(ui).returncode != 0
    r = locflow("check", "--lang", "et", "--catalog", "ui", "--format", "json", cwd=sample, env={"LOCFLOW_NO_CACHE": "1"})
    assert r.returncode == 1
    assert any(f["check"] == "po-syntax" and "wrong index" in f["message"] for f in json.loads(r.stdout)["findings"])
    r = locflow("review", "list", "--lang", "et", cwd=sample)
    assert r.returncode == 2 and "wrong index" in r.stderr and "internal error" not in r.stderr


@pytest.mark.parametrize("setting", ["timeout: 1e999", "timeout: .nan", "concurrency: 100000000", "retries: 1000",
                                     "backoff: 1e300", "deepl: {price_per_million: -1}"])
def test_every_number_has_a_range(tmp_path, setting):
    root = labels_project(tmp_path / "p", "http://127.0.0.1:9", ["A label"], extra=f"  {setting}\n")
    text = (root / "workflow.yaml").read_text(encoding="utf-8")
    key = setting.split(":")[0]
    text = re.sub(rf"(?m)^  {key}: .*\n(?=(?:.|\n)*^  {key}: )", "", text)  # the test's value replaces the default
    (root / "workflow.yaml").write_text(text, encoding="utf-8")
    r = cli(root, "status")
    assert r.exit_code == 2 and "workflow.yaml:" in r.stderr and " to " in r.stderr, r.output


def test_repeated_kills_still_make_progress(tmp_path, server):
    """Finished entries reach disk within a second: kill after each batch of replies plus that second, and every
    run leaves more saved than the one before."""
    import signal
    import time

    from .conftest import spawn, words

    server.reset()
    root = labels_project(tmp_path / "p", server.url, words(80), languages=("en", "et"), concurrency=1)
    assert cli(root, "pull").exit_code == 0
    server.faults.latency = 0.2
    saved = []
    try:
        for _ in range(4):
            before = server.count()
            proc = spawn("translate", "--lang", "et", cwd=root)
            while server.count() < before + 3 and proc.poll() is None:
                time.sleep(0.01)
            time.sleep(1.6)  # the save interval (1 s) and one reply in flight
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
            saved.append(sum(1 for e in active(root / "locales/et/LC_MESSAGES/ui.po") if e.msgstr))
    finally:
        server.reset()
    assert all(b > a for a, b in zip([0, *saved], saved)) and saved[-1] < 80, saved
