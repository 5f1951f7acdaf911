"""The translation memory: fuzzy lookup, translate's use of it, TMX export/import, concordance,
and what `review list --format json` shows beside an entry."""
from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import build_project, po, pull, snapshot, write
from .mt_server import MTServer
from locflow.errors import LocflowError
from locflow.mt.engine import TranslateOptions, translate
from locflow.project import Project
from locflow.states import State, memory_fill, state_of
from locflow.tm.memory import Memory, Unit, project_memory
from locflow.tm.normalize import normalize
from locflow.tm.search import search
from locflow.tm.store import export_tmx
from locflow.tm.tmx import read_tmx

FIXTURE = Path(__file__).parent / "fixtures" / "agency-omegat.tmx"
RADAR = "The ministry confirmed on Tuesday that the coastal radar network will be upgraded before winter."
RADAR_ET = "Ministeerium kinnitas teisipäeval, et rannikuradarite võrk uuendatakse enne talve."
RADAR_SPRING = RADAR.replace("winter", "spring")
DRILL = "Crews from three agencies rehearsed a night-time alert at the harbour on Tuesday."
DRILL_ET = "Kolme ameti meeskonnad harjutasid teisipäeval sadamas öist häiret."

WORKFLOW = """\
site: Test Press
source_language: en
languages: [en, et, lv, ru, uk]
catalogs:
  ui:
    kind: labels
    sources: ["site/templates/*.html"]
    publish: reviewed
  articles:
    kind: articles
    sources: ["site/articles/*.md"]
    publish: approved
translation:
  providers: [memory, libre]
  concurrency: 2
  timeout: 2
  retries: 1
  backoff: 0.01
  libre: {{url: "{url}/"}}
{extra}"""


def labels(*texts: str) -> str:
    return "".join(f'<p>{{{{ _("{t}") }}}}</p>\n' for t in texts)


def article(slug: str, *paragraphs: str) -> str:
    return (f'---\nslug: {slug}\ntitle: "Title of {slug}"\nlanguage: en\ndate: 2026-11-01\nsection: News\n'
            f'author: Kadri Saar\nsummary: "Summary of {slug}."\n---\n\n' + "\n\n".join(paragraphs) + "\n")


def make(root: Path, url: str = "http://127.0.0.1:9", texts: tuple[str, ...] = (RADAR, DRILL),
         extra: str = "", articles: dict[str, str] | None = None) -> Project:
    build_project(root, workflow=WORKFLOW.format(url=url, extra=extra), templates={"page.html": labels(*texts)},
                  articles={"first.md": article("first", "First paragraph of the first story.")}
                  if articles is None else articles)
    project = Project.load(root / "workflow.yaml")
    assert pull(root).exit_code == 0
    return project


def set_translation(root: Path, lang: str, msgid: str, text: str, *, approved_by: str | None = None,
                    catalog: str = "ui") -> None:
    """A translator's work: the entry reviewed (and, with approved_by, approved through the CLI)."""
    path = root / (f"locales/{lang}/LC_MESSAGES/ui.po" if catalog == "ui" else f"locales/{lang}/{catalog}.po")
    catalog = polib.pofile(str(path))
    entry = catalog.find(msgid)
    entry.msgstr = text
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    catalog.save()
    if approved_by:
        from locflow.review import approve

        approve(Project.load(root / "workflow.yaml"), lang, match=msgid, reviewer=approved_by, today="2026-11-20")


@pytest.fixture(scope="module")
def server():
    srv = MTServer().start()
    yield srv
    srv.stop()


# --- matching ---------------------------------------------------------------------------------

def unit(source: str, forms: tuple[str, ...], *, language: str = "et", printf: bool = False, state: str = "approved",
         origin: str = "locales/et/LC_MESSAGES/ui.po:10", plural: str | None = None) -> Unit:
    return Unit("en", language, None, source, plural, forms, state, origin, printf, catalog="ui")


def test_a_source_changed_by_one_word_after_approval_is_a_match_of_90_or_more(tmp_path):
    project = make(tmp_path / "p")
    set_translation(tmp_path / "p", "et", RADAR, RADAR_ET, approved_by="Mari Tamm")
    memory = project_memory(project)
    [best, *_] = memory.lookup(RADAR_SPRING, "en", "et")
    assert 90 <= best.score < 100
    assert best.forms == (RADAR_ET,) and best.unit.state == "approved" and best.unit.reviewer == "Mari Tamm"
    assert best.unit.origin.startswith("locales/et/LC_MESSAGES/ui.po:")
    assert ("delete", "winter.") in best.diff and ("insert", "spring.") in best.diff
    assert memory.lookup(RADAR, "en", "et")[0].score == 100
    assert memory.lookup(RADAR_SPRING, "en", "lv") == []  # nothing reviewed in lv


@pytest.mark.parametrize("old, new, translation, adapted", [
    ("Read <1>the full report</1> and <2>the annex</2>.", "Read <3>the full report</3> and <4>the annex</4>.",
     "Lugege <1>kogu aruannet</1> ja <2>lisa</2>.", "Lugege <3>kogu aruannet</3> ja <4>lisa</4>."),
    ("Published by %(author)s on %(date)s", "Published by %(name)s on %(day)s",
     "Avaldanud %(author)s, %(date)s", "Avaldanud %(name)s, %(day)s"),
    ("Welcome to {site}, {user}", "Welcome to {portal}, {reader}", "Tere tulemast {site}, {user}",
     "Tere tulemast {portal}, {reader}"),
    ("See https://example.org/a for the map", "See https://example.org/other/b for the map",
     "Kaart: https://example.org/a", "Kaart: https://example.org/other/b"),
])
def test_renumbered_tags_and_renamed_placeholders_do_not_lower_the_score(old, new, translation, adapted):
    memory = Memory([unit(old, (translation,), printf=True)])
    [match] = memory.lookup(new, "en", "et", printf=True)
    assert match.score == 100
    assert match.forms == (adapted,)  # the translation carries the new source's own tags back


def test_tag_order_swapped_in_the_translation_is_kept():
    old = "<1>Kyiv</1> and <2>Riga</2>"
    memory = Memory([unit(old, ("<2>Riia</2> ja <1>Kiiev</1>",))])
    [match] = memory.lookup("<5>Kyiv</5> and <6>Riga</6>", "en", "et")
    assert match.score == 100 and match.forms == ("<6>Riia</6> ja <5>Kiiev</5>",)


def test_other_changes_do_lower_the_score():
    memory = Memory([unit("Read <1>the report</1>", ("Loe <1>aruannet</1>",))])
    assert memory.lookup("Read the report", "en", "et")[0].score < 100  # a tag less is a change
    assert normalize("50% of %(n)s", printf=True).text != normalize("50% of %(m)d", printf=True).text


def test_top_three_best_first_one_per_translation_self_excluded():
    units = [unit(f"The border guard will add {n} patrol boats next year.", (f"Piirivalve lisab {n} paati.",),
                  origin=f"locales/et/LC_MESSAGES/ui.po:{10 + i}") for i, n in enumerate(["two", "three", "four", "five"])]
    units.append(unit("The border guard will add two patrol boats next year.", ("Piirivalve lisab kaks paati.",),
                      state="reviewed", origin="locales/et/articles/x.po:4"))
    memory = Memory(units)
    found = memory.lookup("The border guard will add two patrol boats next year.", "en", "et",
                          exclude="locales/et/LC_MESSAGES/ui.po:10")
    assert len(found) == 3 and found[0].score == 100 and found[0].unit.origin == "locales/et/articles/x.po:4"
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert len({m.forms for m in found}) == 3


def test_plural_units_match_only_plural_entries():
    memory = Memory([unit("%(count)s min read", ("%(count)s minut", "%(count)s minutit"), printf=True,
                          plural="%(count)s mins read")])
    assert memory.lookup("%(count)s min read", "en", "et", printf=True) == []
    [match] = memory.lookup("%(n)s min read", "en", "et", source_plural="%(n)s mins read", printf=True)
    assert match.score == 100 and match.forms == ("%(n)s minut", "%(n)s minutit")


def test_a_large_memory_is_searched_through_the_index():
    units = [unit(f"Report {i} on the {w} of the alliance in region {i * 7}", (f"Aruanne {i}",),
                  origin=f"x.po:{i}") for i in range(3000) for w in ["security"]]
    memory = Memory(units)
    [best, *_] = memory.lookup("Report 1234 on the security of the alliance in region 8638", "en", "et")
    assert best.unit.source == "Report 1234 on the security of the alliance in region 8638" and best.score == 100


# --- translate ----------------------------------------------------------------------------------

def follow_up(root: Path, *paragraphs: str) -> None:
    """A follow-up story reusing a sentence of the site's UI with one word changed: a new catalog."""
    write(root / "site/articles/follow-up.md", article("follow-up", *paragraphs))
    pull(root)
    catalog = po(root / "locales/et/articles/follow-up.po")
    for e in catalog:  # title and summary: a translator did them already
        if e.msgid.startswith(("Title of", "Summary of")):
            e.msgstr = "valmis"
    catalog.save()


def test_translate_fills_a_fuzzy_match_from_memory_and_does_not_send_it(tmp_path, server):
    server.reset()
    root = tmp_path / "p"
    project = make(root, server.url)
    set_translation(root, "et", RADAR, RADAR_ET, approved_by="Mari Tamm")
    set_translation(root, "et", DRILL, DRILL_ET)
    follow_up(root, RADAR_SPRING, "A new headline.")
    result = translate(Project.load(root / "workflow.yaml"), TranslateOptions(languages=["et"], catalogs=["articles/follow-up"],
                                                                         today="2026-11-21"))
    sent = [r["params"]["q"] for r in server.requests]
    assert sent == ["A new headline."] and result.requests == 1
    entry = po(root / "locales/et/articles/follow-up.po").find(RADAR_SPRING)
    assert entry.msgstr == RADAR_ET and state_of(entry) is State.FUZZY
    fill = memory_fill(entry)
    assert fill is not None and 90 <= fill.score < 100 and fill.where == "locales/et/LC_MESSAGES/ui.po"
    assert result.memory_fuzzy == 1
    [band] = [b for b in result.memory_bands]
    assert band.band == "95-99" and band.entries == 1 and band.characters == len(RADAR_SPRING)
    assert project is not None


def test_below_min_score_goes_to_mt_and_the_dry_run_reports_bands(tmp_path, server, run_cli):
    server.reset()
    root = tmp_path / "p"
    make(root, server.url, extra="  memory: {min_score: 99}\n")
    set_translation(root, "et", RADAR, RADAR_ET)
    set_translation(root, "et", DRILL, DRILL_ET)
    follow_up(root, RADAR_SPRING, "A new headline.")
    before = snapshot(root)
    dry = run_cli("--config", root / "workflow.yaml", "translate", "--lang", "et", "--dry-run",
                  "--catalog", "articles/follow-up")
    assert dry.exit_code == 0 and server.requests == [] and snapshot(root) == before
    assert "et: 2 segments" in dry.stdout and "memory: 0 exact matches" in dry.stdout  # 96 < 99: sent to MT
    write(root / "workflow.yaml", (root / "workflow.yaml").read_text().replace("min_score: 99", "min_score: 90"))
    dry = run_cli("--config", root / "workflow.yaml", "translate", "--lang", "et", "--dry-run",
                  "--catalog", "articles/follow-up")
    assert "et: 1 segments" in dry.stdout
    assert "1 fuzzy matches would fill" in dry.stdout and "95-99%: 1 entries" in dry.stdout
    assert f"saved: {len(RADAR_SPRING)} characters not sent" in dry.stdout
    data = json.loads(run_cli("--config", root / "workflow.yaml", "translate", "--lang", "et", "--dry-run",
                              "--catalog", "articles/follow-up", "--format", "json").stdout)
    assert data["memory_fuzzy"] == 1
    assert data["memory_bands"] == [{"band": "95-99", "entries": 1, "characters": len(RADAR_SPRING)}]
    done = run_cli("--config", root / "workflow.yaml", "translate", "--lang", "et", "--catalog", "articles/follow-up")
    assert done.exit_code == 0 and "1 fuzzy matches filled" in done.stdout and len(server.requests) == 1


def test_exact_match_is_a_band_100_hit_and_a_chain_without_memory_uses_none(tmp_path, server, run_cli):
    server.reset()
    root = tmp_path / "p"
    make(root, server.url)
    set_translation(root, "et", RADAR, RADAR_ET)
    follow_up(root, RADAR)  # the UI's sentence, word for word, in a story
    dry = run_cli("--config", root / "workflow.yaml", "translate", "--lang", "et", "--dry-run",
                  "--catalog", "articles/follow-up")
    assert "memory: 1 exact matches" in dry.stdout and "100%: 1 entries" in dry.stdout
    dry = run_cli("--config", root / "workflow.yaml", "translate", "--lang", "et", "--dry-run", "--provider", "libre",
                  "--catalog", "articles/follow-up")
    assert "100%" not in dry.stdout and "et: 1 segments" in dry.stdout
    assert server.requests == []


def test_approving_a_memory_fill_drops_the_tm_marker(tmp_path, server, run_cli):
    server.reset()
    root = tmp_path / "p"
    make(root, server.url)
    set_translation(root, "et", RADAR, RADAR_ET)
    follow_up(root, RADAR_SPRING)
    translate(Project.load(root / "workflow.yaml"), TranslateOptions(languages=["et"], provider="memory",
                                                                catalogs=["articles/follow-up"]))
    path = root / "locales/et/articles/follow-up.po"
    assert memory_fill(po(path).find(RADAR_SPRING)) is not None
    edited = RADAR_ET.replace("talve", "kevadet")
    run = run_cli("--config", root / "workflow.yaml", "review", "reject", "--lang", "et", "--match", "spring",
                  "--catalog", "articles/follow-up", "--reason", "season changed", "--reviewer", "Mari Tamm")
    assert run.exit_code == 0
    catalog = po(path)
    catalog.find(RADAR_SPRING).msgstr = edited
    catalog.save()
    run = run_cli("--config", root / "workflow.yaml", "review", "approve", "--lang", "et", "--match", "spring",
                  "--catalog", "articles/follow-up", "--reviewer", "Mari Tamm")
    assert run.exit_code == 0
    entry = po(path).find(RADAR_SPRING)
    assert state_of(entry) is State.APPROVED and memory_fill(entry) is None and "locflow: tm" not in entry.tcomment


def test_the_tm_marker_vouches_only_for_the_text_the_memory_gave(tmp_path, run_cli):
    from locflow.states import content_sha

    root = tmp_path / "p"
    make(root)
    set_translation(root, "et", RADAR, RADAR_ET, approved_by="Mari Tamm")
    follow_up(root, RADAR_SPRING)
    translate(Project.load(root / "workflow.yaml"), TranslateOptions(languages=["et"], provider="memory",
                                                                catalogs=["articles/follow-up"], today="2026-11-21"))
    path = root / "locales/et/articles/follow-up.po"
    entry = po(path).find(RADAR_SPRING)
    [marker] = [line for line in entry.tcomment.split("\n") if line.startswith("locflow: tm ")]
    score = memory_fill(entry).score
    # The approved unit's approval is not carried over: a suggestion waits as fuzzy, hashed like a machine fill.
    assert marker == f"locflow: tm {score} locales/et/LC_MESSAGES/ui.po 2026-11-21 {content_sha(entry)}"
    assert state_of(entry) is State.FUZZY and "approved" not in entry.tcomment
    catalog = po(path)
    catalog.find(RADAR_SPRING).msgstr = RADAR_ET.replace("talve", "kevadet")  # edited, fuzzy left on
    catalog.save()
    assert memory_fill(po(path).find(RADAR_SPRING)) is None
    catalog = po(path)
    catalog.find(RADAR_SPRING).flags.remove("fuzzy")  # Poedit: fuzzy cleared by hand
    catalog.save()
    assert memory_fill(po(path).find(RADAR_SPRING)) is None
    run = run_cli("--config", root / "workflow.yaml", "review", "reject", "--lang", "et", "--catalog",
                  "articles/follow-up", "--match", "Title of", "--reason", "retitle", "--reviewer", "Mari Tamm")
    assert run.exit_code == 0  # a command that writes the catalog settles the hand edit
    entry = po(path).find(RADAR_SPRING)
    assert "locflow: tm" not in entry.tcomment and state_of(entry) is State.REVIEWED


def test_the_review_screens_say_where_a_memory_fill_came_from(tmp_path):
    import io

    from rich.console import Console

    from locflow.review import entry_id
    from locflow.review_tui import Session
    from locflow.serve.entry import entry_view

    root = tmp_path / "p"
    make(root)
    set_translation(root, "et", RADAR, RADAR_ET)
    follow_up(root, RADAR_SPRING)
    translate(Project.load(root / "workflow.yaml"), TranslateOptions(languages=["et"], provider="memory",
                                                                catalogs=["articles/follow-up"]))
    project = Project.load(root / "workflow.yaml")
    [cat] = project.catalog_files(["et"], ["articles/follow-up"])
    score = memory_fill(po(cat.path).find(RADAR_SPRING)).score
    view = entry_view(project, cat, entry_id(None, RADAR_SPRING))
    assert view.state == "fuzzy" and view.memory == f"{score}% match from locales/et/LC_MESSAGES/ui.po"
    out = io.StringIO()
    keys = iter(["s", "s", "q"])  # title and summary first (reviewed; the gate is approved)
    Session(project, "et", ["articles/follow-up"], "Mari Tamm", Console(file=out, width=300, highlight=False),
            lambda: next(keys), lambda label, current: None, lambda text: None).run()
    assert f"fuzzy (memory {score}% from locales/et/LC_MESSAGES/ui.po)" in out.getvalue()


def test_memory_fills_are_saved_under_the_lock_and_never_overwrite_a_reviewer(tmp_path):
    """A fuzzy memory fill waits for the run's save like a provider's result: a translation a reviewer
    wrote meanwhile is kept, and the other fills land when the run ends."""
    import threading

    srv = MTServer().start()
    release = srv.hold()
    try:
        root = tmp_path / "p"
        make(root, srv.url)
        set_translation(root, "et", RADAR, RADAR_ET, approved_by="Mari Tamm")
        set_translation(root, "et", DRILL, DRILL_ET)
        drill_four = DRILL.replace("three", "four")
        follow_up(root, RADAR_SPRING, drill_four, "A new headline.")
        done: dict = {}
        runner = threading.Thread(target=lambda: done.setdefault("result", translate(
            Project.load(root / "workflow.yaml"), TranslateOptions(languages=["et"], catalogs=["articles/follow-up"],
                                                                   save_interval=60))))
        runner.start()
        assert srv.wait_for_request() and runner.is_alive(), "translate never asked the provider"
        path = root / "locales/et/articles/follow-up.po"
        project = Project.load(root / "workflow.yaml")
        with project.lock():  # a reviewer translates one of the memory's entries meanwhile
            catalog = po(path)
            catalog.find(RADAR_SPRING).msgstr = "Inimese tõlge."
            catalog.save()
        release.set()
        runner.join(60)
        assert done["result"].memory_fuzzy == 2 and done["result"].failed == 0
        catalog = po(path)
        mine = catalog.find(RADAR_SPRING)
        assert mine.msgstr == "Inimese tõlge." and "locflow: tm" not in mine.tcomment
        four = catalog.find(drill_four)
        assert four.msgstr == DRILL_ET and memory_fill(four) is not None and state_of(four) is State.FUZZY
        assert state_of(catalog.find("A new headline.")) is State.MACHINE
    finally:
        release.set()
        srv.stop()


def test_an_interrupted_run_keeps_its_memory_fills(tmp_path, server):
    server.reset()
    root = tmp_path / "p"
    make(root, server.url)
    set_translation(root, "et", RADAR, RADAR_ET)
    follow_up(root, RADAR_SPRING, "A new headline.", "A second new line.")

    def interrupt(*_args) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        translate(Project.load(root / "workflow.yaml"), TranslateOptions(languages=["et"], save_interval=60,
                                                                    catalogs=["articles/follow-up"], progress=interrupt))
    entry = po(root / "locales/et/articles/follow-up.po").find(RADAR_SPRING)
    assert entry.msgstr == RADAR_ET and memory_fill(entry) is not None
    server.reset()
    again = translate(Project.load(root / "workflow.yaml"), TranslateOptions(languages=["et"],
                                                                        catalogs=["articles/follow-up"]))
    assert again.memory_fuzzy == 0 and RADAR_SPRING not in [r["params"]["q"] for r in server.requests]


def test_memory_config_is_validated(tmp_path, run_cli):
    for extra, message in [("  memory: {min_score: 101}\n", "an integer from 1 to 100"),
                           ("  memory: {min_scor: 80}\n", "did you mean `min_score`"),
                           ("  memory: {tmx: [../outside.tmx]}\n", "leaves the project")]:
        root = tmp_path / f"p{len(message)}"
        build_project(root, workflow=WORKFLOW.format(url="http://127.0.0.1:9", extra=extra),
                      templates={"page.html": labels(RADAR)}, articles={})
        run = run_cli("--config", root / "workflow.yaml", "status")
        assert run.exit_code == 2 and message in run.stderr and "workflow.yaml:" in run.stderr


# --- TMX ----------------------------------------------------------------------------------------

def test_tmx_export_then_import_gives_the_same_matches(tmp_path, run_cli):
    root = tmp_path / "p"
    make(root, texts=(RADAR, DRILL, "%(count)s min read"))
    set_translation(root, "et", RADAR, RADAR_ET, approved_by="Mari Tamm")
    set_translation(root, "et", DRILL, DRILL_ET)
    set_translation(root, "uk", DRILL, "Екіпажі трьох відомств відпрацювали нічну тривогу в гавані у вівторок.")
    out = tmp_path / "all.tmx"
    run = run_cli("--config", root / "workflow.yaml", "tm", "export", out)
    assert run.exit_code == 0 and "wrote 2 units with 3 translations (et, uk)" in run.stdout
    text = out.read_text(encoding="utf-8")
    assert '<prop type="x-locflow-state">approved</prop>' in text and "x-locflow-reviewer\">Mari Tamm" in text
    assert "creationdate" not in text  # deterministic: exporting again gives the same bytes
    before = out.read_bytes()
    export_tmx(Project.load(root / "workflow.yaml"), out)
    assert out.read_bytes() == before

    fresh = tmp_path / "fresh"
    make(fresh, texts=(RADAR,))
    run = run_cli("--config", fresh / "workflow.yaml", "tm", "import", out)
    assert run.exit_code == 0 and "added memory/all.tmx: 2 units (en→et 2, en→uk 1)" in run.stdout
    assert not any("LC_MESSAGES" in p and "uk" in p and po(fresh / p).find(DRILL) and po(fresh / p).find(DRILL).msgstr
                   for p in snapshot(fresh) if p.endswith(".po"))  # into the memory, never the catalogs
    original, imported = project_memory(Project.load(root / "workflow.yaml")), \
        project_memory(Project.load(fresh / "workflow.yaml"))
    for query, lang in [(RADAR_SPRING, "et"), (DRILL.replace("three", "four"), "et"), (DRILL, "uk"), (RADAR, "uk")]:
        a = [(m.score, m.unit.source, m.forms, m.unit.state) for m in original.lookup(query, "en", lang)]
        b = [(m.score, m.unit.source, m.forms, m.unit.state) for m in imported.lookup(query, "en", lang)]
        assert a == b, query
    assert imported.lookup(RADAR_SPRING, "en", "et")[0].unit.origin.startswith("memory/all.tmx:")
    again = run_cli("--config", fresh / "workflow.yaml", "tm", "import", out)
    assert "unchanged memory/all.tmx" in again.stdout


def test_tmx_from_another_tool_imports(tmp_path, run_cli):
    root = tmp_path / "p"
    make(root)
    run = run_cli("--config", root / "workflow.yaml", "tm", "import", FIXTURE, "--name", "agency")
    assert run.exit_code == 0, run.output
    assert "added memory/agency.tmx: 3 units (en→et 3, en→lv 1)" in run.stdout
    assert "skipped languages the project does not have: fi-FI 1" in run.stdout
    memory = project_memory(Project.load(root / "workflow.yaml"))
    [match, *_] = memory.lookup("Officials in Tallinn said the border guard will add three patrol boats next year.",
                            "en", "et")
    assert match.score >= 90 and match.unit.state == "tmx" and match.unit.origin.startswith("memory/agency.tmx:")
    [link, *_] = memory.lookup('Read the <a href="https://example.org/r">full report</a> on the energy grid.', "en", "et")
    assert link.score == 100 and link.forms == (
        'Lugege <a href="https://example.org/r">kogu aruannet</a> energiavõrgu kohta.',)
    [byline, *_] = memory.lookup("By {name}, updated <date/>", "en", "lv")
    assert byline.score == 100 and byline.forms == ("Autors {name}, atjaunināts <date/>",)


HOSTILE = [
    ('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'
     '<tmx version="1.4"><header/><body/></tmx>', "entity declarations are not allowed in TMX files", 2),
    ('<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">&ext;</tmx>',
     "undefined entity &ext;", 3),
    ('<tmx version="1.4"><header', "not well-formed XML", 1),
    ('<xliff version="1.2"/>', "not a TMX file (root element <xliff>)", 1),
    ('<tmx version="2.0"><header/><body/></tmx>', "unsupported TMX version `2.0`", 1),
    ('<tmx version="1.4">\n<body/>\n</tmx>', "<tmx> may not contain <body>", 1),
    ('<tmx version="1.4">\n<header srclang="en"/>\n<body/>\n</tmx>', "<header> lacks the required attribute", 2),
]
HEADER = ('<header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" '
          'srclang="en" datatype="plaintext"/>')
HOSTILE += [
    (f'<tmx version="1.4">{HEADER}<body>\n<tu><tuv xml:lang="en"><note>x</note></tuv></tu></body></tmx>',
     "<tuv> may not contain <note>", 2),
    (f'<tmx version="1.4">{HEADER}<body>\n<tu>\n<tuv><seg>x</seg></tuv></tu></body></tmx>',
     "<tuv> lacks the required attribute `xml:lang`", 3),
    (f'<tmx version="1.4">{HEADER}<body>\n<tu><tuv xml:lang="en"><seg>a <script>x</script></seg></tuv></tu>'
     '</body></tmx>', "<script> is not a TMX 1.4b element", 2),
    (f'<tmx version="1.4">{HEADER.replace("sentence", "chapter")}<body/></tmx>', 'segtype="chapter"', 1),
]


@pytest.mark.parametrize("text, message, line", HOSTILE)
def test_hostile_or_broken_tmx_is_refused_with_its_line_and_nothing_is_kept(tmp_path, run_cli, text, message, line):
    root = tmp_path / "p"
    make(root)
    bad = write(tmp_path / "bad.tmx", text)
    before = snapshot(root)
    run = run_cli("--config", root / "workflow.yaml", "tm", "import", bad)
    assert run.exit_code == 2 and message in run.stderr, run.output
    assert f"bad.tmx:{line}" in run.stderr
    assert snapshot(root) == before


def test_a_tmx_listed_in_workflow_yaml_is_part_of_the_memory(tmp_path, run_cli):
    root = tmp_path / "p"
    make(root, extra="  memory: {tmx: [vendor/*.tmx]}\n")
    write(root / "vendor/agency.tmx", FIXTURE.read_text(encoding="utf-8"))
    memory = project_memory(Project.load(root / "workflow.yaml"))
    assert any(u.origin.startswith("vendor/agency.tmx:") for u in memory.units)
    (root / "vendor/agency.tmx").unlink()
    run = run_cli("--config", root / "workflow.yaml", "tm", "search", "Tallinn")
    assert run.exit_code == 2 and "`vendor/*.tmx` matches no file" in run.stderr


XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"
                                 + "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13))), min_size=1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=XML_TEXT, target=XML_TEXT, context=st.one_of(st.none(), XML_TEXT))
def test_tmx_round_trip_holds_for_any_text(tmp_path, source, target, context):
    from locflow.tm.tmx import TmxUnit, write_tmx

    if not source.strip() or not target.strip():
        return
    u = Unit("en", "et", context, source, None, (target,), "reviewed", "x.po:1", catalog="ui")
    path = tmp_path / "rt.tmx"
    path.write_bytes(write_tmx([TmxUnit("ui", "en", context, source, None, False, (u,))], srclang="en", site="S",
                               version="1"))
    [back] = read_tmx(path, "rt.tmx", ("en", "et")).units
    assert (back.source, back.forms, back.msgctxt, back.state) == (source, (target,), context, "reviewed")


# --- concordance and review -------------------------------------------------------------------------

def test_tm_search_finds_source_or_translation_with_every_language(tmp_path, run_cli):
    root = tmp_path / "p"
    make(root)
    set_translation(root, "et", RADAR, RADAR_ET, approved_by="Mari Tamm")
    set_translation(root, "uk", RADAR, "Міністерство у вівторок підтвердило модернізацію берегової радарної мережі до зими.")
    run = run_cli("--config", root / "workflow.yaml", "tm", "search", "rannikuradar", "--format", "json")
    [hit] = json.loads(run.stdout)["results"]
    assert hit["source"] == RADAR and [t["language"] for t in hit["translations"]] == ["et", "uk"]
    assert hit["translations"][0]["state"] == "approved"
    run = run_cli("--config", root / "workflow.yaml", "tm", "search", "COASTAL", "--lang", "uk")
    assert run.exit_code == 0 and "берегової" in run.stdout and RADAR_ET not in run.stdout and "1 sources" in run.stdout
    assert search(Project.load(root / "workflow.yaml"), "no such words") == []
    with pytest.raises(LocflowError):
        search(Project.load(root / "workflow.yaml"), "  ")


def test_review_list_json_shows_memory_matches_and_the_other_languages(tmp_path, run_cli):
    root = tmp_path / "p"
    make(root, texts=(RADAR,), articles={"follow-up.md": article("follow-up", RADAR_SPRING)})
    set_translation(root, "uk", RADAR, "Міністерство підтвердило модернізацію радарів до зими.", approved_by="Olha")
    kw = {"catalog": "articles/follow-up"}
    set_translation(root, "ru", RADAR_SPRING, "Министерство подтвердило модернизацию радаров до весны.", **kw)
    set_translation(root, "lv", RADAR_SPRING, "Ministrija apstiprināja radaru modernizāciju līdz pavasarim.", **kw)
    translate(Project.load(root / "workflow.yaml"), TranslateOptions(languages=["uk"], provider="memory"))
    run = run_cli("--config", root / "workflow.yaml", "review", "list", "--lang", "uk", "--format", "json")
    [entry] = [e for e in json.loads(run.stdout)["entries"] if e["msgid"] == RADAR_SPRING]
    assert entry["state"] == "fuzzy"
    [match] = entry["memory"]
    assert match["score"] >= 90 and match["state"] == "approved" and match["reviewer"] == "Olha"
    assert match["origin"].startswith("locales/uk/LC_MESSAGES/ui.po:")
    assert {"op": "insert", "text": "spring."} in match["diff"] and {"op": "delete", "text": "winter."} in match["diff"]
    assert [o["language"] for o in entry["other_languages"]] == ["ru", "lv"]  # ru beside uk
    assert entry["other_languages"][0]["state"] == "reviewed"
