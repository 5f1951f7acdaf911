"""Review states you can trust: every route that touches a decision (XLIFF, msgmerge and Poedit habits,
the review CLI, the interactive review, the review page, translate) keeps what a marker vouches for."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest

from .conftest import edit_file, write
from .mt_server import MTServer
from locflow.project import Project
from locflow.states import State, content_sha, nplurals_of, state_of

UK_UI = "locales/uk/LC_MESSAGES/ui.po"
ET_UI = "locales/et/LC_MESSAGES/ui.po"
NS12 = "{urn:oasis:names:tc:xliff:document:1.2}"
NS20 = "{urn:oasis:names:tc:xliff:document:2.0}"


def entry(root: Path, rel: str, msgid: str, msgctxt: str | None = None) -> polib.POEntry:
    return next(e for e in polib.pofile(str(root / rel)) if e.msgid == msgid and e.msgctxt == msgctxt
                and not e.obsolete)


def state(root: Path, rel: str, msgid: str, msgctxt: str | None = None) -> State:
    po = polib.pofile(str(root / rel))
    e = next(e for e in po if e.msgid == msgid and e.msgctxt == msgctxt and not e.obsolete)
    return state_of(e, nplurals_of(po.metadata))


def ok(result) -> None:
    assert result.exit_code == 0, result.output


def set_target(out: Path, source: str, text: str) -> None:
    """What a translator does in a CAT tool: a new target for one XLIFF 1.2 unit."""
    tree = ET.parse(out)
    for unit in tree.iter(f"{NS12}trans-unit"):
        if unit.find(f"{NS12}source").text == source:
            unit.find(f"{NS12}target").text = text
    tree.write(out, encoding="utf-8", xml_declaration=True)


# --- 1. an XLIFF unit the CAT tool did not touch never changes the catalog ------------------------------

@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_importing_an_untouched_export_keeps_decisions_made_after_it(run_cli, sample, version):
    out = sample / f"uk-{version}.xlf"
    ok(run_cli("export", "--format", "xliff", "--lang", "uk", "--catalog", "ui", "--xliff-version", version, out,
               cwd=sample))
    ok(run_cli("review", "reject", "--lang", "uk", "--catalog", "ui", "--match", "Trending", "--exact",
               "--reason", "too literal", "--reviewer", "Olena", cwd=sample))
    ok(run_cli("review", "approve", "--lang", "uk", "--catalog", "ui", "--match", "Home", "--exact",
               "--reviewer", "Olena", cwd=sample))
    before = (sample / UK_UI).read_bytes()
    result = run_cli("import", out, "--reviewer", "Olena", cwd=sample)
    assert result.exit_code == 0, result.output
    assert (sample / UK_UI).read_bytes() == before
    assert state(sample, UK_UI, "Trending") is State.FUZZY
    assert state(sample, UK_UI, "Home") is State.APPROVED


def test_an_older_export_does_not_resurrect_a_deleted_translation(run_cli, sample):
    out = sample / "uk.xlf"
    ok(run_cli("export", "--format", "xliff", "--lang", "uk", "--catalog", "ui", out, cwd=sample))
    po = polib.pofile(str(sample / UK_UI))
    next(e for e in po if e.msgid == "Trending").msgstr = ""
    po.save()
    result = run_cli("import", out, "--reviewer", "Olena", cwd=sample)
    assert result.exit_code == 0, result.output
    assert entry(sample, UK_UI, "Trending").msgstr == ""


def test_a_unit_edited_in_the_cat_tool_after_the_catalog_moved_on_is_a_conflict(run_cli, sample):
    out = sample / "uk.xlf"
    ok(run_cli("export", "--format", "xliff", "--lang", "uk", "--catalog", "ui", out, cwd=sample))
    ok(run_cli("review", "reject", "--lang", "uk", "--catalog", "ui", "--match", "Trending", "--exact",
               "--reason", "too literal", "--reviewer", "Olena", cwd=sample))
    set_target(out, "Trending", "Популярне зараз")
    result = run_cli("import", out, "--reviewer", "Olena", cwd=sample)
    assert result.exit_code == 1, result.output
    assert "conflict" in result.output.lower()
    e = entry(sample, UK_UI, "Trending")
    assert e.msgstr != "Популярне зараз" and "fuzzy" in e.flags and "locflow: rejected Olena" in e.tcomment


# --- 2. an approval binds the source too ----------------------------------------------------------------

def test_an_approval_does_not_survive_msgmerge_and_a_cleared_fuzzy_flag(run_cli, sample, tmp_path):
    if shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext's msgmerge is not installed")
    ok(run_cli("review", "approve", "--lang", "et", "--catalog", "ui", "--match", "Trending", "--exact",
               "--reviewer", "Mari Tamm", cwd=sample))
    assert state(sample, ET_UI, "Trending") is State.APPROVED
    pot = sample / "locales/templates/ui.pot"
    edit_file(sample, "locales/templates/ui.pot", 'msgid "Trending"\n', 'msgid "Trending now"\n')
    merged = tmp_path / "merged.po"
    subprocess.run(["msgmerge", "--previous", "--quiet", "-o", str(merged), str(sample / ET_UI), str(pot)],
                   check=True)
    text = merged.read_text(encoding="utf-8")
    assert '#| msgid "Trending"' in text
    # Poedit's "needs work" toggle: the translator clears fuzzy without touching the text.
    (sample / ET_UI).write_text(re.sub(r"#, fuzzy\n(#\| msgid \"Trending\"\nmsgid \"Trending now\")", r"\1", text),
                                encoding="utf-8")
    assert "fuzzy" not in entry(sample, ET_UI, "Trending now").flags
    assert state(sample, ET_UI, "Trending now") is State.REVIEWED


def test_approvals_in_the_old_format_count_only_without_a_previous_msgid_and_fuzzy(tmp_path):
    import hashlib

    old_sha = hashlib.sha1("Populaarne".encode()).hexdigest()[:8]
    marker = f'msgid ""\nmsgstr ""\n\n# locflow: approved Mari Tamm 2026-10-01 {old_sha}\n'
    plain = polib.pofile(marker + 'msgid "Trending"\nmsgstr "Populaarne"\n')
    moved = polib.pofile(marker + '#| msgid "Trend"\nmsgid "Trending"\nmsgstr "Populaarne"\n')
    fuzzy = polib.pofile(marker + '#, fuzzy\nmsgid "Trending"\nmsgstr "Populaarne"\n')
    edited = polib.pofile(marker + 'msgid "Trending"\nmsgstr "Trendid"\n')
    assert state_of(plain[0]) is State.APPROVED
    assert state_of(moved[0]) is State.REVIEWED
    assert state_of(fuzzy[0]) is State.FUZZY
    assert state_of(edited[0]) is State.REVIEWED


def test_the_sample_signs_approvals_in_the_new_format():
    from .conftest import REPO

    markers = [line for path in (REPO / "locales").rglob("*.po")
               for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# locflow: approved ")]
    assert markers and all(re.fullmatch(r"# locflow: approved locflow-team 2026-11-25 [0-9a-f]{12}", m)
                           for m in markers)


# --- 3. XLIFF `translated` is a confirmed state in both versions ----------------------------------------

def test_xliff_2_translated_comes_back_reviewed_and_unconfirmed_text_goes_out_as_initial(run_cli, sample):
    break_free = "Trending"
    ok(run_cli("review", "reject", "--lang", "uk", "--catalog", "ui", "--match", break_free, "--exact",
               "--reason", "check it", "--reviewer", "Olena", cwd=sample))
    out = sample / "uk.xlf"
    ok(run_cli("export", "--format", "xliff", "--lang", "uk", "--catalog", "ui", "--xliff-version", "2.0", out,
               cwd=sample))
    tree = ET.parse(out)
    for unit in tree.iter(f"{NS20}unit"):
        segment = unit.find(f"{NS20}segment")
        if segment.find(f"{NS20}source").text == break_free:
            assert segment.get("state") == "initial"  # fuzzy: not confirmed
            segment.set("state", "translated")  # the CAT tool confirms it
            segment.attrib.pop("subState")
    tree.write(out, encoding="utf-8", xml_declaration=True)
    result = run_cli("import", out, "--reviewer", "Olena", cwd=sample)
    assert result.exit_code == 0, result.output
    assert state(sample, UK_UI, break_free) is State.REVIEWED


def test_xliff_1_2_reviewed_units_are_approved_yes_as_translate_toolkit_reads_them(run_cli, sample):
    out = sample / "uk.xlf"
    ok(run_cli("export", "--format", "xliff", "--lang", "uk", "--catalog", "ui", out, cwd=sample))
    units = list(ET.parse(out).iter(f"{NS12}trans-unit"))
    reviewed = [u for u in units if u.find(f"{NS12}target").get("state") == "translated"]
    assert reviewed and all(u.get("approved") == "yes" for u in reviewed)


# --- 4. an empty or missing plural form is never reviewed or published ----------------------------------

def test_a_missing_plural_form_is_fuzzy_not_publishable_and_not_published(run_cli, sample):
    edit_file(sample, UK_UI, 'msgstr[2] "%(count)s хвилин читання"\n', "")
    assert state(sample, UK_UI, "%(count)s min read") is State.FUZZY
    result = run_cli("status", "--lang", "uk", "--catalog", "ui", "--format", "json", cwd=sample)
    row = json.loads(result.stdout)["catalogs"][0]
    assert row["publishable"] is False and row["states"]["fuzzy"] == 1
    result = run_cli("review", "approve", "--lang", "uk", "--catalog", "ui", "--match", "min read",
                     "--reviewer", "Olena", cwd=sample)
    assert result.exit_code == 1 and "missing" in result.output
    run_cli("publish", "--lang", "uk", cwd=sample)
    bundle = json.loads((sample / "build/uk/ui.json").read_text(encoding="utf-8"))
    assert "%(count)s min read" not in bundle


def test_an_empty_plural_form_is_fuzzy(sample):
    edit_file(sample, UK_UI, 'msgstr[2] "%(count)s хвилин читання"\n', 'msgstr[2] ""\n')
    assert state(sample, UK_UI, "%(count)s min read") is State.FUZZY


# --- 5. a machine marker vouches for exactly what the provider returned ---------------------------------

def test_an_edited_machine_entry_is_no_longer_machine(sample):
    po = polib.pofile(str(sample / ET_UI))
    e = next(e for e in po if e.msgid == "Trending")
    e.flags.insert(0, "fuzzy")
    e.tcomment = f"locflow: machine google 2026-11-20 {content_sha(e)}"
    po.save()
    assert state(sample, ET_UI, "Trending") is State.MACHINE
    e.msgstr = "Populaarne praegu"  # the translator's edit, "needs work" still on
    po.save()
    assert state(sample, ET_UI, "Trending") is State.FUZZY
    from locflow.serve.entry import entry_view
    from locflow.review import entry_id

    project = Project.load(sample / "workflow.yaml")
    cat = next(c for c in project.catalog_files(["et"], ["ui"]))
    view = entry_view(project, cat, entry_id(None, "Trending"))
    assert view.state == "fuzzy" and view.provider is None


def test_clearing_fuzzy_by_hand_leaves_no_machine_line_after_the_next_write(run_cli, sample):
    po = polib.pofile(str(sample / ET_UI))
    e = next(e for e in po if e.msgid == "Trending")
    e.tcomment = f"locflow: machine google 2026-11-20 {content_sha(e)}"  # fuzzy cleared in Poedit
    po.save()
    assert state(sample, ET_UI, "Trending") is State.REVIEWED
    ok(run_cli("review", "approve", "--lang", "et", "--catalog", "ui", "--match", "Home", "--exact",
               "--reviewer", "Mari Tamm", cwd=sample))
    assert "locflow: machine" not in entry(sample, ET_UI, "Trending").tcomment


# --- 6. one rule for every edit route -------------------------------------------------------------------

def test_a_review_page_edit_that_drops_a_placeholder_is_stored_fuzzy_with_the_reason(sample):
    from locflow.review import entry_id
    from locflow.serve.actions import decide

    project = Project.load(sample / "workflow.yaml")
    cat = next(c for c in project.catalog_files(["et"], ["ui"]))
    outcome = decide(project, cat, entry_id(None, "By %(author)s"), "edit", expected_sha=None, reviewer="Mari Tamm",
                     forms=["Autor"])
    assert outcome.ok
    e = entry(sample, ET_UI, "By %(author)s")
    assert e.msgstr == "Autor" and "fuzzy" in e.flags
    assert re.search(r"locflow: edit-problem Mari Tamm \S+: .*placeholders", e.tcomment.replace("\n", " "))
    assert state(sample, ET_UI, "By %(author)s") is State.FUZZY


def test_an_interactive_edit_that_drops_a_placeholder_is_stored_fuzzy(sample):
    import io

    from rich.console import Console

    from locflow.review_tui import Session

    edit_file(sample, "workflow.yaml", "publish: reviewed", "publish: approved")
    project = Project.load(sample / "workflow.yaml")
    keys = iter(["e", "q"])
    session = Session(project, "et", ["ui"], "Mari Tamm", Console(file=io.StringIO()), lambda: next(keys),
                      lambda label, current: "Autor" if "%(author)s" in current else current, lambda text: None)
    session.queue = [q for q in session.queue if q[1] == (None, "By %(author)s")]
    session.run()
    e = entry(sample, ET_UI, "By %(author)s")
    assert e.msgstr == "Autor" and "fuzzy" in e.flags and "locflow: edit-problem Mari Tamm" in e.tcomment


def test_an_xliff_edit_that_drops_a_placeholder_keeps_the_reason_in_the_catalog(run_cli, sample):
    out = sample / "et.xlf"
    ok(run_cli("export", "--format", "xliff", "--lang", "et", "--catalog", "ui", out, cwd=sample))
    set_target(out, "By %(author)s", "Autor")
    result = run_cli("import", out, "--reviewer", "Mari Tamm", cwd=sample)
    assert result.exit_code == 1, result.output
    e = entry(sample, ET_UI, "By %(author)s")
    assert "fuzzy" in e.flags and "placeholders" in e.tcomment and "edit-problem" in e.tcomment


def test_a_hand_edit_with_an_error_is_held_back_on_the_next_write(run_cli, sample):
    ok(run_cli("review", "approve", "--lang", "et", "--catalog", "ui", "--match", "By %(author)s", "--exact",
               "--reviewer", "Mari Tamm", cwd=sample))
    po = polib.pofile(str(sample / ET_UI))
    next(e for e in po if e.msgid == "By %(author)s").msgstr = "Autor"  # edited in Poedit, approval left behind
    po.save()
    result = run_cli("review", "approve", "--lang", "et", "--catalog", "ui", "--match", "Home", "--exact",
                     "--reviewer", "Mari Tamm", cwd=sample)
    assert result.exit_code == 0, result.output
    assert "held as fuzzy" in result.output
    e = entry(sample, ET_UI, "By %(author)s")
    assert "fuzzy" in e.flags and "edit-problem" in e.tcomment and "placeholders" in e.tcomment


# --- 7. the decision history --------------------------------------------------------------------------

def test_the_log_keeps_every_decision_with_utc_times(run_cli, sample):
    sel = ["--lang", "et", "--catalog", "ui", "--match", "Trending", "--exact"]
    ok(run_cli("review", "reject", *sel, "--reason", "use the print edition's word", "--reviewer", "Kadri",
               cwd=sample))
    ok(run_cli("review", "approve", *sel, "--reviewer", "Mari Tamm", cwd=sample))
    ok(run_cli("review", "reopen", *sel, "--reviewer", "Jaan", cwd=sample))
    result = run_cli("review", "log", "--lang", "et", "--format", "json", cwd=sample)
    ok(result)
    rows = [r for r in json.loads(result.stdout)["log"] if r["msgid"] == "Trending"]
    actions = sorted((r["reviewer"], r["action"].split(" ")[0]) for r in rows)
    assert actions == [("Jaan", "reopened"), ("Kadri", "rejected"), ("Mari Tamm", "approved")]
    assert any("print edition" in r["detail"] for r in rows)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", r["date"]) for r in rows)
    assert state(sample, ET_UI, "Trending") is State.REVIEWED


# --- 8. bulk actions need a selector ------------------------------------------------------------------

def test_an_action_without_a_selector_is_refused(run_cli, sample):
    before = (sample / ET_UI).read_bytes()
    result = run_cli("review", "approve", "--lang", "et", "--reviewer", "Mari Tamm", cwd=sample)
    assert result.exit_code == 2 and "--all" in result.output
    assert (sample / ET_UI).read_bytes() == before


def test_dry_run_lists_and_writes_nothing(run_cli, sample):
    before = {p: p.read_bytes() for p in (sample / "locales/et").rglob("*.po")}
    result = run_cli("review", "approve", "--lang", "et", "--all", "--dry-run", "--reviewer", "Mari Tamm", cwd=sample)
    assert result.exit_code in (0, 1), result.output
    assert "would be approved" in result.output and "dry run" in result.output
    assert before == {p: p.read_bytes() for p in (sample / "locales/et").rglob("*.po")}


def test_exact_match_and_entry_ids_select_one_entry(run_cli, sample):
    result = run_cli("review", "list", "--lang", "et", "--catalog", "ui", "--match", "Subscribe", "--exact",
                     "--format", "json", cwd=sample)
    rows = json.loads(result.stdout)["entries"]
    assert {r["msgid"] for r in rows} == {"Subscribe"} and len(rows) == 2  # button and heading
    one = rows[0]["id"]
    result = run_cli("review", "approve", "--lang", "et", "--catalog", "ui", "--id", one, "--reviewer", "Mari Tamm",
                     cwd=sample)
    ok(result)
    assert "1 approved" in result.output
    assert state(sample, ET_UI, "Subscribe", rows[0]["msgctxt"]) is State.APPROVED
    assert state(sample, ET_UI, "Subscribe", rows[1]["msgctxt"]) is State.REVIEWED


def test_a_selector_that_matches_nothing_exits_1(run_cli, sample):
    result = run_cli("review", "approve", "--lang", "et", "--match", "no such text anywhere", "--reviewer", "Mari",
                     cwd=sample)
    assert result.exit_code == 1 and "no entry matches" in result.output


# --- 9. translate holds the lock only while writing ------------------------------------------------------

def test_a_reviewer_can_approve_while_translate_waits_for_its_provider(tmp_path):
    from locflow.mt.engine import TranslateOptions, translate
    from locflow.pull import pull
    from locflow.review import approve

    server = MTServer().start()
    release = server.hold()  # the provider answers only when the test says so
    try:
        write(tmp_path / "site/templates/page.html", '<p>{{ _("Home") }}</p><p>{{ _("Trending") }}</p>\n')
        write(tmp_path / "workflow.yaml", f"""site: Test Press
source_language: en
languages: [en, et]
lock_timeout: 5
catalogs:
  ui: {{kind: labels, sources: ["site/templates/*.html"], publish: reviewed}}
translation:
  providers: [google]
  concurrency: 1
  timeout: 60
  retries: 0
  google: {{url: "{server.url}/m"}}
""")
        project = Project.load(tmp_path / "workflow.yaml")
        pull(project)
        po_path = tmp_path / "locales/et/LC_MESSAGES/ui.po"
        po = polib.pofile(str(po_path))
        next(e for e in po if e.msgid == "Home").msgstr = "Avaleht"  # a reviewer's translation, not MT's work
        po.save()
        done: dict = {}
        runner = threading.Thread(target=lambda: done.setdefault("result", translate(
            Project.load(tmp_path / "workflow.yaml"), TranslateOptions(save_interval=0.05))))
        runner.start()
        assert server.wait_for_request(), "translate never asked the provider"
        assert runner.is_alive()
        result = approve(Project.load(tmp_path / "workflow.yaml"), "et", match="Home", exact=True, reviewer="Mari")
        assert [e.msgid for e in result.changed] == ["Home"]
        assert runner.is_alive()  # the approval did not wait for the MT run
        release.set()
        runner.join(60)
        assert done["result"].failed == 0
        assert state(tmp_path, "locales/et/LC_MESSAGES/ui.po", "Home") is State.APPROVED
        assert state(tmp_path, "locales/et/LC_MESSAGES/ui.po", "Trending") is State.MACHINE
    finally:
        release.set()
        server.stop()


# --- 10. XLIFF carries what the translator needs ------------------------------------------------------

def test_xliff_carries_the_rejection_the_previous_source_and_the_plural_numbers(run_cli, sample):
    edit_file(sample, UK_UI, 'msgid "Trending"\n', '#, fuzzy\n#| msgid "Trend"\nmsgid "Trending"\n')
    ok(run_cli("review", "reject", "--lang", "uk", "--catalog", "ui", "--match", "Home", "--exact",
               "--reason", "use the site's word", "--reviewer", "Olena", cwd=sample))
    out12, out20 = sample / "uk12.xlf", sample / "uk20.xlf"
    ok(run_cli("export", "--format", "xliff", "--lang", "uk", "--catalog", "ui", out12, cwd=sample))
    ok(run_cli("export", "--format", "xliff", "--lang", "uk", "--catalog", "ui", "--xliff-version", "2.0", out20,
               cwd=sample))
    units = {u.find(f"{NS12}source").text: u for u in ET.parse(out12).iter(f"{NS12}trans-unit")}
    notes = [n.text for n in units["Home"].findall(f"{NS12}note")]
    assert any("Rejected by Olena" in n and "use the site's word" in n for n in notes), notes
    alt = units["Trending"].find(f"{NS12}alt-trans")
    assert alt is not None and alt.find(f"{NS12}source").text == "Trend"
    plural = [n.text for u in ET.parse(out12).iter(f"{NS12}group") for tu in u.findall(f"{NS12}trans-unit")
              for n in tu.findall(f"{NS12}note")]
    assert "msgstr[0]: n = 1, 21, 31, 41, …" in plural and "msgstr[2]: n = 0, 5, 6, 7, …" in plural
    text20 = out20.read_text(encoding="utf-8")
    assert "use the site&apos;s word" in text20 or "use the site's word" in text20
    assert 'category="locflow:previous-source">Trend<' in text20
    assert "msgstr[1]: n = 2, 3, 4, 22, …" in text20
    result = run_cli("import", out12, "--reviewer", "Olena", cwd=sample)
    assert result.exit_code == 0 and "0 entries" in result.output, result.output


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_a_note_added_in_the_cat_tool_comes_back_as_a_translator_comment(run_cli, sample, version):
    out = sample / "uk.xlf"
    ok(run_cli("export", "--format", "xliff", "--lang", "uk", "--catalog", "ui", "--xliff-version", version, out,
               cwd=sample))
    tree = ET.parse(out)
    if version == "1.2":
        unit = next(u for u in tree.iter(f"{NS12}trans-unit") if u.find(f"{NS12}source").text == "Trending")
        ET.SubElement(unit, f"{NS12}note").text = "Checked with the style desk"
    else:
        unit = next(u for u in tree.iter(f"{NS20}unit")
                    if u.find(f"{NS20}segment/{NS20}source").text == "Trending")
        notes = unit.find(f"{NS20}notes")
        if notes is None:
            notes = ET.Element(f"{NS20}notes")
            unit.insert(0, notes)
        ET.SubElement(notes, f"{NS20}note").text = "Checked with the style desk"
    tree.write(out, encoding="utf-8", xml_declaration=True)
    before = state(sample, UK_UI, "Trending")
    result = run_cli("import", out, "--reviewer", "Olena", cwd=sample)
    assert result.exit_code == 0, result.output
    e = entry(sample, UK_UI, "Trending")
    assert "Checked with the style desk" in e.tcomment.split("\n")
    assert state(sample, UK_UI, "Trending") is before
    again = run_cli("import", out, "--reviewer", "Olena", cwd=sample)
    assert "0 catalogs written" in again.output, again.output


@pytest.mark.parametrize("version,paired,single", [("1.2", "g", "x"), ("2.0", "pc", "ph")])
def test_numbered_tags_travel_as_inline_codes_and_come_back_as_numbered_tags(run_cli, sample, version, paired,
                                                                             single):
    rel = "locales/et/articles/kyiv-disinformation-response.po"
    po = polib.pofile(str(sample / rel))
    tagged = next(e for e in po if "<1>" in e.msgid and "<1>" in e.msgstr)
    out = sample / "et.xlf"
    ok(run_cli("export", "--format", "xliff", "--lang", "et", "--catalog", "articles/kyiv-disinformation-response",
               "--xliff-version", version, out, cwd=sample))
    ns = NS12 if version == "1.2" else NS20
    tree = ET.parse(out)
    target = next(t for t in tree.iter(f"{ns}target") if t.find(f"{ns}{paired}") is not None)
    code = target.find(f"{ns}{paired}")
    assert code.get("id") == "1" and "<1>" not in ET.tostring(target, encoding="unicode")
    code.text = (code.text or "") + " (uuendatud)"
    tree.write(out, encoding="utf-8", xml_declaration=True)
    result = run_cli("import", out, "--reviewer", "Mari Tamm", cwd=sample)
    assert result.exit_code in (0, 1), result.output
    texts = [e.msgstr for e in polib.pofile(str(sample / rel)) if not e.obsolete]
    assert any(re.search(r"<1>[^<]* \(uuendatud\)</1>", t) for t in texts), texts
    assert tagged.msgid  # the source with its tags is still the entry's msgid
