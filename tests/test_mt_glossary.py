"""Glossary terms reach the engine: DeepL v3 glossaries, the `openai` chat provider, self-correction,
term success and dry-run estimates, against the loopback server (tests/mt_server.py)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from locflow.cli import app
from locflow.project import Project
from locflow.pull import pull
from locflow.states import State, state_of

from .mt_server import CHAT_KEY, DEEPL_KEY, MTServer
from .test_translate import server  # noqa: F401  (the module-scoped loopback server fixture)

REPO = Path(__file__).resolve().parents[1]
LANGS = ["en", "et", "lv", "lt", "pl", "ro", "ru", "uk"]
ENV = {"DEEPL_API_KEY": DEEPL_KEY, "CHAT_KEY": CHAT_KEY}
KYIV = "Officials in Kyiv met the delegation."

TEMPLATE = """\
<p>{{ _("Officials in Kyiv met the delegation.") }}</p>
<p>{{ pgettext("button", "Subscribe") }}</p>
<p>{% trans count=n %}{{ count }} min read{% pluralize %}{{ count }} min read{% endtrans %}</p>
"""

ARTICLE = """\
---
slug: talks
title: "Talks in Tallinn"
language: en
date: 2026-11-02
section: Region
author: Mart Kask
summary: "Ministers met in Tallinn."
---

The ministers arrived on Monday.

They spoke about Kyiv and the winter.

The talks ended late.
"""


def write_project(root: Path, server: MTServer, providers: str = "[google]", extra: str = "",
                  timeout: float = 2, retries: int = 2, article: bool = False) -> Path:
    (root / "site/templates").mkdir(parents=True)
    (root / "site/templates/page.html").write_text(TEMPLATE, encoding="utf-8")
    (root / "glossaries").mkdir()
    shutil.copy(REPO / "glossaries/terms.csv", root / "glossaries/terms.csv")  # the sample's own termbase
    articles = ""
    if article:
        (root / "site/articles").mkdir(parents=True)
        (root / "site/articles/talks.md").write_text(ARTICLE, encoding="utf-8")
        articles = '  articles: {kind: articles, sources: ["site/articles/*.md"], publish: approved}\n'
    (root / "workflow.yaml").write_text(
        f"""site: Test Press
source_language: en
languages: [{", ".join(LANGS)}]
glossary: glossaries/terms.csv
catalogs:
  ui: {{kind: labels, sources: ["site/templates/*.html"], publish: reviewed}}
{articles}translation:
  providers: {providers}
  concurrency: 2
  timeout: {timeout}
  retries: {retries}
  backoff: 0.01
  google: {{url: "{server.url}/m"}}
  deepl: {{url: "{server.url}/v2/", api_key_env: DEEPL_API_KEY}}
  openai:
    url: "{server.url}/v1"
    model: test-model
    api_key_env: CHAT_KEY
    batch: 4
    price_per_million_input: 2.5
    price_per_million_output: 10
    style: {{ru: "Use the press register of Russian-language Baltic media."}}
{extra}""",
        encoding="utf-8",
    )
    pull(Project.load(root / "workflow.yaml"))
    return root / "workflow.yaml"


def run(path: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(path), "translate", *args], env=ENV)


def entry(path: Path, lang: str, msgid: str = KYIV) -> polib.POEntry:
    po = polib.pofile(str(path.parent / f"locales/{lang}/LC_MESSAGES/ui.po"))
    return next(e for e in po if e.msgid == msgid and not e.obsolete)


def chat_requests(server: MTServer) -> list[dict]:
    return [r["params"] for r in server.requests if r["path"].endswith("/chat/completions")]


def last_user(body: dict) -> dict:
    return json.loads([m for m in body["messages"] if m["role"] == "user"][-1]["content"])


# --- the Kyiv example on the sample glossary ------------------------------------------------------


def test_kyiv_through_google_stays_fuzzy_with_the_glossary_problem(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[google]")
    r = run(path, "--lang", "ru,ro")
    assert r.exit_code == 0, r.output
    for lang, mandated in (("ru", "Киев"), ("ro", "Kiev")):
        e = entry(path, lang)
        assert state_of(e) is State.FUZZY and mandated not in e.msgstr
        assert "mt-problem google" in e.tcomment and f"should be '{mandated}'" in e.tcomment
    assert "google: term success 0/2 (0% of mandated glossary terms)" in r.output


@pytest.mark.parametrize("provider", ["deepl", "openai"])
def test_kyiv_through_deepl_glossary_and_openai_is_machine_with_the_mandated_form(tmp_path, server, provider):
    server.reset()
    path = write_project(tmp_path, server, providers=f"[{provider}]")
    r = run(path, "--lang", "ru,ro")
    assert r.exit_code == 0, r.output
    for lang, mandated in (("ru", "Киев"), ("ro", "Kiev")):
        e = entry(path, lang)
        assert state_of(e) is State.MACHINE, (lang, e.msgstr, e.tcomment)
        assert e.msgstr == f"[{lang}] OFFICIALS IN {mandated} MET THE DELEGATION."
        assert f"locflow: machine {provider} " in e.tcomment
    assert f"{provider}: term success 2/2 (100% of mandated glossary terms)" in r.output
    if provider == "deepl":
        sent = [q["params"] for q in server.requests if q["path"].endswith("/v2/translate")]
        assert sent and all(p.get("glossary_id") in server.glossaries for p in sent)
    else:
        terms = [s["terms"] for body in chat_requests(server) for s in last_user(body)["segments"]
                 if s["text"] == KYIV]
        assert {t["target"] for ts in terms for t in ts} == {"Киев", "Kiev"}
        assert all(t["source"] == "Kyiv" and "may be inflected" in t["note"] for ts in terms for t in ts)


def test_term_success_in_translate_json(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[openai]")
    r = run(path, "--lang", "ru,ro,uk", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    (report,) = data["providers"]
    assert report["name"] == "openai" and report["terms"] == 3 and report["terms_satisfied"] == 3
    assert report["term_success"] == 1.0 and data["terms"] == {"occurrences": 3, "satisfied": 3, "term_success": 1.0}
    assert data["exit_code"] == 0 and data["failed"] == 0 and "elapsed" not in data
    assert entry(path, "uk").msgstr == "[uk] OFFICIALS IN Київ MET THE DELEGATION."


# --- DeepL glossaries -------------------------------------------------------------------------------


def test_deepl_glossary_is_created_once_and_replaced_when_the_termbase_changes(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[deepl]")
    server.glossaries["foreign"] = {"glossary_id": "foreign", "name": "team glossary", "dictionaries": [],
                                    "creation_time": "2026-01-01T00:00:00Z"}
    assert run(path, "--lang", "ru,uk").exit_code == 0
    made = {g["name"]: g for g in server.glossaries.values() if g["name"].startswith("locflow ")}
    assert sorted(n.rsplit(" ", 1)[0] for n in made) == ["locflow en-ru", "locflow en-uk"]
    assert server.count("/v3/glossaries", "POST") == 2
    ru = next(g for n, g in made.items() if n.startswith("locflow en-ru"))["dictionaries"][0]["entries"]
    uk = next(g for n, g in made.items() if n.startswith("locflow en-uk"))["dictionaries"][0]["entries"]
    assert ru["Kyiv"] == "Киев" and ru["NATO"] == "НАТО" and ru["Estonian Free Press"] == "Estonian Free Press"
    assert uk["Kyiv"] == "Київ" and not any("*" in k + v for k, v in uk.items())  # no stem patterns
    assert "Kiev" not in ru and "Киев" not in uk.values()  # forbidden wordings are never sent

    server.requests.clear()
    assert run(path, "--lang", "ru,uk", "--retranslate-machine").exit_code == 0
    assert server.count("/v3/glossaries", "POST") == 0 and server.count(method="DELETE") == 0  # reused

    terms = path.parent / "glossaries/terms.csv"
    terms.write_text(terms.read_text(encoding="utf-8").replace("Вильнюс", "Вильнюс; Вильня"), encoding="utf-8")
    terms.write_text(terms.read_text(encoding="utf-8").replace(",Kiev,Киев,", ",Kiev,Киеве,"), encoding="utf-8")
    server.requests.clear()
    assert run(path, "--lang", "ru,uk", "--retranslate-machine").exit_code == 0
    assert server.count("/v3/glossaries", "POST") == 1 and server.count(method="DELETE") == 1  # ru only
    names = sorted(g["name"] for g in server.glossaries.values())
    assert len([n for n in names if n.startswith("locflow en-ru ")]) == 1 and "team glossary" in names
    ru_now = next(g for g in server.glossaries.values() if g["name"].startswith("locflow en-ru "))
    assert ru_now["dictionaries"][0]["entries"]["Kyiv"] == "Киеве" and ru_now["name"] not in made
    assert entry(path, "ru").msgstr == "[ru] OFFICIALS IN Киеве MET THE DELEGATION."


def test_deepl_glossary_can_be_switched_off(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[deepl]")
    text = path.read_text(encoding="utf-8").replace("api_key_env: DEEPL_API_KEY}", "api_key_env: DEEPL_API_KEY, glossary: false}")
    path.write_text(text, encoding="utf-8")
    r = run(path, "--lang", "ru")
    assert r.exit_code == 0, r.output
    assert server.count("/v3/glossaries") == 0
    assert all("glossary_id" not in q["params"] for q in server.requests)
    assert state_of(entry(path, "ru")) is State.FUZZY  # the engine alone did not know Kyiv's Russian form


def test_a_failing_glossary_request_is_a_provider_failure(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[deepl]", retries=0)
    server.faults.statuses = [500]  # the glossary listing fails
    r = run(path, "--lang", "ru")
    assert r.exit_code == 3, r.output
    assert "DeepL glossary GET v3/glossaries: HTTP 500" in r.output and DEEPL_KEY not in r.output
    assert state_of(entry(path, "ru")) is State.UNTRANSLATED
    assert run(path, "--lang", "ru").exit_code == 0  # a rerun completes
    assert state_of(entry(path, "ru")) is State.MACHINE


# --- the openai provider ---------------------------------------------------------------------------


def test_openai_wire_contract(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[openai]", article=True)
    r = run(path, "--lang", "ru", "--catalog", "ui,articles/talks")
    assert r.exit_code == 0, r.output
    bodies = chat_requests(server)
    assert bodies and all(b["model"] == "test-model" and b["temperature"] == 0 for b in bodies)
    assert all(b["response_format"] == {"type": "json_object"} for b in bodies)
    assert all(q["auth"] == f"Bearer {CHAT_KEY}" for q in server.requests)
    system = bodies[0]["messages"][0]
    assert system["role"] == "system" and "Russian" in system["content"] and "Baltic media" in system["content"]
    segments = [s for b in bodies for s in last_user(b)["segments"]]
    assert all(set(s) == {"id", "text", "context", "notes", "terms", "forbidden"} for s in segments)
    assert all(last_user(b)["source_language"] == "en" and last_user(b)["target_language"] == "ru" for b in bodies)
    assert all(len(last_user(b)["segments"]) <= 4 for b in bodies)  # batch: 4
    by_text = {s["text"]: s for s in segments}
    # plural entries: one segment per Russian form with its representative number
    assert {"1 min read", "2 min read", "5 min read"} <= set(by_text)
    assert by_text["Subscribe"]["context"] == "msgctxt: button"
    middle = by_text["They spoke about Kyiv and the winter."]
    assert "previous: The ministers arrived on Monday." in middle["context"]
    assert "next: The talks ended late." in middle["context"]
    assert "paragraph" in middle["notes"]
    assert middle["terms"][0]["target"] == "Киев"
    assert "Кишинэу" not in middle["forbidden"]  # only the forbidden wordings of concepts in the segment
    po = polib.pofile(str(path.parent / "locales/ru/articles/talks.po"))
    assert all(state_of(e) is State.MACHINE for e in po if not e.obsolete)


def test_openai_batch_of_one_still_sends_terms_and_context(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[openai]")
    path.write_text(path.read_text(encoding="utf-8").replace("batch: 4", "batch: 1"), encoding="utf-8")
    assert run(path, "--lang", "ru").exit_code == 0
    requests = [last_user(b)["segments"] for b in chat_requests(server)]
    assert len(requests) == 5 and all(len(segments) == 1 for segments in requests)
    kyiv = next(s for (s,) in requests if s["text"] == KYIV)
    assert kyiv["terms"][0]["target"] == "Киев" and state_of(entry(path, "ru")) is State.MACHINE


def test_openai_self_correction_fixes_a_missed_term(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[openai]")
    server.faults.chat_terms = "on-retry"
    r = run(path, "--lang", "ru")
    assert r.exit_code == 0, r.output
    e = entry(path, "ru")
    assert state_of(e) is State.MACHINE and "Киев" in e.msgstr
    assert "openai: 1 segments sent back once with their findings, 1 corrected" in r.output
    retry = [last_user(b) for b in chat_requests(server) if len(b["messages"]) == 4]
    assert len(retry) == 1 and retry[0]["segments"][0]["problems"] == ["'Kyiv' must be translated as 'Киев'"]


def test_openai_still_wrong_after_one_correction_is_fuzzy(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[openai]")
    server.faults.chat_terms = "never"
    r = run(path, "--lang", "ru", "--format", "json")
    assert r.exit_code == 0, r.output
    e = entry(path, "ru")
    assert state_of(e) is State.FUZZY and "mt-problem openai" in e.tcomment and "should be 'Киев'" in e.tcomment
    (report,) = json.loads(r.stdout)["providers"]
    assert report["sent_back"] == 1 and report["corrected"] == 0 and report["term_success"] == 0.0
    # two batches (5 segments, batch 4) and the Kyiv segment sent back once, not again
    assert [len(b["messages"]) for b in chat_requests(server)].count(4) == 1 and len(chat_requests(server)) == 3


@pytest.mark.parametrize("fault", ["not-json", "missing-id", "extra-id", "429", "timeout"])
def test_openai_faults_exit_3_and_lose_nothing(tmp_path, server, fault):
    server.reset()
    path = write_project(tmp_path, server, providers="[openai]", timeout=0.5, retries=1)
    assert run(path, "--lang", "ro").exit_code == 0
    ro_before = (path.parent / "locales/ro/LC_MESSAGES/ui.po").read_bytes()
    ru_before = (path.parent / "locales/ru/LC_MESSAGES/ui.po").read_bytes()
    if fault == "429":
        server.faults.statuses, server.faults.retry_after = [429] * 20, "0"
    elif fault == "timeout":
        server.faults.stall = 1.5
    else:
        server.faults.chat = fault
    r = run(path, "--lang", "ro,ru")
    assert r.exit_code == 3, r.output
    assert "openai:" in r.output and "failed" in r.output and CHAT_KEY not in r.output
    assert (path.parent / "locales/ro/LC_MESSAGES/ui.po").read_bytes() == ro_before  # finished work kept
    assert (path.parent / "locales/ru/LC_MESSAGES/ui.po").read_bytes() == ru_before  # nothing half-done saved
    assert all(state_of(e) is State.UNTRANSLATED for e in polib.pofile(str(path.parent / "locales/ru/LC_MESSAGES/ui.po")))
    server.reset()
    r = run(path, "--lang", "ro,ru")
    assert r.exit_code == 0, r.output  # a rerun resumes
    assert state_of(entry(path, "ru")) is State.MACHINE


def test_openai_dry_run_estimates_tokens_and_cost(tmp_path, server):
    server.reset()
    path = write_project(tmp_path, server, providers="[openai]")
    r = CliRunner().invoke(app, ["--config", str(path), "translate", "--dry-run", "--lang", "ru", "--format", "json"],
                           env=ENV)  # the key is checked as the real run checks it; nothing is sent
    assert r.exit_code == 0, r.output
    assert server.count() == 0
    (estimate,) = json.loads(r.stdout)["estimates"]
    assert estimate["provider"] == "openai" and estimate["segments"] == 5  # 3 plain + 3 plural forms - 1 shared
    assert estimate["tokens_in"] > estimate["tokens_out"] > 0
    expected = (estimate["tokens_in"] * 2.5 + estimate["tokens_out"] * 10) / 1_000_000
    assert estimate["cost"] == round(expected, 4)
    r = CliRunner().invoke(app, ["--config", str(path), "translate", "--dry-run", "--lang", "ru"], env=ENV)
    assert f"about {estimate['tokens_in']} prompt + {estimate['tokens_out']} reply tokens" in r.output


@pytest.mark.parametrize("section, needle", [
    ("  openai: {model: m}\n", "needs translation.openai.url"),
    ("  openai: {url: 'http://127.0.0.1:9/v1', model: m, batchsize: 3}\n", "did you mean `batch`?"),
    ("  openai: {url: 'http://127.0.0.1:9/v1', model: m, batch: many}\n", "translation.openai.batch must be int"),
    ("  openai: {url: 'http://127.0.0.1:9/v1', model: m, style: {xx: hi}}\n", "must be a site language"),
])
def test_openai_options_are_checked_by_the_provider_with_their_position(tmp_path, server, section, needle):
    root = tmp_path
    (root / "site/templates").mkdir(parents=True)
    (root / "site/templates/page.html").write_text(TEMPLATE, encoding="utf-8")
    (root / "workflow.yaml").write_text(
        "site: T\nsource_language: en\nlanguages: [en, ru]\ncatalogs:\n"
        '  ui: {kind: labels, sources: ["site/templates/*.html"]}\n'
        "translation:\n  providers: [openai]\n" + section, encoding="utf-8")
    pull(Project.load(root / "workflow.yaml"))
    r = CliRunner().invoke(app, ["--config", str(root / "workflow.yaml"), "translate"], env={})
    assert r.exit_code == 2, r.output
    assert needle in r.output and "workflow.yaml:" in r.output
