"""API keys come only from the environment and never show up anywhere else.

Fake keys in DEEPL_API_KEY, MICROSOFT_API_KEY and LIBRETRANSLATE_API_KEY; the loopback server
answers 403 and 500 with bodies that echo the request (api_key/auth_key included), resets
connections, or translates. Then every command runs, and stdout, stderr, exception messages
and every file written under the project (build/, .locflow/, reports, exports) are searched
for each key, raw and URL-encoded (keys travel in query strings, where `:` `+` `/` `=` are
percent-encoded: a scrubber that only knows the raw key misses them). DeepL's real keys end
in `:fx`, so the fake one does too.
"""
from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest

from .conftest import cli, copy_sample, locflow

KEYS = {
    "LIBRETRANSLATE_API_KEY": "sk-FAKE-libre-0123456789abcdef",
    "DEEPL_API_KEY": "sk-FAKE-deepl-0123456789abcdef:fx",
    "MICROSOFT_API_KEY": "sk-FAKE-msft-0123456789abcdef",
}
SPECIAL_LIBRE_KEY = "sk-FAKE-libre/0123+4567=89ab:cdef"


def forms(key: str) -> set[str]:
    return {key, urllib.parse.quote(key, safe=""), urllib.parse.quote_plus(key), urllib.parse.quote(key)}


def leaks(text: str, keys) -> list[str]:
    return sorted({form for key in keys for form in forms(key) if form in text})


def file_leaks(root: Path, keys) -> dict[str, list[str]]:
    found = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            text = p.read_bytes().decode("utf-8", errors="replace")
            if hit := leaks(text, keys):
                found[p.relative_to(root).as_posix()] = hit
    return found


@pytest.fixture
def project(tmp_path, server) -> Path:
    root = copy_sample(tmp_path / "sample")
    cfg = root / "workflow.yaml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("providers: [memory, google]", "providers: [memory, libre]")
    text = text.replace("timeout: 20 ", "timeout: 1  ").replace("retries: 4", "retries: 1\n  backoff: 0.01")
    text = text.replace('url: "https://libretranslate.example/"', f'url: "{server.url}/"')
    text = text.replace("deepl:     {api_key_env: DEEPL_API_KEY,",
                        f'deepl:     {{url: "{server.url}/v2/", api_key_env: DEEPL_API_KEY,')
    cfg.write_text(text, encoding="utf-8")
    assert f"{server.url}/v2/" in cfg.read_text(encoding="utf-8")
    footer = root / "site/templates/partials/footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + '<p>{{ _("Secret-free label") }}</p>\n'
                      '<p>{{ _("Another fresh label") }}</p>\n', encoding="utf-8")
    assert cli(root, "pull").exit_code == 0
    return root


def env_with(keys: dict[str, str], server) -> dict[str, str]:
    # Microsoft's adapter calls the real service to list languages: route it to the loopback server
    # as a proxy (which refuses CONNECT), so nothing leaves the machine; 127.0.0.1 goes direct.
    return {**keys, "HTTP_PROXY": server.url, "HTTPS_PROXY": server.url, "http_proxy": server.url,
            "https_proxy": server.url, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}


TRANSLATE_RUNS = [
    ("libre-403", ["translate", "--lang", "et"], "echo403"),
    ("libre-500", ["translate", "--lang", "et"], "echo500"),
    ("libre-reset", ["translate", "--lang", "et"], "reset"),
    ("libre-reset-debug", ["--debug", "translate", "--lang", "lv"], "reset"),
    ("deepl-403", ["translate", "--lang", "et", "--provider", "deepl"], "echo403"),  # the glossary listing
    ("deepl-403-v2", ["translate", "--lang", "et", "--provider", "deepl"], "echo403"),  # glossary off: translate
    ("deepl-reset", ["translate", "--lang", "et", "--provider", "deepl"], "reset"),
    ("microsoft", ["translate", "--lang", "et", "--provider", "microsoft"], "ok"),
    ("dry-run", ["translate", "--dry-run"], "ok"),
    ("libre-ok", ["translate"], "ok"),
]


def _fault(server, fault: str) -> None:
    server.reset()
    if fault.startswith("echo"):
        server.extra.echo_status = int(fault[4:])
    elif fault == "reset":
        server.extra.reset_all = True


def test_keys_never_appear_in_output_files_or_errors(project, server, tmp_path):
    env = env_with(KEYS, server)
    outputs: dict[str, str] = {}
    for name, args, fault in TRANSLATE_RUNS:
        _fault(server, fault)
        if name == "deepl-403-v2":
            cfg = project / "workflow.yaml"
            cfg.write_text(cfg.read_text(encoding="utf-8").replace("formality: prefer_more}",
                                                                   "formality: prefer_more, glossary: false}"),
                           encoding="utf-8")
        proc = locflow(*args, cwd=project, env=env)
        outputs[name] = proc.stdout + proc.stderr
        assert proc.returncode in (0, 3), (name, proc.returncode, proc.stderr[-500:])
        # the server really was sent the keys (otherwise this test proves nothing)
        if name == "libre-403":
            assert any(r["params"].get("api_key") == KEYS["LIBRETRANSLATE_API_KEY"] for r in server.requests)
        if name == "deepl-403":  # v3 glossary endpoints take the key in the Authorization header
            assert f"DeepL-Auth-Key {KEYS['DEEPL_API_KEY']}" in {h.get("Authorization") for h in server.extra.seen_headers}
        if name == "deepl-403-v2":
            assert any(r["params"].get("auth_key") == KEYS["DEEPL_API_KEY"] for r in server.requests)
    server.reset()
    in_process = [
        ["check"], ["check", "--format", "json"], ["check", "--format", "junit"], ["check", "--format", "github"],
        ["status", "--format", "json"], ["status"], ["publish"], ["report"],
        ["report", "--format", "json", "--out", str(project / "report.json")],
        ["review", "list", "--lang", "et"], ["review", "approve", "--lang", "et", "--catalog", "ui",
                                             "--reviewer", "Mari Tamm"],
        ["review", "log"], ["export", "--lang", "et", str(project / "et.xlf")],
        ["export", "--lang", "et", "--catalog", "ui", "--xliff-version", "2.0", str(project / "et2.xlf")],
        ["glossary", "export", str(project / "terms.tbx")], ["sync"],
    ]
    for args in in_process:
        r = cli(project, *args, env=env)
        outputs[" ".join(args[:2])] = r.output + (repr(r.exception) if r.exception else "")
        assert r.exception is None, (args, repr(r.exception))
    found = {name: leaks(text, KEYS.values()) for name, text in outputs.items() if leaks(text, KEYS.values())}
    assert (project / "build/manifest.json").is_file() and (project / "report.html").is_file()
    assert (project / ".locflow").is_dir()
    found.update({f"file {rel}": hit for rel, hit in file_leaks(project, KEYS.values()).items()})
    assert found == {}, f"keys leaked in: {found}"


@pytest.mark.parametrize("fault", ["reset", "echo403", "echo500"])
def test_key_with_url_special_characters_is_scrubbed_too(project, server, fault):
    """Keys are opaque strings; `+ / = :` must not turn the scrubber off (they are percent-encoded in URLs)."""
    env = env_with({**KEYS, "LIBRETRANSLATE_API_KEY": SPECIAL_LIBRE_KEY}, server)
    _fault(server, fault)
    proc = locflow("translate", "--lang", "et", "--catalog", "ui", cwd=project, env=env)
    assert proc.returncode == 3, proc.stderr
    assert any(r["params"].get("api_key") == SPECIAL_LIBRE_KEY for r in server.requests)
    out = proc.stdout + proc.stderr
    assert not leaks(out, [SPECIAL_LIBRE_KEY]), f"key leaked: {leaks(out, [SPECIAL_LIBRE_KEY])}\n{out[-800:]}"
    assert file_leaks(project, [SPECIAL_LIBRE_KEY]) == {}


def test_a_key_written_in_the_config_is_refused_and_not_echoed(project):
    cfg = project / "workflow.yaml"
    cfg.write_text(re.sub(r"api_key_env: LIBRETRANSLATE_API_KEY", f"api_key: {KEYS['LIBRETRANSLATE_API_KEY']}",
                          cfg.read_text(encoding="utf-8")), encoding="utf-8")
    r = cli(project, "status")
    assert r.exit_code == 2, r.output
    assert "api_key" in r.stderr and "environment" in r.stderr
    assert not leaks(r.output, KEYS.values()), r.output
