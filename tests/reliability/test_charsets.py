"""PO files in other declared charsets are read correctly, or rejected clearly.

Catalogs converted by GNU msgconv to ISO-8859-1 (et), ISO-8859-13 (lv, lt: Baltic), KOI8-U (uk)
and windows-1251 (ru) must give the same counts as `msgfmt --statistics` and the same msgstr
text as `msgconv --to-code=UTF-8` when read by `status`, `check` and `review list`. A file
whose charset is unknown, undeclared, or does not match its bytes is refused with exit 2 and
its name.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import polib
import pytest

from .conftest import cli, labels_project, msgfmt_check

LABELS = ["Home", "Latest news", "Weather", "Sport", "Contact us"]
# Per language: translations (one left empty, one to be marked fuzzy), the charset to store them in.
TRANSLATIONS = {
    "et": ("ISO-8859-1", ["Avaleht", "Värsked uudised", "Ilm õues", "", "Võta ühendust"]),
    "lv": ("ISO-8859-13", ["Sākums", "Jaunākās ziņas", "Laikapstākļi", "", "Sazināties ar ģimeni"]),
    "lt": ("ISO-8859-13", ["Pradžia", "Naujausios žinios", "Orai ąčęėįšųūž", "", "Susisiekite"]),
    "uk": ("KOI8-U", ["Головна", "Останні новини", "Погода: ґанок, їжак, єнот", "", "Зв'язатися"]),
    "ru": ("windows-1251", ["Главная", "Последние новости", "Погода и ёлка", "", "Связаться"]),
}
FUZZY = "Latest news"
C_ENV = dict(os.environ, LC_ALL="C", LANGUAGE="")


def gnu_name(charset: str) -> str:
    """msgconv refuses `windows-1251` as "not portable"; its GNU name is CP1251."""
    return "CP1251" if charset.lower() == "windows-1251" else charset


def encode_catalog(path: Path, charset: str) -> None:
    """Convert a UTF-8 catalog with msgconv, then declare the charset under its usual name."""
    proc = subprocess.run(["msgconv", f"--to-code={gnu_name(charset)}", "-o", str(path), str(path)],
                          capture_output=True, text=True, env=C_ENV)
    assert proc.returncode == 0, proc.stderr
    if gnu_name(charset) != charset:
        data = path.read_bytes().replace(f"charset={gnu_name(charset)}".encode(), f"charset={charset}".encode())
        path.write_bytes(data)
    assert f"charset={charset}".encode() in path.read_bytes()


def reference(path: Path, tmp: Path) -> tuple[dict[str, int], dict[str, str]]:
    """(msgfmt --statistics counts, msgid -> msgstr via msgconv --to-code=UTF-8)."""
    stats = subprocess.run(["msgfmt", "--statistics", "-o", os.devnull, str(path)], capture_output=True, text=True,
                           env=C_ENV).stderr
    counts = {k: int(m.group(1)) if (m := re.search(rf"(\d+) {k}", stats)) else 0
              for k in ("translated", "fuzzy", "untranslated")}
    raw = path.read_bytes()
    declared = re.search(rb"charset=([\w.-]+)", raw).group(1).decode()
    source = tmp / f"{path.parent.parent.name}.src.po"
    source.write_bytes(raw.replace(f"charset={declared}".encode(), f"charset={gnu_name(declared)}".encode()))
    out = tmp / f"{path.parent.parent.name}.utf8.po"
    proc = subprocess.run(["msgconv", "--to-code=UTF-8", "-o", str(out), str(source)], capture_output=True, text=True,
                          env=C_ENV)
    assert proc.returncode == 0, proc.stderr
    texts = {e.msgid: e.msgstr for e in polib.pofile(str(out)) if not e.obsolete}
    return counts, texts


@pytest.fixture
def project(tmp_path) -> Path:
    root = labels_project(tmp_path / "proj", "http://127.0.0.1:9", LABELS,
                          languages=("en", *TRANSLATIONS, "pl"), providers="[libre]")  # pl stays UTF-8
    assert cli(root, "pull").exit_code == 0
    for lang, (charset, texts) in TRANSLATIONS.items():
        path = root / f"locales/{lang}/LC_MESSAGES/ui.po"
        po = polib.pofile(str(path))
        for e, text in zip([e for e in po if not e.obsolete], texts):
            e.msgstr = text
            if e.msgid == FUZZY:
                e.flags.append("fuzzy")
        po.save()
        encode_catalog(path, charset)
    return root


def test_status_counts_match_msgfmt(project, tmp_path):
    r = cli(project, "status", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = {row["language"]: row for row in json.loads(r.stdout)["catalogs"]}
    for lang in TRANSLATIONS:
        counts, _ = reference(project / f"locales/{lang}/LC_MESSAGES/ui.po", tmp_path)
        row = rows[lang]
        assert (row["translated"], row["fuzzy"], row["untranslated"]) == (
            counts["translated"], counts["fuzzy"], counts["untranslated"]), (lang, row, counts)
        assert counts == {"translated": 3, "fuzzy": 1, "untranslated": 1}


def test_review_list_shows_the_text_msgconv_shows(project, tmp_path):
    for lang, (charset, texts) in TRANSLATIONS.items():
        _, expected = reference(project / f"locales/{lang}/LC_MESSAGES/ui.po", tmp_path)
        assert expected == dict(zip(LABELS, texts))  # the oracle agrees with what was written
        r = cli(project, "review", "list", "--lang", lang, "--format", "json")
        assert r.exit_code == 0, r.output
        got = {row["msgid"]: row["translation"][0] for row in json.loads(r.stdout)["entries"]}
        assert got == expected, (lang, charset)


def test_check_reads_them_without_syntax_or_charset_findings(project, tmp_path):
    r = cli(project, "check", "--format", "json", "--skip", "wrong-language")
    data = json.loads(r.stdout)
    for lang in TRANSLATIONS:
        mine = [f for f in data["findings"] if f["language"] == lang]
        assert not [f for f in mine if f["check"] in ("po-syntax", "header")], mine
        missing = sorted(f["msgid"] for f in mine if f["check"] == "missing")
        counts, texts = reference(project / f"locales/{lang}/LC_MESSAGES/ui.po", tmp_path)
        assert missing == sorted(m for m, t in texts.items() if not t), (lang, missing)
        # the identical check compares decoded text: no translation equals its source here
        assert not [f for f in mine if f["check"] == "identical"], mine


def test_approving_keeps_the_declared_charset(project, tmp_path):
    path = project / "locales/uk/LC_MESSAGES/ui.po"
    r = cli(project, "review", "approve", "--lang", "uk", "--all", "--reviewer", "Olena Kovalenko")
    assert r.exit_code in (0, 1), r.output
    assert "approved" in r.stdout
    assert b"charset=KOI8-U" in path.read_bytes()
    assert msgfmt_check(path).returncode == 0
    _, texts = reference(path, tmp_path)
    assert texts == dict(zip(LABELS, TRANSLATIONS["uk"][1]))


def test_translation_the_catalog_charset_cannot_hold_is_not_a_crash(project, tmp_path, mt):
    """MT answers with U+2019 (the Ukrainian apostrophe) and ✓: KOI8-U and windows-1251 lack them."""
    cfg = project / "workflow.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("http://127.0.0.1:9", mt.url), encoding="utf-8")
    for lang in TRANSLATIONS:  # untranslate one more entry everywhere so there is work to do
        path = project / f"locales/{lang}/LC_MESSAGES/ui.po"
        raw = path.read_bytes()
        charset = re.search(rb"charset=([\w.-]+)", raw).group(1).decode()
        po = polib.pofile(raw.decode(charset))
        po.encoding = charset
        next(e for e in po if e.msgid == "Sport").msgstr = ""
        path.write_bytes(po.__unicode__().encode(charset))
    mt.faults.inject = " \u2019\u2713"
    r = cli(project, "translate")
    assert "internal error" not in r.output and r.exception is None, r.output
    for lang in [*TRANSLATIONS, "pl"]:
        path = project / f"locales/{lang}/LC_MESSAGES/ui.po"
        assert msgfmt_check(path).returncode == 0, lang
    uk = project / "locales/uk/LC_MESSAGES/ui.po"
    if r.exit_code == 2:
        assert "locales/uk/LC_MESSAGES/ui.po" in r.stderr or "locales/ru/LC_MESSAGES/ui.po" in r.stderr, r.stderr
    else:
        _, texts = reference(uk, tmp_path)
        assert texts["Sport"] == "[uk] SPORT \u2019\u2713", texts
    # the catalog that can hold the text (UTF-8) keeps its finished work either way
    pl = {e.msgid: e for e in polib.pofile(str(project / "locales/pl/LC_MESSAGES/ui.po"))}
    assert all(pl[m].msgstr == f"[pl] {m.upper()} \u2019\u2713" for m in LABELS), "work for other catalogs was lost"


# --------------------------------------------------------------------------- refused clearly


def _one_catalog(tmp_path: Path) -> tuple[Path, Path]:
    root = labels_project(tmp_path / "proj", "http://127.0.0.1:9", LABELS[:2], languages=("en", "ru"))
    assert cli(root, "pull").exit_code == 0
    return root, root / "locales/ru/LC_MESSAGES/ui.po"


def _set_bytes(path: Path, charset: bytes | None, body_encoding: str, text: str = "Главная") -> None:
    raw = path.read_bytes().decode("utf-8")
    raw = raw.replace('msgid "Home"\nmsgstr ""', f'msgid "Home"\nmsgstr "{text}"')
    data = raw.encode(body_encoding)
    if charset is None:
        data = data.replace(b'"Content-Type: text/plain; charset=UTF-8\\n"\n', b"")
    else:
        data = data.replace(b"charset=UTF-8", b"charset=" + charset)
    path.write_bytes(data)


@pytest.mark.parametrize("case", ["unknown", "undeclared-cp1251", "utf8-declared-cp1251-bytes",
                                  "cp1251-declared-invalid-byte"])
def test_unknown_undeclared_or_mismatched_charset_is_refused(tmp_path, case):
    root, path = _one_catalog(tmp_path)
    if case == "unknown":
        _set_bytes(path, b"X-NO-SUCH-CHARSET", "utf-8")
    elif case == "undeclared-cp1251":
        _set_bytes(path, None, "cp1251")
    elif case == "utf8-declared-cp1251-bytes":
        _set_bytes(path, b"UTF-8", "cp1251")
    else:  # 0x98 is the one byte windows-1251 leaves undefined
        _set_bytes(path, b"windows-1251", "cp1251")
        path.write_bytes(path.read_bytes().replace("Главная".encode("cp1251"), b"\xc3\x98\xe0"))
    before = path.read_bytes()
    for command in (["status"], ["status", "--format", "json"], ["review", "list", "--lang", "ru"],
                    ["translate", "--provider", "pseudo"]):
        r = cli(root, *command)
        assert r.exit_code == 2, (command, r.exit_code, r.output)
        assert "locales/ru/LC_MESSAGES/ui.po" in r.stderr, (command, r.stderr)
        assert "internal error" not in r.stderr and "at byte" not in r.stderr  # a line, not a byte offset
    r = cli(root, "check", "--format", "json")
    assert r.exit_code in (1, 2), r.output
    if r.exit_code == 1:
        found = [f for f in json.loads(r.stdout)["findings"] if f["check"] == "po-syntax"]
        assert found and found[0]["path"].endswith("locales/ru/LC_MESSAGES/ui.po"), found  # relative to the cwd
    else:
        assert "locales/ru/LC_MESSAGES/ui.po" in r.stderr
    assert path.read_bytes() == before, "a refused catalog was rewritten"


def test_charset_is_taken_from_the_content_type_header_not_a_comment(tmp_path):
    """A translator's note mentioning another charset must not change how the file is decoded."""
    root, path = _one_catalog(tmp_path)
    _set_bytes(path, b"UTF-8", "utf-8")
    text = path.read_text(encoding="utf-8")
    path.write_text("# Converted from charset=KOI8-U by the agency.\n" + text, encoding="utf-8")
    r = cli(root, "review", "list", "--lang", "ru", "--format", "json")
    assert r.exit_code == 0, r.output
    got = {row["msgid"]: row["translation"][0] for row in json.loads(r.stdout)["entries"]}
    assert got["Home"] == "Главная", got


def test_bom_file_is_read_the_same_way_by_every_command(tmp_path):
    """A UTF-8 BOM (Notepad) may be accepted or refused, but status must not count a file translate refuses."""
    root, path = _one_catalog(tmp_path)
    _set_bytes(path, b"UTF-8", "utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    codes = {}
    for command in (["status"], ["review", "list", "--lang", "ru"], ["translate", "--provider", "pseudo"]):
        r = cli(root, *command)
        codes[command[0]] = r.exit_code
        if r.exit_code == 2:
            assert "locales/ru/LC_MESSAGES/ui.po" in r.stderr
    accepted = {name for name, code in codes.items() if code != 2}
    assert accepted in (set(), set(codes)), f"commands disagree on a BOM file: {codes}"
