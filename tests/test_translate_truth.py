"""translate tells the truth: dry runs find the real run's errors, counts say what the server saw."""
from __future__ import annotations

import re

from typer.testing import CliRunner

from locflow.cli import app
from locflow.mt.engine import TranslateOptions, translate
from locflow.project import Project
from locflow.pull import pull

from .test_translate import project, server, write_project  # noqa: F401 (project and server are fixtures)


def invoke(project: Project, *args: str, env: dict | None = None):
    return CliRunner().invoke(app, ["--config", str(project.config.path), *args], env=env)


def test_dry_run_with_deepl_and_no_key_fails_as_the_real_run_does(tmp_path, server):
    server.reset()
    proj = Project.load(write_project(tmp_path, server.url, providers="[memory, google, deepl]"))
    pull(proj)
    env = {"DEEPL_API_KEY": ""}
    real = invoke(proj, "translate", "--lang", "et", env=env)
    dry = invoke(proj, "translate", "--lang", "et", "--dry-run", env=env)
    assert real.exit_code == dry.exit_code == 2
    assert "`deepl` needs an API key" in dry.output and "provider fees" not in dry.output
    assert server.count() == 0


def test_dry_run_names_a_language_no_provider_of_the_chain_has(tmp_path, server):
    server.reset()
    proj = Project.load(write_project(tmp_path, server.url, providers="[memory, google]"))
    workflow = proj.config.path
    workflow.write_text(workflow.read_text().replace("languages: [en, et,", "languages: [en, kl, et,"))
    proj = Project.load(workflow)
    pull(proj)
    dry = invoke(proj, "translate", "--dry-run", "--lang", "kl")
    assert dry.exit_code == 2, dry.output
    assert "no provider of the chain translates en -> kl" in dry.output and "google:" in dry.output
    assert server.count() == 0


def test_dry_run_prints_a_total_with_the_currency(tmp_path, server):
    server.reset()
    proj = Project.load(write_project(tmp_path, server.url, providers="[memory, deepl]",
                                      extra="  deepl: {api_key_env: DEEPL_API_KEY, price_per_million: 20, "
                                            "currency: EUR}\n"))
    pull(proj)
    dry = invoke(proj, "translate", "--dry-run", env={"DEEPL_API_KEY": "k-123"})
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert re.search(r"^et: \d+ segments, \d+ characters via deepl, about \d+\.\d{2,4} EUR in provider fees$",
                     "\n".join(lines), re.M), dry.output
    total = [line for line in lines if line.startswith("total: ")]
    assert len(total) == 1 and total[0].endswith("EUR in provider fees")
    chars = sum(int(m.group(1)) for m in re.finditer(r"^(?!total)[a-z_]+: \d+ segments, (\d+) characters via deepl",
                                                     dry.output, re.M))
    assert f", {chars} characters via deepl" in total[0]
    assert server.count() == 0


def test_a_dead_provider_is_not_reported_as_translated(project, server):
    server.faults.statuses = [500] * 1000
    result = invoke(project, "translate", "--lang", "et", "--catalog", "ui")
    assert result.exit_code == 3
    assert not re.search(r"translated [1-9]\d*/\d+ segments", result.output)
    done = [line for line in result.output.splitlines() if "segments done" in line]
    assert done and re.search(r"(\d+)/\1 segments done: 0 translated, \1 failed", done[-1]), result.output


def test_the_summary_counts_what_the_server_saw(project, server):
    server.faults.statuses = [429, 500, 429]
    server.faults.retry_after = "0"
    result = translate(project, TranslateOptions(languages=["et"], catalogs=["ui"]))
    assert result.requests == server.count()  # retries included
    assert result.retries == 3 and result.throttled == 2
    assert result.segments > 0 and result.segments_failed == 0 and result.failed == 0
    out = invoke(project, "translate", "--lang", "lv", "--catalog", "ui").output
    assert re.search(r"\d+ segments translated, 0 failed; \d+ requests \(0 retries, 0 answered 429\)", out), out


def test_an_injected_script_is_named_in_the_summary(project, server):
    server.faults.inject = " <script>alert(1)</script>"
    result = invoke(project, "translate", "--lang", "lt", "--catalog", "ui")
    assert "did not survive" not in result.output
    assert re.search(r"kept fuzzy: locales/lt/LC_MESSAGES/ui\.po:\d+: .*added markup: <script>", result.output), \
        result.output
