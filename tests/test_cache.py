"""The content-keyed cache under .locflow/: warm runs agree with cold ones and never go stale."""
from __future__ import annotations

import json

import polib

from locflow.checks.runner import run_checks
from locflow.project import Project
from locflow.status import status


def as_json(rows):
    return json.dumps([r.to_json() for r in rows], sort_keys=True)


def test_warm_status_equals_cold_and_follows_an_edit(sample, monkeypatch):
    project = Project.load(sample / "workflow.yaml")
    cold = as_json(status(project))
    assert list((sample / ".locflow/cache").glob("status-*.json"))
    assert as_json(status(project)) == cold
    path = sample / "locales/et/LC_MESSAGES/ui.po"
    po = polib.pofile(str(path))
    po[0].msgstr = ""  # reviewed -> untranslated
    po.save()
    warm = {(r.language, r.catalog): r for r in status(project)}
    monkeypatch.setenv("LOCFLOW_NO_CACHE", "1")
    fresh = {(r.language, r.catalog): r for r in status(project)}
    assert warm == fresh
    assert warm[("et", "ui")].states["untranslated"] == 1


def test_same_size_edit_is_seen(sample, monkeypatch):
    project = Project.load(sample / "workflow.yaml")
    before = {(r.language, r.catalog): r.states for r in status(project)}
    path = sample / "locales/uk/articles/chisinau-energy-interconnection.po"
    text = path.read_text(encoding="utf-8")
    assert "#, fuzzy\n" in text
    path.write_text(text.replace("#, fuzzy\n", "#, fuzzz\n", 1), encoding="utf-8")  # same size, one state changes
    after = {(r.language, r.catalog): r.states for r in status(project)}
    key = ("uk", "articles/chisinau-energy-interconnection")
    assert after[key]["machine"] == before[key]["machine"] - 1
    assert after[key]["reviewed"] == before[key]["reviewed"] + 1


def test_check_cache_reports_a_new_fault(sample):
    project = Project.load(sample / "workflow.yaml")
    assert run_checks(project, languages=["pl"]).summary["error"] == 0
    path = sample / "locales/pl/LC_MESSAGES/ui.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid == "By %(author)s")
    entry.msgstr = "Autor: %(autor)s"
    po.save()
    result = run_checks(project, languages=["pl"])
    assert [(f.check, f.msgid) for f in result.findings if f.severity == "error"] == [
        ("placeholders", "By %(author)s"), ("placeholders", "By %(author)s")]
    # a config change invalidates the cached findings: switch the check off
    cfg = sample / "workflow.yaml"
    cfg.write_text(cfg.read_text() + "checks:\n  placeholders: off\n", encoding="utf-8")
    project = Project.load(cfg)
    assert run_checks(project, languages=["pl"]).summary["error"] == 0


def test_stale_follows_source_edits(sample):
    project = Project.load(sample / "workflow.yaml")
    assert not [f for f in run_checks(project, only=["stale"]).findings]
    article = sample / "site/articles/baltic-air-policing-rotation.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more paragraph for the record.\n", encoding="utf-8")
    stale = run_checks(project, only=["stale"]).findings
    assert {f.language for f in stale} == {"et", "lv", "lt", "pl", "ro", "ru", "uk"}
    assert all(f.catalog == "articles/baltic-air-policing-rotation" for f in stale)


def test_caches_of_other_code_versions_are_pruned(sample):
    """A new code version's status cache keeps the three latest others (older versions, other check
    selections) and removes the rest: nothing else would ever delete them."""
    import os

    from locflow.cache import KEEP_OTHERS

    cache = sample / ".locflow" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    old = [cache / f"status-{n:012x}.json" for n in range(5)]
    for n, path in enumerate(old):
        path.write_text("{}", encoding="utf-8")
        os.utime(path, (1000 + n, 1000 + n))
    (cache / "check-000000000000.json").write_text("{}", encoding="utf-8")
    status(Project.load(sample / "workflow.yaml"))
    left = sorted(p.name for p in cache.glob("status-*.json"))
    assert len(left) == KEEP_OTHERS + 1
    assert [p.name for p in old if p.exists()] == [p.name for p in old[-KEEP_OTHERS:]]
    assert (cache / "check-000000000000.json").exists()  # another kind of cache: not this one's to prune


def test_a_cache_is_written_in_pieces_as_one_dump_would_write_it(tmp_path):
    """The cache file is encoded one entry at a time (an archive's check cache is hundreds of MB);
    the bytes are exactly json.dumps' of the whole, and they load back."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from locflow.cache import FileCache
    from locflow.fingerprint import code_fingerprint

    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.floats(allow_nan=False))
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner,
                                                                                                    max_size=3),
                          max_leaves=8)

    @settings(max_examples=60, deadline=None)
    @given(st.dictionaries(st.text(), values, max_size=6), st.floats(min_value=0, max_value=2e9))
    def agree(entries, written_at):
        cache = FileCache(tmp_path, "pieces")
        cache.entries = entries
        whole = json.dumps({"code": code_fingerprint(), "written_at": written_at, "files": entries},
                           ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        assert b"".join(cache._encoded(written_at)) == whole

    agree()
    cache = FileCache(tmp_path, "pieces")
    cache.entries = {"a.po": {"size": 1, "mtime_ns": 2, "ino": 3, "hash": "h", "value": ["ü"]}}
    cache.dirty = True
    cache.save()
    assert FileCache(tmp_path, "pieces").entries == cache.entries
