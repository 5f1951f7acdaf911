"""workflow.yaml -> Config: the happy path, and every error pointing at file:line:col."""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import WORKFLOW, build_project, write
from locflow.config import find_config, load_config
from locflow.errors import LocflowError
from locflow.project import Project
from locflow.pull import pull
from locflow.validate import check_registries


def position(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, col) of the nth occurrence of `needle` in `text`."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return line, col


def load_checked(path: Path) -> None:
    """workflow.yaml loaded as every command loads it: config.py, then the registries."""
    check_registries(load_config(path))


def load_error(tmp_path: Path, text: str | bytes, loader=load_checked) -> LocflowError:
    path = write(tmp_path / "workflow.yaml", text)
    with pytest.raises(LocflowError) as info:
        loader(path)
    err = info.value
    assert err.path == str(path)
    assert err.exit_code == 2
    return err


# --- the happy path ---------------------------------------------------------------------------

def test_valid_config_is_typed(tmp_path):
    path = write(tmp_path / "workflow.yaml", WORKFLOW + "translation:\n  providers: [memory]\n  retries: 0\n"
                 "  deepl: {api_key_env: DEEPL_API_KEY, formality: prefer_more}\n")
    cfg = load_config(path)
    assert cfg.site == "Test Press"
    assert cfg.source_language == "en"
    assert cfg.languages == ("en", "et", "lv", "ru")
    assert cfg.root == tmp_path.resolve()
    assert cfg.locales_path == tmp_path.resolve() / "locales"
    assert list(cfg.catalogs) == ["ui", "articles"]
    ui, articles = cfg.catalogs["ui"], cfg.catalogs["articles"]
    assert (ui.kind, ui.sources, ui.publish) == ("labels", ("site/templates/**/*.html",), "reviewed")
    assert (articles.kind, articles.sources, articles.publish) == ("articles", ("site/articles/*.md",), "approved")
    assert cfg.translation.providers == ("memory",)
    assert cfg.translation.retries == 0
    assert cfg.translation.concurrency == 8  # default kept for keys not given
    assert cfg.translation.options == {"deepl": {"api_key_env": "DEEPL_API_KEY", "formality": "prefer_more"}}


def test_optional_keys_have_defaults(tmp_path):
    path = write(tmp_path / "workflow.yaml", "site: S\nsource_language: en\nlanguages: [en, et]\n"
                 "catalogs:\n  ui: {kind: labels, sources: 'site/*.html'}\n")
    cfg = load_config(path)
    assert cfg.locales_dir == "locales"
    assert cfg.glossary is None
    assert cfg.catalogs["ui"].kind == "labels"
    assert cfg.catalogs["ui"].publish == "reviewed"
    assert cfg.catalogs["ui"].sources == ("site/*.html",)  # a single string is one pattern
    assert cfg.translation.providers == ("memory", "google")
    assert cfg.translation.timeout == 20.0


def test_the_repository_config_loads():
    from .conftest import REPO

    cfg = load_config(REPO / "workflow.yaml")
    assert cfg.languages == ("en", "et", "lv", "lt", "pl", "ro", "ru", "uk")
    assert cfg.catalogs["articles"].publish == "approved"


# --- broken YAML --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "old", "new", "lines"),
    [
        # the parser notices the missing `]` only on the next line
        ("unclosed flow sequence", "languages: [en, et, lv, ru]", "languages: [en, et, lv, ru", (4, 5)),
        ("tab indentation", "site: Test Press", "site:\tTest Press\n\tx: 1", (2, 3)),
        ("mapping value in plain scalar", "site: Test Press", "site: Test: Press", (2,)),
        ("duplicate key", "locales_dir: locales", "locales_dir: locales\nsite: Again", (6,)),
        ("undefined alias", "locales_dir: locales", "locales_dir: *nowhere", (5,)),
    ],
)
def test_broken_yaml_names_line_and_column(tmp_path, name, old, new, lines):
    assert old in WORKFLOW
    err = load_error(tmp_path, WORKFLOW.replace(old, new))
    assert err.line in lines, str(err)
    assert err.col is not None and err.col >= 1
    assert err.where == f"{tmp_path / 'workflow.yaml'}:{err.line}:{err.col}"
    assert "YAML" in err.message


@pytest.mark.parametrize(("old", "new"), [
    ("site: Test Press", "site: 2026-13-45"),  # looks like a date, is none: ruamel's datetime raises
    ("site: Test Press", "site: 2026-02-30"),
    ("locales_dir: locales", "locales_dir: 2026-10-01"),
    ("locales_dir: locales", "locales_dir: 2026-10-01 25:61:00"),
])
def test_date_like_values_load_or_fail_cleanly(tmp_path, old, new):
    """Either a config (the value read as text) or a LocflowError at its line: never a crash."""
    text = WORKFLOW.replace(old, new)
    path = write(tmp_path / "workflow.yaml", text)
    try:
        cfg = load_config(path)
    except LocflowError as err:
        assert err.line == position(text, new)[0], str(err)
    else:
        value = new.split(": ", 1)[1]
        assert value in (cfg.site, cfg.locales_dir)


def test_not_utf8_is_an_error(tmp_path):
    err = load_error(tmp_path, b"site: Caf\xe9\nsource_language: en\nlanguages: [en]\n")
    assert "UTF-8" in err.message and (err.line, err.col) == (1, 10)  # an editor's line:col, not a byte offset
    err = load_error(tmp_path, "site: Тест\nsource_language: en\nlanguages: [en]\n# é\n".encode() + b"\xff\n")
    assert (err.line, err.col) == (5, 1)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a list\n- of things\n", "just a string\n"])
def test_empty_or_non_mapping_config(tmp_path, text):
    err = load_error(tmp_path, text)
    assert "empty" in err.message or "mapping" in err.message


# --- unknown keys -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("old", "new", "wrong", "suggested"),
    [
        ("languages:", "langauges:", "langauges", "languages"),
        ("source_language:", "source_langauge:", "source_langauge", "source_language"),
        ("    sources: [\"site/templates", "    sorces: [\"site/templates", "sorces", "sources"),
        ("    publish: approved", "    pubilsh: approved", "pubilsh", "publish"),
    ],
)
def test_unknown_key_suggests_the_closest_valid_one(tmp_path, old, new, wrong, suggested):
    text = WORKFLOW.replace(old, new, 1)
    assert text != WORKFLOW
    err = load_error(tmp_path, text)
    assert f"`{wrong}`" in err.message
    assert err.hint == f"did you mean `{suggested}`?"
    assert (err.line, err.col) == position(text, wrong)


def test_unknown_translation_key_suggests(tmp_path):
    text = WORKFLOW + "translation:\n  concurency: 4\n"
    err = load_error(tmp_path, text)
    assert err.hint == "did you mean `concurrency`?"
    assert (err.line, err.col) == position(text, "concurency")


def test_unknown_provider_and_formality_fail_at_load_with_their_position(tmp_path):
    """Both once passed status and check and failed only when translate ran, without a line."""
    text = WORKFLOW + "translation:\n  providers: [memory, gogle]\n"
    err = load_error(tmp_path, text)
    assert "`gogle`" in err.message and err.hint == "did you mean `google`?"
    assert (err.line, err.col) == position(text, "gogle")
    text = WORKFLOW + "translation:\n  deepl: {api_key_env: DEEPL_API_KEY, formality: polite}\n"
    err = load_error(tmp_path, text)
    assert "`polite`" in err.message and "prefer_more" in err.hint
    assert (err.line, err.col) == position(text, "polite")


def test_a_provider_is_known_by_registering_alone(tmp_path):
    """config.py lists no provider: a provider that registers with its schema is a valid name and
    section at once, and its own options are checked at their line."""
    from locflow.mt.providers import REGISTRY, Option, register

    register("echo-test", {"flavour": Option(str, "plain", choices=("plain", "salted"))})(lambda config, ctx: None)
    try:
        base = WORKFLOW + "translation:\n  providers: [memory, echo-test]\n"
        path = write(tmp_path / "workflow.yaml", base + "  echo-test: {flavour: salted}\n")
        check_registries(load_config(path))
        text = base + "  echo-test: {flavour: sweet}\n"
        err = load_error(tmp_path, text)
        assert "`sweet`" in err.message and "salted" in err.hint
        assert (err.line, err.col) == position(text, "sweet")
        text = base + "  echo-test: {flavor: plain}\n"
        err = load_error(tmp_path, text)
        assert "`flavor`" in err.message and err.hint == "did you mean `flavour`?"
        assert (err.line, err.col) == position(text, "flavor")
    finally:
        del REGISTRY["echo-test"]
    text = WORKFLOW + "translation:\n  providers: [memory, echo-test]\n"
    err = load_error(tmp_path, text)
    assert "unknown translation provider `echo-test`" in err.message
    assert (err.line, err.col) == position(text, "echo-test")


def test_an_unknown_provider_section_and_a_section_that_is_no_mapping(tmp_path):
    text = WORKFLOW + "translation:\n  providers: [memory]\n  deepel: {api_key_env: DEEPL_API_KEY}\n"
    err = load_error(tmp_path, text)
    assert err.message == "unknown key `deepel` in translation" and err.hint == "did you mean `deepl`?"
    assert (err.line, err.col) == position(text, "deepel")
    text = WORKFLOW + "translation:\n  deepl: DEEPL_API_KEY\n"
    err = load_error(tmp_path, text)
    assert err.message == "`deepl` must be a mapping"
    assert (err.line, err.col) == position(text, "DEEPL_API_KEY")


def test_unknown_key_without_close_match_lists_valid_keys(tmp_path):
    text = WORKFLOW + "colour: blue\n"
    err = load_error(tmp_path, text)
    assert "`colour`" in err.message
    assert "source_language" in err.hint and "catalogs" in err.hint
    assert (err.line, err.col) == position(text, "colour")


# --- languages --------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["xx", "pt-BR", "english", "e"])
def test_unknown_language_code_points_at_it(tmp_path, code):
    text = WORKFLOW.replace("[en, et, lv, ru]", f"[en, et, {code}, ru]")
    err = load_error(tmp_path, text)
    assert f"`{code}`" in err.message
    assert (err.line, err.col) == position(text, f"{code}, ru")


def test_unknown_source_language(tmp_path):
    text = WORKFLOW.replace("source_language: en", "source_language: zz")
    err = load_error(tmp_path, text)
    assert "`zz`" in err.message
    assert (err.line, err.col) == position(text, "zz")


def test_non_string_language_code(tmp_path):
    text = WORKFLOW.replace("[en, et, lv, ru]", "[en, 7]")
    err = load_error(tmp_path, text)
    assert (err.line, err.col) == position(text, "7]")


@pytest.mark.parametrize(
    ("languages", "needle", "nth"),
    [
        ("[en, et, lv, et]", "et", 2),
        ("[en, lv, ru, lv, et]", "lv", 2),
        # Locale codes are case-insensitive: `ET` is Estonian a second time, and on a
        # case-insensitive file system locales/ET and locales/et are the same folder.
        ("[en, et, ET]", "ET", 1),
    ],
)
def test_duplicate_language_points_at_the_second_one(tmp_path, languages, needle, nth):
    text = WORKFLOW.replace("[en, et, lv, ru]", languages)
    err = load_error(tmp_path, text)
    assert "duplicate" in err.message
    line, col = position(text[text.index("languages:"):], needle, nth)
    base_line = text.count("\n", 0, text.index("languages:"))
    assert (err.line, err.col) == (base_line + line, col)


def test_source_language_must_be_a_site_language(tmp_path):
    text = WORKFLOW.replace("source_language: en", "source_language: pl")
    err = load_error(tmp_path, text)
    assert "`pl`" in err.message
    assert (err.line, err.col) == position(text, "pl\n")


@pytest.mark.parametrize("value", ["en", "[]", "{en: 1}"])
def test_languages_must_be_a_non_empty_list(tmp_path, value):
    text = WORKFLOW.replace("[en, et, lv, ru]", value)
    err = load_error(tmp_path, text)
    assert "`languages`" in err.message
    assert err.line == 4


def test_missing_required_key(tmp_path):
    err = load_error(tmp_path, WORKFLOW.replace("source_language: en\n", ""))
    assert "`source_language`" in err.message
    assert err.line is not None


# --- catalogs, translation, secrets -------------------------------------------------------------

def test_unknown_catalog_kind(tmp_path):
    """The source kinds' registry, not config, knows the kinds: a project refuses one it lacks."""
    from locflow.project import Project

    text = WORKFLOW.replace("kind: labels", "kind: label")
    err = load_error(tmp_path, text, Project.load)
    assert "`label`" in err.message and "labels" in err.hint
    assert (err.line, err.col) == position(text, "label\n")


def test_unknown_publish_state(tmp_path):
    text = WORKFLOW.replace("publish: approved", "publish: perfect")
    err = load_error(tmp_path, text)
    assert "`perfect`" in err.message and "approved" in err.hint
    assert (err.line, err.col) == position(text, "perfect")


@pytest.mark.parametrize("pattern", ["/etc/*.conf", "../other/*.html", "site/../../*.html"])
def test_source_pattern_may_not_leave_the_project(tmp_path, pattern):
    text = WORKFLOW.replace("site/templates/**/*.html", pattern)
    err = load_error(tmp_path, text)
    assert "leaves the project" in err.message
    assert (err.line, err.col) == position(text, f'"{pattern}"')


@pytest.mark.parametrize("locales_dir", ["/tmp/locflow-elsewhere", "../outside"])
def test_locales_dir_may_not_leave_the_project(tmp_path, locales_dir):
    # Like source patterns: a pull must never write catalogs outside the project.
    text = WORKFLOW.replace("locales_dir: locales", f"locales_dir: {locales_dir}")
    err = load_error(tmp_path, text)
    assert "locales_dir" in err.message
    assert (err.line, err.col) == position(text, locales_dir)


@pytest.mark.parametrize("key", ["api_key", "secret"])
def test_secrets_must_not_be_written_in_the_config(tmp_path, key):
    text = WORKFLOW + f"translation:\n  deepl:\n    {key}: s3cr3t\n"
    err = load_error(tmp_path, text)
    assert "secrets" in err.message and "api_key_env" in err.hint
    assert (err.line, err.col) == position(text, key + ":")


@pytest.mark.parametrize(("key", "value"), [("concurrency", "0"), ("timeout", "fast"), ("retries", "-1"),
                                            ("concurrency", "true")])
def test_translation_numbers_are_validated(tmp_path, key, value):
    text = WORKFLOW + f"translation:\n  {key}: {value}\n"
    err = load_error(tmp_path, text)
    assert f"`{key}`" in err.message
    last_line = text.count("\n")
    assert (err.line, err.col) == (last_line, len(f"  {key}: ") + 1)


# --- finding the file -------------------------------------------------------------------------

def test_find_config_walks_up_like_git(tmp_path):
    root = build_project(tmp_path / "proj")
    deep = root / "site" / "templates" / "partials"
    assert find_config(deep) == (root / "workflow.yaml").resolve()
    assert find_config(root) == (root / "workflow.yaml").resolve()


def test_find_config_without_any_file(tmp_path):
    folder = tmp_path / "empty" / "deeper"
    folder.mkdir(parents=True)
    with pytest.raises(LocflowError) as info:
        find_config(folder)
    assert "workflow.yaml" in info.value.message
    assert "locflow init" in info.value.hint


def test_explicit_path_that_does_not_exist(tmp_path):
    with pytest.raises(LocflowError) as info:
        load_config(tmp_path / "nope.yaml")
    assert info.value.exit_code == 2
    assert info.value.path == str(tmp_path / "nope.yaml")


# --- a sources glob that matches nothing ----------------------------------------------------------

def test_sources_glob_matching_nothing_names_the_pattern_in_workflow_yaml(tmp_path):
    root = build_project(tmp_path / "proj", articles={})
    text = (root / "workflow.yaml").read_text()
    with pytest.raises(LocflowError) as info:
        pull(Project.load(root / "workflow.yaml"))
    err = info.value
    assert "site/articles/*.md" in err.message and "matches no file" in err.message
    assert Path(err.path).name == "workflow.yaml"
    # file:line:col of the pattern, like every other config error.
    assert (err.line, err.col) == position(text, '"site/articles/*.md"')
    # Nothing was written: an empty source must not obsolete every entry.
    assert not (root / "locales").exists()


def test_deep_flow_nesting_is_refused_before_ruamel_scans_it():
    """ruamel's scanner is quadratic in flow depth: the bracket count answers first, with line:col."""
    from locflow.yamlio import MAX_FLOW_BRACKETS, load_yaml

    text = "site: x\nchecks: " + "[" * 10_000 + "]" * 10_000 + "\n"
    with pytest.raises(LocflowError) as info:
        load_yaml(text, "workflow.yaml")
    assert (info.value.line, info.value.col) == (2, 9 + MAX_FLOW_BRACKETS)
    # Brackets inside quotes and comments are text, not nesting.
    quoted = "a: '" + "[" * 500 + "'\nb: \"" + "{" * 500 + "\"\n# " + "[" * 500 + "\n"
    assert load_yaml(quoted, "workflow.yaml")["a"] == "[" * 500


@pytest.mark.parametrize(("old", "typo", "says", "hint"), [
    ("google]", "gogle]", "unknown translation provider `gogle`", "did you mean `google`?"),
    ("deepl: ", "deepel:", "unknown key `deepel` in translation", "did you mean `deepl`?"),
    ("region:", "regoin:", "unknown key `regoin` in translation.microsoft", "did you mean `region`?"),
])
def test_a_provider_typo_stops_every_command_before_it_writes(sample, run_cli, old, typo, says, hint):
    """The provider registry, not config.py, knows the names: every command still asks it on load,
    the fast path and a pull that finds its stamp included, before it pulls, translates or caches."""
    import subprocess
    import sys

    from .conftest import edit_file

    def locflow(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "locflow", *args], cwd=sample, capture_output=True, text=True)

    assert locflow("pull").returncode == 0  # a current tree: the pull stamp is written
    assert locflow("status", "--format", "json").returncode == 0  # ... and the fast path's cache
    text = (sample / "workflow.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    text = text.replace(old, typo)
    (sample / "workflow.yaml").write_text(text, encoding="utf-8")
    where = "workflow.yaml:{}:{}:".format(*position(text, typo.rstrip(":]")))
    edit_file(sample, "site/templates/article.html", '{{ _("Share") }}', '{{ _("Share") }} {{ _("Share this story") }}')
    before = {p: p.read_bytes() for p in (sample / "locales").rglob("*.po*")}
    for args in (["sync"], ["pull"], ["translate", "--lang", "et"], ["check"], ["status"], ["review", "list"]):
        result = run_cli(*args, cwd=sample)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert says in result.stderr and hint in result.stderr and where in result.stderr, (args, result.stderr)
    for args in (["status", "--format", "json"], ["check"], ["pull"]):  # the fast path, the stamped pull
        proc = locflow(*args)
        assert proc.returncode == 2 and says in proc.stderr and where in proc.stderr, (args, proc.stderr)
        assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert {p: p.read_bytes() for p in (sample / "locales").rglob("*.po*")} == before
