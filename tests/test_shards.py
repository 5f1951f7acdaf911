"""`--shard K/N` and `merge-shards`: N sharded runs, merged, say exactly what one run says."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import break_author_placeholder, edit_file, run_locflow, snapshot, write
from locflow.errors import LocflowError
from locflow.project import Project
from locflow.shards import Shard, parse_shard


@pytest.fixture
def faulty(sample: Path) -> Path:
    """The sample with errors of several kinds: placeholders, a stale article, a missing catalog."""
    break_author_placeholder(sample, "et")
    break_author_placeholder(sample, "ru")
    edit_file(sample, "site/articles/kyiv-disinformation-response.md", "## Як працюватиме система",
              "## Як працюватиме нова система")
    (sample / "locales/lv/articles/vilnius-civil-defence-drill.po").unlink()
    return sample


@pytest.mark.parametrize("command", [["check", "--format", "json"], ["status", "--format", "json"]])
def test_merged_shards_equal_one_run(faulty, command, tmp_path):
    whole = run_locflow(*command, cwd=faulty)
    assert whole.returncode in (0, 1), whole.stderr
    outputs = []
    seen: list[str] = []
    for k in (1, 2, 3):
        part = run_locflow(*command, "--shard", f"{k}/3", cwd=faulty)
        assert part.returncode in (0, 1), part.stderr
        key = "findings" if command[0] == "check" else "catalogs"
        seen += [row["path"] for row in json.loads(part.stdout)[key]]
        outputs.append(write(tmp_path / f"{command[0]}-{k}.json", part.stdout))
    merged = run_locflow("merge-shards", *outputs, "--format", "json", cwd=faulty)
    assert merged.stdout == whole.stdout
    assert merged.returncode == whole.returncode
    if command[0] == "status":
        assert len(seen) == len(set(seen))  # every catalog in exactly one shard
    else:
        assert whole.returncode == 1 and {"placeholders", "stale"} <= {f["check"] for f in
                                                                       json.loads(whole.stdout)["findings"]}


def test_merged_check_in_other_formats(faulty, tmp_path):
    outputs = [write(tmp_path / f"c{k}.json", run_locflow("check", "--format", "json", "--shard", f"{k}/2",
                                                           cwd=faulty).stdout) for k in (1, 2)]
    for fmt in ("github", "junit", "text"):
        whole = run_locflow("check", "--format", fmt, cwd=faulty)
        merged = run_locflow("merge-shards", *outputs, "--format", fmt, cwd=faulty)
        assert (merged.returncode, merged.stdout) == (whole.returncode, whole.stdout), fmt


def test_shards_are_stable_when_articles_come_and_go(sample):
    project = Project.load(sample / "workflow.yaml")
    before = {c.path: k for k in (1, 2, 3, 4) for c in project.catalog_files(shard=Shard(k, 4))}
    assert len(before) == len(project.catalog_files())
    (sample / "locales/et/articles/riga-new.po").write_bytes(
        (sample / "locales/et/articles/kyiv-disinformation-response.po").read_bytes())
    after = {c.path: k for k in (1, 2, 3, 4) for c in project.catalog_files(shard=Shard(k, 4))}
    assert {p: k for p, k in after.items() if p in before} == before


def test_translate_touches_only_its_shard(sample):
    project = Project.load(sample / "workflow.yaml")
    mine = {project.display(c.path) for c in project.catalog_files(shard=Shard(1, 2))}
    before = snapshot(sample)
    result = run_locflow("translate", "--provider", "pseudo", "--retranslate-machine", "--shard", "1/2",
                         cwd=sample)
    assert result.returncode == 0, result.stderr
    after = snapshot(sample)
    changed = {p for p in after if after[p] != before.get(p)}
    assert changed and changed <= mine


@pytest.mark.parametrize("spec", ["0/3", "4/3", "1/0", "a/b", "2"])
def test_bad_shard_is_a_usage_error(sample, spec):
    with pytest.raises(LocflowError):
        parse_shard(spec)
    for command in ("check", "status"):
        result = run_locflow(command, "--shard", spec, cwd=sample)
        assert result.returncode == 2 and "bad shard" in result.stderr


def test_merge_refuses_mixed_and_foreign_files(sample, tmp_path):
    check = write(tmp_path / "c.json", run_locflow("check", "--format", "json", cwd=sample).stdout)
    status = write(tmp_path / "s.json", run_locflow("status", "--format", "json", cwd=sample).stdout)
    assert run_locflow("merge-shards", check, status, cwd=sample).returncode == 2
    broken = write(tmp_path / "b.json", "{not json")
    result = run_locflow("merge-shards", broken, cwd=sample)
    assert result.returncode == 2 and "b.json:1" in result.stderr
    assert run_locflow("merge-shards", status, status, cwd=sample).returncode == 2  # a catalog twice


def test_a_missing_labels_catalog_is_in_one_shard_only(sample, tmp_path):
    """status lists a language's labels catalog that does not exist yet; merged, it is there once."""
    (sample / "locales/lv/LC_MESSAGES/ui.po").unlink()
    whole = run_locflow("status", "--format", "json", cwd=sample)
    rows = [r for r in json.loads(whole.stdout)["catalogs"] if r["path"] == "locales/lv/LC_MESSAGES/ui.po"]
    assert len(rows) == 1 and rows[0]["untranslated"] == rows[0]["total"] > 0 and not rows[0]["publishable"]
    outputs = [write(tmp_path / f"s{k}.json", run_locflow("status", "--format", "json", "--shard", f"{k}/3",
                                                          cwd=sample).stdout) for k in (1, 2, 3)]
    merged = run_locflow("merge-shards", *outputs, "--format", "json", cwd=sample)
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout == whole.stdout


def test_a_sharded_json_says_what_it_covered(sample):
    part = json.loads(run_locflow("check", "--format", "json", "--shard", "1/2", cwd=sample).stdout)
    assert part["scope"]["shard"] == "1/2" and "placeholders" in part["scope"]["checks"]
    assert part["scope"]["languages"] == ["en", "et", "lv", "lt", "pl", "ro", "ru", "uk"]
    assert "scope" not in json.loads(run_locflow("check", "--format", "json", cwd=sample).stdout)


def test_merged_status_table_keeps_the_notes(faulty, tmp_path):
    """The notes of status's table (the source language's catalog, a catalog not created yet) are not
    in the JSON; merge-shards finds them again, so its table is the one a single run prints."""
    (faulty / "locales/lv/LC_MESSAGES/ui.po").unlink()
    whole = run_locflow("status", cwd=faulty)
    outputs = [write(tmp_path / f"s{k}.json", run_locflow("status", "--format", "json", "--shard", f"{k}/2",
                                                            cwd=faulty).stdout) for k in (1, 2)]
    merged = run_locflow("merge-shards", *outputs, cwd=faulty)
    assert "(source language)" in whole.stdout and "no catalog yet" in whole.stdout
    assert (merged.returncode, merged.stdout) == (whole.returncode, whole.stdout)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_broken_catalog_survives_the_status_merge(sample, tmp_path, fmt):
    """One catalog that does not parse: one status run lists it at its line and exits 2; merged
    shards say the same, on the same streams, with the same exit code."""
    path = sample / "locales/pl/articles/kyiv-disinformation-response.po"
    path.write_text(path.read_text(encoding="utf-8") + 'msgid "broken\n', encoding="utf-8")
    whole = run_locflow("status", "--format", fmt, cwd=sample)
    assert whole.returncode == 2 and "kyiv-disinformation-response.po" in whole.stderr
    outputs = [write(tmp_path / f"s{k}.json", run_locflow("status", "--format", "json", "--shard", f"{k}/3",
                                                          cwd=sample).stdout) for k in (1, 2, 3)]
    merged = run_locflow("merge-shards", *outputs, "--format", fmt, cwd=sample)
    assert (merged.returncode, merged.stdout, merged.stderr) == (whole.returncode, whole.stdout, whole.stderr)


@pytest.mark.parametrize("command", ["check", "status"])
def test_merge_takes_only_a_whole_set_of_shards(sample, tmp_path, command):
    """A missing shard would hide its findings and a doubled one count them twice: both are refused,
    as are shards of two splits and a whole run given with shards."""
    def out(name: str, *shard: str) -> Path:
        return write(tmp_path / name, run_locflow(command, "--format", "json", *shard, cwd=sample).stdout)

    parts = [out(f"{k}.json", "--shard", f"{k}/3") for k in (1, 2, 3)]
    whole, other = out("whole.json"), out("other.json", "--shard", "1/2")
    cases = {"shard 3/3 is missing": parts[:2], "shard 2/3 is given twice": [parts[0], parts[1], parts[1], parts[2]],
             "not sharded": [whole, *parts], "different splits": [*parts, other]}
    for expected, files in cases.items():
        result = run_locflow("merge-shards", *files, cwd=sample)
        assert result.returncode == 2 and expected in result.stderr, (expected, result.stderr)
    assert run_locflow("merge-shards", *parts, cwd=sample).returncode in (0, 1)
