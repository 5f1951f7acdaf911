"""Deterministic benchmark corpus: 8 languages x 20,000 entries, the shape of a grown newsroom.

~5% plurals with each language's real Plural-Forms, ~10% fuzzy (half of them machine),
~10% untranslated, python-format and brace placeholders, some HTML, msgctxt, multi-line
strings, approved and reviewed entries, a few obsolete ones. Also a POT where 5% of the
msgids changed, for the merge benchmark.

    python benchmarks/corpus.py [--entries 20000] [--out benchmarks/corpus]
"""
from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LANGS = ["en", "et", "lv", "lt", "pl", "ro", "ru", "uk"]
WORDS = ("security defence alliance border minister report cyber attack energy grid sanctions exercise "
         "intelligence service capital region government parliament drill shelter warning response "
         "network infrastructure railway customs export control agency analyst officials citizens").split()
TARGET_WORDS = {
    "et": "julgeolek kaitse liit piir minister aruanne küber rünnak energia võrk".split(),
    "lv": "drošība aizsardzība alianse robeža ministrs ziņojums kiber uzbrukums enerģija tīkls".split(),
    "lt": "saugumas gynyba aljansas siena ministras ataskaita kibernetinis ataka energija tinklas".split(),
    "pl": "bezpieczeństwo obrona sojusz granica minister raport cyber atak energia sieć".split(),
    "ro": "securitate apărare alianță frontieră ministru raport cibernetic atac energie rețea".split(),
    "ru": "безопасность оборона альянс граница министр доклад кибер атака энергия сеть".split(),
    "uk": "безпека оборона альянс кордон міністр доповідь кібер атака енергія мережа".split(),
    "en": WORDS[:10],
}


def _sentence(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize()


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def source_entries(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    entries = []
    for i in range(n):
        kind = rng.random()
        e: dict = {"msgid": f"{_sentence(rng, WORDS, rng.randint(3, 14))} {i}", "ctxt": None, "plural": None,
                   "flags": [], "ref": f"site/templates/page{i % 97}.html:{i % 400 + 1}"}
        if kind < 0.05:
            e["msgid"] = f"%(count)s {rng.choice(WORDS)} report {i}"
            e["plural"] = f"%(count)s {rng.choice(WORDS)} reports {i}"
            e["flags"] = ["python-format"]
        elif kind < 0.15:
            e["msgid"] = f"By %(author)s on {rng.choice(WORDS)} {i}"
            e["flags"] = ["python-format"]
        elif kind < 0.20:
            e["msgid"] = f"Welcome {{name}}, read the {rng.choice(WORDS)} briefing {i}"
        elif kind < 0.25:
            e["msgid"] = f"<b>{rng.choice(WORDS).title()}</b> &amp; <a href=\"https://example.org/{i}\">more</a> {i}"
        elif kind < 0.28:
            e["msgid"] = f"{_sentence(rng, WORDS, 30)} {i}\n{_sentence(rng, WORDS, 12)}"
        if rng.random() < 0.03:
            e["ctxt"] = rng.choice(["button", "heading", "menu"])
        entries.append(e)
    return entries


def translate_text(text: str, lang: str, rng: random.Random) -> str:
    words = TARGET_WORDS[lang]
    out = []
    for token in text.split(" "):
        keep = any(c in token for c in "%{}<>&\n") or token.isdigit()
        out.append(token if keep else rng.choice(words))
    return " ".join(out)


def write_po(path: Path, lang: str, entries: list[dict], seed: int) -> None:
    from locflow.catalog import plural_forms
    from locflow.states import msgstr_sha

    rng = random.Random(seed)
    nplurals, header = plural_forms(lang)
    lines = [f"# Benchmark catalog ({lang}).", 'msgid ""', 'msgstr ""', '"Project-Id-Version: bench\\n"',
             f'"Language: {lang}\\n"', '"MIME-Version: 1.0\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"',
             '"Content-Transfer-Encoding: 8bit\\n"', f'"Plural-Forms: {header}\\n"', ""]
    for e in entries:
        roll = rng.random()
        untranslated = roll < 0.10
        fuzzy = 0.10 <= roll < 0.20
        approved = 0.20 <= roll < 0.50
        forms = [] if untranslated else [translate_text(e["msgid"] if k == 0 else (e["plural"] or e["msgid"]), lang, rng)
                                         for k in range(nplurals if e["plural"] else 1)]
        comments = []
        if fuzzy and roll < 0.15:
            comments.append("# locflow: machine google 2026-11-01")
        if approved:

            class _E:  # the shape msgstr_sha reads
                msgstr = forms[0] if not e["plural"] else ""
                msgstr_plural = {k: f for k, f in enumerate(forms)} if e["plural"] else {}

            comments.append(f"# locflow: approved Mari Tamm 2026-11-02 {msgstr_sha(_E)}")
        lines += comments
        lines.append(f"#: {e['ref']}")
        flags = (["fuzzy"] if fuzzy else []) + e["flags"]
        if flags:
            lines.append("#, " + ", ".join(flags))
        if e["ctxt"]:
            lines.append(f'msgctxt "{e["ctxt"]}"')
        lines.append(f'msgid "{_quote(e["msgid"])}"')
        if e["plural"]:
            lines.append(f'msgid_plural "{_quote(e["plural"])}"')
            for k in range(nplurals):
                lines.append(f'msgstr[{k}] "{_quote(forms[k]) if forms else ""}"')
        else:
            lines.append(f'msgstr "{_quote(forms[0]) if forms else ""}"')
        lines.append("")
    for k in range(5):  # a few obsolete entries, as a real catalog has
        lines += [f'#~ msgid "Retired label {k}"', f'#~ msgstr "{lang} {k}"', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def write_pot(path: Path, entries: list[dict], changed: float, seed: int) -> list[tuple[str, str]]:
    """The template after an edit round: `changed` of the msgids reworded. Returns (old, new) pairs."""
    rng = random.Random(seed)
    lines = ['msgid ""', 'msgstr ""', '"Project-Id-Version: bench\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    pairs = []
    for e in entries:
        msgid = e["msgid"]
        if rng.random() < changed and not e["plural"]:
            words = msgid.split(" ")
            pos = rng.randrange(len(words) - 1) if len(words) > 1 else 0
            if "%" not in words[pos] and "{" not in words[pos] and "<" not in words[pos]:
                words[pos] = rng.choice(WORDS)
                new = " ".join(words) + " (updated)"
                pairs.append((msgid, new))
                msgid = new
        lines.append(f"#: {e['ref']}")
        if e["flags"]:
            lines.append("#, " + ", ".join(e["flags"]))
        if e["ctxt"]:
            lines.append(f'msgctxt "{e["ctxt"]}"')
        lines.append(f'msgid "{_quote(msgid)}"')
        if e["plural"]:
            lines += [f'msgid_plural "{_quote(e["plural"])}"', 'msgstr[0] ""', 'msgstr[1] ""']
        else:
            lines.append('msgstr ""')
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return pairs


def build(out: Path, n: int) -> dict:
    if out.exists():
        shutil.rmtree(out)
    entries = source_entries(n)
    for i, lang in enumerate(LANGS):
        write_po(out / "locales" / lang / "LC_MESSAGES" / "big.po", lang, entries, seed=100 + i)
    (out / "merge").mkdir(parents=True)
    pairs = write_pot(out / "merge" / "big.pot", entries, changed=0.05, seed=5)
    (out / "merge" / "pairs.tsv").write_text("".join(f"{_quote(a)}\t{_quote(b)}\n" for a, b in pairs),
                                             encoding="utf-8")
    (out / "workflow.yaml").write_text(
        "site: Benchmark\nsource_language: en\nlanguages: [" + ", ".join(LANGS) + "]\n"
        "catalogs:\n  big: {kind: labels, publish: reviewed}\n", encoding="utf-8")
    digest = hashlib.sha1(b"".join(p.read_bytes() for p in sorted(out.rglob("*.po")))).hexdigest()[:12]
    return {"entries": n, "languages": len(LANGS), "changed_msgids": len(pairs), "digest": digest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "corpus")
    args = parser.parse_args()
    print(build(args.out, args.entries))


if __name__ == "__main__":
    main()
