"""Every write is atomic (temp file in the same folder, fsync, rename) and keeps the file's mode.

Each write path runs on a copy of the sample project whose files were all chmod 640 first:
whatever the command rewrote must still be 640, and no `.name.XXXX.tmp` may be left behind.
The all-or-nothing half makes a write fail in the middle (RLIMIT_FSIZE: the kernel refuses
to let the file grow, as a full disk would) and checks the old file is still there, intact.
"""
from __future__ import annotations

import os
import re
import resource
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import polib
import pytest

from .conftest import cli, copy_sample, locflow, temp_files, tree_bytes

MODE = 0o640


def chmod_all(root: Path, mode: int = MODE) -> None:
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            p.chmod(mode)


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def rewritten(root: Path, before: dict[str, tuple[int, bytes]]) -> list[str]:
    """Files that existed before and were written since (content or mtime changed)."""
    after = snapshot(root)
    return [rel for rel, (mtime, data) in before.items() if rel in after and after[rel] != (mtime, data)]


def assert_modes_kept(root: Path, before: dict, *, expect: str) -> list[str]:
    """The command rewrote at least one file matching `expect`; all rewritten files are still 640."""
    changed = rewritten(root, before)
    assert any(re.search(expect, rel) for rel in changed), f"nothing matching {expect!r} was rewritten: {changed}"
    wrong = {rel: oct(stat.S_IMODE((root / rel).stat().st_mode)) for rel in changed
             if stat.S_IMODE((root / rel).stat().st_mode) != MODE}
    assert not wrong, f"file mode not kept: {wrong}"
    assert temp_files(root) == [], f"temp files left behind: {temp_files(root)}"
    return changed


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    root = copy_sample(tmp_path / "sample")
    chmod_all(root)
    return root


def add_label(root: Path, text: str = "Breaking: live coverage") -> None:
    footer = root / "site/templates/partials/footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + f'<p>{{{{ _("{text}") }}}}</p>\n', encoding="utf-8")
    footer.chmod(MODE)


def test_pull_keeps_mode_and_leaves_no_temp_files(proj):
    add_label(proj)
    before = snapshot(proj)
    r = cli(proj, "pull")
    assert r.exit_code == 0, r.output
    changed = assert_modes_kept(proj, before, expect=r"^locales/.*/LC_MESSAGES/ui\.po$")
    assert "locales/templates/ui.pot" in changed


def test_translate_keeps_mode_and_leaves_no_temp_files(proj):
    add_label(proj)
    assert cli(proj, "pull").exit_code == 0
    chmod_all(proj)
    before = snapshot(proj)
    r = cli(proj, "translate", "--provider", "pseudo", "--catalog", "ui")
    assert r.exit_code == 0, r.output
    changed = assert_modes_kept(proj, before, expect=r"^locales/et/LC_MESSAGES/ui\.po$")
    assert len([c for c in changed if c.endswith("ui.po")]) == 7  # every target language, not en


def test_review_approve_keeps_mode(proj):
    before = snapshot(proj)
    r = cli(proj, "review", "approve", "--lang", "et", "--catalog", "articles/chisinau-energy-interconnection",
            "--reviewer", "Mari Tamm")
    assert r.exit_code in (0, 1), r.output
    assert_modes_kept(proj, before, expect=r"^locales/et/articles/chisinau-energy-interconnection\.po$")


def test_review_reject_and_reopen_keep_mode(proj):
    before = snapshot(proj)
    r = cli(proj, "review", "reject", "--lang", "lv", "--catalog", "ui", "--match", "Trending",
            "--reason", "style", "--reviewer", "Mari Tamm")
    assert r.exit_code == 0, r.output
    assert_modes_kept(proj, before, expect=r"^locales/lv/LC_MESSAGES/ui\.po$")
    approved = next(p for p in sorted((proj / "locales").rglob("*.po")) if "locflow: approved" in p.read_text())
    lang = approved.relative_to(proj / "locales").parts[0]
    before = snapshot(proj)
    r = cli(proj, "review", "reopen", "--lang", lang, "--all", "--reviewer", "Mari Tamm")
    assert r.exit_code == 0, r.output
    assert_modes_kept(proj, before, expect=re.escape(approved.relative_to(proj).as_posix()))


def test_import_keeps_mode(proj, tmp_path):
    xlf = tmp_path / "et.xlf"
    r = cli(proj, "export", "--lang", "et", "--catalog", "ui", xlf)
    assert r.exit_code == 0, r.output
    text = xlf.read_text(encoding="utf-8")
    edited, n = re.subn(r"(<target[^>]*>)([^<]+)(</target>)", r"\1Uus tekst\3", text, count=1)
    assert n == 1
    xlf.write_text(edited, encoding="utf-8")
    before = snapshot(proj)
    r = cli(proj, "import", xlf, "--reviewer", "Mari Tamm")
    assert r.exit_code == 0, r.output
    assert_modes_kept(proj, before, expect=r"^locales/et/LC_MESSAGES/ui\.po$")


def test_export_overwrite_keeps_mode(proj, tmp_path):
    out = proj / "et.xlf"
    out.write_text("old export\n", encoding="utf-8")
    out.chmod(MODE)
    before = snapshot(proj)
    r = cli(proj, "export", "--lang", "et", "--catalog", "ui", out)
    assert r.exit_code == 0, r.output
    assert_modes_kept(proj, before, expect=r"^et\.xlf$")


def test_publish_keeps_mode(proj):
    r = cli(proj, "publish")
    assert r.exit_code == 0, r.output
    chmod_all(proj)
    # Change something every page shows: the site name.
    cfg = proj / "workflow.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("site: Estonian Free Press", "site: Estonian Free Press Daily"),
                   encoding="utf-8")
    cfg.chmod(MODE)
    before = snapshot(proj)
    r = cli(proj, "publish")
    assert r.exit_code == 0, r.output
    changed = assert_modes_kept(proj, before, expect=r"^build/et/index\.html$")
    assert "build/manifest.json" in changed


def test_glossary_add_and_import_keep_mode(proj, tmp_path):
    before = snapshot(proj)
    r = cli(proj, "glossary", "add", "tallinn-port", "-t", "en=Port of Tallinn", "-t", "et=Tallinna Sadam")
    assert r.exit_code == 0, r.output
    assert_modes_kept(proj, before, expect=r"^glossaries/terms\.csv$")
    incoming = tmp_path / "more.csv"
    incoming.write_text("id,kind,case_sensitive,note,en\nriga-port,term,no,,Freeport of Riga\n", encoding="utf-8")
    before = snapshot(proj)
    r = cli(proj, "glossary", "import", incoming)
    assert r.exit_code == 0, r.output
    assert_modes_kept(proj, before, expect=r"^glossaries/terms\.csv$")


def test_glossary_export_overwrite_keeps_mode(proj):
    out = proj / "terms.tbx"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(MODE)
    before = snapshot(proj)
    r = cli(proj, "glossary", "export", out)
    assert r.exit_code == 0, r.output
    assert_modes_kept(proj, before, expect=r"^terms\.tbx$")


def test_report_keeps_mode(proj):
    r = cli(proj, "report")
    assert r.exit_code == 0, r.output
    chmod_all(proj)
    r = cli(proj, "review", "reject", "--lang", "lv", "--catalog", "ui", "--match", "Trending",
            "--reason", "style", "--reviewer", "Mari Tamm")
    assert r.exit_code == 0, r.output
    chmod_all(proj)
    before = snapshot(proj)
    r = cli(proj, "report")
    assert r.exit_code == 0, r.output
    assert_modes_kept(proj, before, expect=r"^report\.html$")


def test_status_and_check_cache_leave_no_temp_files(proj):
    for command in ("status", "check"):
        r = cli(proj, command)
        assert r.exit_code in (0, 1), r.output
    assert temp_files(proj) == []


# --------------------------------------------------------------------------- all or nothing

FAIL_MID_WRITE = textwrap.dedent("""
    import os, resource, signal, sys
    from pathlib import Path
    from locflow.catalog import atomic_write
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    try:
        atomic_write(Path(sys.argv[1]), b"N" * 100_000)
    except OSError as exc:
        print("raised", exc.errno)
        sys.exit(0)
    print("no error")
    sys.exit(1)
""")


def test_atomic_write_is_all_or_nothing_when_the_disk_fills(tmp_path):
    target = tmp_path / "ui.po"
    old = b'msgid "Home"\nmsgstr "Avaleht"\n' * 20
    target.write_bytes(old)
    target.chmod(MODE)
    proc = subprocess.run([sys.executable, "-c", FAIL_MID_WRITE, str(target)], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0 and proc.stdout.startswith("raised"), (proc.stdout, proc.stderr)
    assert target.read_bytes() == old
    assert stat.S_IMODE(target.stat().st_mode) == MODE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ui.po"], "temp file left behind"


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_pull_on_a_full_disk_leaves_every_catalog_old_or_new(tmp_path):
    """A pull that cannot finish writing: each catalog is its old bytes or its new bytes, nothing between."""
    old_root = copy_sample(tmp_path / "old")
    add_label(old_root, "A label long enough to grow every catalog")
    new_root = copy_sample(tmp_path / "new")
    add_label(new_root, "A label long enough to grow every catalog")
    assert cli(new_root, "pull").exit_code == 0
    old = tree_bytes(old_root / "locales")
    new = tree_bytes(new_root / "locales")
    assert old != new
    # ui.po files are ~5-6 kB, article catalogs smaller: 4 kB lets some writes through and stops others.
    proc = subprocess.run([sys.executable, "-m", "locflow", "pull"], cwd=old_root, capture_output=True, text=True,
                          timeout=60, preexec_fn=_limit_file_size(4096), env=dict(os.environ, NO_COLOR="1"))
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr
    after = tree_bytes(old_root / "locales")
    assert set(after) == set(old)
    for rel, data in after.items():
        assert data in (old[rel], new[rel]), f"{rel} is neither the old nor the new catalog"
        polib.pofile(data.decode("utf-8"))
    assert temp_files(old_root) == [], temp_files(old_root)
    # A rerun with room to write completes the job.
    r = cli(old_root, "pull")
    assert r.exit_code == 0, r.output
    assert tree_bytes(old_root / "locales") == new


def test_a_failed_write_is_reported_as_an_error_naming_the_file_not_as_a_bug(tmp_path):
    root = copy_sample(tmp_path / "sample")
    add_label(root, "A label long enough to grow every catalog")
    proc = subprocess.run([sys.executable, "-m", "locflow", "pull"], cwd=root, capture_output=True, text=True,
                          timeout=60, preexec_fn=_limit_file_size(4096), env=dict(os.environ, NO_COLOR="1",
                                                                                    COLUMNS="200"))
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "bug in locflow" not in proc.stderr, proc.stderr
    assert re.search(r"locales/\S+\.pot?\b", proc.stderr), f"the file that could not be written is not named: {proc.stderr}"


def test_a_pull_that_cannot_write_some_files_says_which_it_wrote(tmp_path):
    """Some writes fail (the file-size limit lets small catalogs through): the pull writes all it
    can, lists exactly the files it wrote on stdout, names each one it could not write on stderr,
    and exits 2; the next pull with room finishes the job."""
    root = copy_sample(tmp_path / "sample")
    add_label(root, "A label long enough to grow every catalog " * 60)  # the ui catalogs: too big to write
    article = next((root / "site/articles").glob("*.md"))  # its catalogs: small enough
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nOne more short paragraph.\n", encoding="utf-8")
    before = tree_bytes(root / "locales")
    proc = subprocess.run([sys.executable, "-m", "locflow", "pull"], cwd=root, capture_output=True, text=True,
                          timeout=60, preexec_fn=_limit_file_size(7168), env=dict(os.environ, NO_COLOR="1",
                                                                                    COLUMNS="300"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    after = tree_bytes(root / "locales")
    changed = {f"locales/{rel}" for rel in after if after[rel] != before.get(rel)}
    listed = {line.split(" ", 1)[1] for line in proc.stdout.splitlines() if line.startswith(("updated ", "created "))}
    failed = set(re.findall(r"(locales/\S+\.pot?):? cannot write", proc.stderr))
    assert changed and failed, (proc.stdout, proc.stderr)
    assert listed == changed  # the output tells what was written, no more, no less
    assert not failed & changed
    assert cli(root, "pull").exit_code == 0
