"""Deterministic news archive: N articles, each with a catalog in every other language.

Each article has front matter, 8 paragraphs (some with links, emphasis and code spans), a
bulleted list, a heading, an image and a small table, in one of the site's eight languages.
`locflow pull` creates the templates and catalogs; they are then filled with a mix of review
states that differs per language (Estonian mostly approved, Ukrainian mostly untranslated …),
as a real archive is. Next to it, a "flat" project holds the same entries in 8 big catalogs (one
per language, msgctxt = slug), the peer for the per-file overhead rows.

    python benchmarks/archive.py --articles 2000 [--out benchmarks/archive-2000]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LANGS = ["en", "et", "lv", "lt", "pl", "ro", "ru", "uk"]
WORDS = {
    "en": "security defence alliance border minister report cyber attack energy grid sanctions exercise "
          "intelligence service region government parliament drill shelter warning network railway".split(),
    "et": "julgeolek kaitse liit piir minister aruanne küber rünnak energia võrk õppus teenistus".split(),
    "lv": "drošība aizsardzība alianse robeža ministrs ziņojums kiber uzbrukums enerģija tīkls mācības".split(),
    "lt": "saugumas gynyba aljansas siena ministras ataskaita kibernetinis ataka energija tinklas".split(),
    "pl": "bezpieczeństwo obrona sojusz granica minister raport cyber atak energia sieć ćwiczenia".split(),
    "ro": "securitate apărare alianță frontieră ministru raport cibernetic atac energie rețea".split(),
    "ru": "безопасность оборона альянс граница министр доклад кибер атака энергия сеть учения".split(),
    "uk": "безпека оборона альянс кордон міністр доповідь кібер атака енергія мережа навчання".split(),
}
# (approved, reviewed, machine, fuzzy) shares per target language; the rest is untranslated.
MIX = {"en": (0.5, 0.4, 0.05, 0.0), "et": (0.6, 0.3, 0.05, 0.02), "lv": (0.3, 0.4, 0.15, 0.05),
       "lt": (0.3, 0.3, 0.2, 0.05), "pl": (0.2, 0.4, 0.2, 0.05), "ro": (0.1, 0.3, 0.3, 0.1),
       "ru": (0.2, 0.3, 0.2, 0.1), "uk": (0.05, 0.15, 0.2, 0.05)}

_HEAD = """site: Archive Bench
source_language: en
languages: [en, et, lv, lt, pl, ro, ru, uk]
locales_dir: locales
catalogs:
"""
_TAIL = """translation:
  providers: [memory]
"""
WORKFLOW = _HEAD + """  ui:
    kind: labels
    sources: ["site/templates/*.html"]
    publish: reviewed
  articles:
    kind: articles
    sources: ["site/articles/*.md"]
    publish: approved
""" + _TAIL
FLAT_WORKFLOW = _HEAD + """  big:
    kind: labels
    publish: approved
""" + _TAIL

TEMPLATE = """<nav>{{ _("Home") }} {{ _("Security") }} {{ _("Defence") }}</nav>
<h2>{{ _("Related Articles") }}</h2>
<p>{% trans count=minutes %}{{ count }} min read{% pluralize %}{{ count }} min read{% endtrans %}</p>
"""


def words(rng: random.Random, lang: str, n: int) -> str:
    return " ".join(rng.choice(WORDS[lang]) for _ in range(n))


def sentence(rng: random.Random, lang: str, i: int) -> str:
    return f"{words(rng, lang, rng.randint(8, 18)).capitalize()} {i}."


def article(rng: random.Random, n: int) -> str:
    lang = LANGS[n % len(LANGS)]
    slug = f"story-{n:05d}"
    s = lambda i: sentence(rng, lang, n * 100 + i)  # noqa: E731 - unique sentences per article
    paragraphs = [
        f"{s(1)} {s(2)} {s(3)}",
        f"{s(4)} See the [full report](https://example.org/reports/{slug}) and *{words(rng, lang, 3)}*.",
        f"{s(5)}\n{s(6)}",  # hard-wrapped: one unit
        f"{s(7)} The code `{n:04d}.{n % 97:02d}` was cited in **{words(rng, lang, 2)}**.",
        f"{s(8)} {s(9)}",
        f"{s(10)} Officials spoke at {n % 24:02d}:00 on the {n % 28 + 1}th.",
        f"{s(11)} {s(12)} {s(13)}",
        f"{s(14)} Contact <press@example.org> for details.",
    ]
    table = ("| Region | Share |\n|---|---|\n"
             f"| {words(rng, lang, 1)} | {n % 50}% |\n| {words(rng, lang, 1)} | {n % 30}% |")
    items = "\n".join(f"- {s(20 + i)}" for i in range(4))
    body = "\n\n".join([paragraphs[0], f"![{words(rng, lang, 4)}](/images/{slug}.jpg)", paragraphs[1],
                        f"## {s(30)}", *paragraphs[2:5], items, *paragraphs[5:], table])
    return (f"---\nslug: {slug}\ntitle: \"{s(40)}\"\nlanguage: {lang}\ndate: 2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}\n"
            f"section: National Security\nauthor: Reporter {n % 17}\nsummary: \"{s(41)}\"\n---\n\n{body}\n")


def fill(path: Path, language: str, rng: random.Random) -> None:
    """Translations in a per-language mix of states, written as locflow writes them."""
    from locflow.catalog import read_po, render
    from locflow.states import mark_approved, mark_machine

    po = read_po(path, layout=False)
    approved, reviewed, machine, fuzzy = MIX[language]
    for entry in po:
        roll = rng.random()
        if roll >= approved + reviewed + machine + fuzzy:
            continue
        text = f"{words(rng, language, max(3, len(entry.msgid.split()) // 2))} {len(entry.msgid)}"
        if entry.msgid_plural:
            entry.msgstr_plural = {k: text for k in entry.msgstr_plural}
        else:
            entry.msgstr = _keep_tags(entry.msgid, text)
        if roll < approved:
            mark_approved(entry, "bench-reviewer", "2026-01-15")
        elif roll < approved + reviewed:
            pass
        elif roll < approved + reviewed + machine:
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural \
                else [entry.msgstr]
            mark_machine(entry, forms, "memory", "2026-01-10")
        else:
            entry.flags.append("fuzzy")
    path.write_bytes(render(po))


def _keep_tags(msgid: str, text: str) -> str:
    """Translations keep the source's numbered tags, as a translator would."""
    import re

    tags = re.findall(r"<\d+/>|<\d+>.*?</\d+>", msgid)
    return " ".join([text] + [re.sub(r">.*?<", ">x<", t) for t in tags])


def flat(archive: Path, out: Path) -> int:
    """The same entries in one catalog per language (msgctxt = slug): the peer corpus."""
    from locflow.catalog import catalog_metadata, default_header, new_pofile, read_po, render, plural_forms

    import polib

    if out.exists():
        shutil.rmtree(out)
    (out / "site").mkdir(parents=True)
    (out / "workflow.yaml").write_text(FLAT_WORKFLOW, encoding="utf-8")
    total = 0
    for lang in LANGS:
        big = new_pofile(catalog_metadata("Archive Bench", lang), default_header("Archive Bench", lang))
        big.metadata["Plural-Forms"] = plural_forms(lang)[1]
        for path in sorted((archive / "locales" / lang / "articles").glob("*.po")):
            for entry in read_po(path, layout=False):
                copy = polib.POEntry(msgid=entry.msgid, msgctxt=path.stem, msgstr=entry.msgstr, flags=entry.flags,
                                     tcomment=entry.tcomment, comment=entry.comment,
                                     occurrences=entry.occurrences)
                big.append(copy)
                total += 1
        target = out / "locales" / lang / "LC_MESSAGES" / "big.po"
        target.parent.mkdir(parents=True)
        target.write_bytes(render(big))
    return total


def replaceable(folder: Path) -> bool:
    """Missing, empty, or an archive this script wrote: the only folders it may delete and rewrite."""
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    if not any(folder.iterdir()):
        return True
    config = folder / "workflow.yaml"
    return config.is_file() and config.read_text(encoding="utf-8", errors="replace").startswith("site: Archive Bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="how many articles (default 2000)")
    parser.add_argument("--out", type=Path, help="the archive's folder (default benchmarks/archive-N); the "
                        "8-catalog peer goes beside it as OUT-flat. Both are replaced, but only when they are "
                        "missing, empty or archives this script wrote")
    args = parser.parse_args()
    out = args.out or ROOT / "benchmarks" / f"archive-{args.articles}"
    for folder in (out, out.with_name(out.name + "-flat")):
        if not replaceable(folder):
            sys.exit(f"{folder} exists and is not an archive this script wrote: choose another --out")
    if out.exists():
        shutil.rmtree(out)
    (out / "site" / "articles").mkdir(parents=True)
    (out / "site" / "templates").mkdir(parents=True)
    (out / "workflow.yaml").write_text(WORKFLOW, encoding="utf-8")
    (out / "site" / "templates" / "page.html").write_text(TEMPLATE, encoding="utf-8")
    rng = random.Random(20)
    for n in range(args.articles):
        text = article(rng, n)
        (out / "site" / "articles" / f"story-{n:05d}.md").write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "locflow", "pull"], cwd=out, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "LOCFLOW_NO_CACHE": "1"})
    for path in sorted((out / "locales").rglob("*.po")):
        fill(path, path.relative_to(out / "locales").parts[0], rng)
    shutil.rmtree(out / ".locflow", ignore_errors=True)
    entries = flat(out, out.with_name(out.name + "-flat"))
    size = sum(p.stat().st_size for p in (out / "locales").rglob("*.po"))
    count = sum(1 for _ in (out / "locales").rglob("*.po"))
    print(f"{out}: {args.articles} articles, {count} catalogs, {entries} entries, {size / 2**20:.0f} MiB of PO; "
          f"peer: {out.name}-flat (8 catalogs)")


if __name__ == "__main__":
    main()
