"""The translation memory: lookup latency on the benchmark corpus, and what it saves `translate`.

1. Lookup: the corpus of benchmarks/corpus.py (8 languages x 20,000 entries; its reviewed and
   approved entries become the memory), queried with the 5% of msgids the corpus's merge round
   rewords (near-duplicates) and as many new sentences, each in one of the seven target languages.
   Prints the memory's size, its build time, and p50/p95 per query (top 3, as the review screens ask).
2. translate: a project whose UI catalog holds N reviewed Estonian translations, and a new article of
   1,000 paragraphs of which 30% repeat a UI sentence with one word changed; `locflow translate`
   against the loopback MT server (tests/mt_server.py) with providers [memory, google] and [google]:
   requests and characters sent, and what the memory filled by score band.

    python benchmarks/memory.py [--entries 20000] [--queries 1000] [--segments 1000]
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
from tests.mt_server import MTServer  # noqa: E402


def lookup_benchmark(entries: int, queries: int, seed: int = 11) -> None:
    from locflow.project import Project
    from locflow.tm.memory import project_memory

    tmp = Path(tempfile.mkdtemp(prefix="locflow-tm-"))
    try:
        info = corpus.build(tmp / "corpus", entries)
        project = Project.load(tmp / "corpus" / "workflow.yaml")
        started = time.perf_counter()
        memory = project_memory(project)
        read = time.perf_counter() - started
        targets = [lang for lang in corpus.LANGS if lang != "en"]
        started = time.perf_counter()
        for lang in targets:  # each language's index is built on its first lookup
            memory.lookup("warm up", "en", lang)
        indexed = time.perf_counter() - started
        rng = random.Random(seed)
        pairs = [line.split("\t")[1] for line in (tmp / "corpus/merge/pairs.tsv").read_text().splitlines()]
        near = [p.replace("\\n", "\n") for p in rng.sample(pairs, min(len(pairs), queries // 2))]
        fresh = [corpus._sentence(rng, corpus.WORDS, rng.randint(4, 14)) + f" new {i}"
                 for i in range(queries - len(near))]
        texts = near + fresh
        rng.shuffle(texts)
        times, hits90 = [], 0
        for text in texts:
            lang = rng.choice(targets)
            began = time.perf_counter()
            found = memory.lookup(text, "en", lang, printf=True)
            times.append(time.perf_counter() - began)
            hits90 += bool(found and found[0].score >= 90)
        times.sort()
        p50 = statistics.median(times) * 1000
        p95 = times[int(len(times) * 0.95) - 1] * 1000
        print(f"memory: {len(memory.units)} units from {info['languages']} catalogs x {entries} entries "
              f"(reviewed and approved; en is the source)")
        print(f"read catalogs {read:.2f}s, build 7 language indexes {indexed:.2f}s")
        print(f"{len(texts)} lookups (top 3; {len(near)} reworded msgids, {len(fresh)} new sentences): "
              f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {times[-1] * 1000:.2f} ms; "
              f"a >= 90 match for {hits90} ({hits90 * 100 // len(texts)}%)")
        recall(memory, near)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def recall(memory, queries: list[str]) -> None:
    """How often the index's best match scores as high as the best of an exhaustive comparison (et)."""
    from rapidfuzz import fuzz, process

    from locflow.tm.normalize import normalize

    pool = list({normalize(u.text(), u.printf).text: None for u in memory.units
                 if u.language == "et" and u.source_plural is None})
    found = {"75": [0, 0], "50": [0, 0]}
    for text in queries:
        query = normalize(text, True).text
        best = process.extractOne(query, pool, scorer=fuzz.ratio)
        if best is None or best[1] < 50:
            continue
        want = 100 if best[0] == query else min(99, int(best[1] + 0.5))
        got = memory.lookup(text, "en", "et", printf=True, limit=1)
        band = found["75" if best[1] >= 75 else "50"]
        band[0] += 1
        band[1] += bool(got and got[0].score >= want)
    print("index vs exhaustive comparison (et, reworded msgids): the best match found for "
          f"{found['75'][1]}/{found['75'][0]} whose best scores >= 75, {found['50'][1]}/{found['50'][0]} at 50-74")


def _po_quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def build_translate_project(root: Path, url: str, memory_size: int, segments: int, share: float,
                            seed: int = 5) -> int:
    """UI catalog with `memory_size` reviewed et entries; an article with `segments` paragraphs, `share`
    of them a UI sentence with one word changed. Returns how many paragraphs are near-duplicates."""
    rng = random.Random(seed)
    known = [corpus._sentence(rng, corpus.WORDS, rng.randint(8, 16)) + f" item {i}." for i in range(memory_size)]
    lines = ['msgid ""', 'msgstr ""', '"Language: et\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"',
             '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"', ""]
    for text in known:
        lines += [f'msgid "{_po_quote(text)}"', f'msgstr "{_po_quote(corpus.translate_text(text, "et", rng))}"', ""]
    (root / "locales/et/LC_MESSAGES").mkdir(parents=True)
    (root / "locales/et/LC_MESSAGES/ui.po").write_text("\n".join(lines), encoding="utf-8")
    near = int(segments * share)
    paragraphs = []
    for text in rng.sample(known, near):
        words = text.split(" ")
        pos = rng.randrange(len(words) - 2)
        words[pos] = rng.choice([w for w in corpus.WORDS if w != words[pos].lower()])
        paragraphs.append(" ".join(words))
    paragraphs += [f"Paragraph {i} reports that {corpus._sentence(rng, corpus.WORDS, rng.randint(8, 16)).lower()}."
                   for i in range(segments - near)]
    rng.shuffle(paragraphs)
    (root / "site/articles").mkdir(parents=True)
    (root / "site/articles/new.md").write_text(
        "---\nslug: new\ntitle: \"New story\"\nlanguage: en\ndate: 2026-11-01\nsection: News\nauthor: A\n"
        "summary: \"Summary.\"\n---\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (root / "workflow.yaml").write_text(f"""site: Bench
source_language: en
languages: [en, et]
catalogs:
  ui: {{kind: labels, publish: reviewed}}
  articles: {{kind: articles, sources: ["site/articles/*.md"], publish: approved}}
translation:
  providers: [memory, google]
  concurrency: 8
  timeout: 10
  retries: 1
  google: {{url: "{url}/m"}}
""", encoding="utf-8")
    return near


def translate_benchmark(memory_size: int, segments: int, share: float) -> None:
    from locflow.mt.engine import TranslateOptions, translate
    from locflow.project import Project
    from locflow.pull import pull

    server = MTServer().start()
    rows = []
    try:
        for label, provider in (("with memory", None), ("without memory", "google")):
            tmp = Path(tempfile.mkdtemp(prefix="locflow-tm-translate-"))
            try:
                near = build_translate_project(tmp, server.url, memory_size, segments, share)
                project = Project.load(tmp / "workflow.yaml")
                pull(project)
                server.reset()
                started = time.perf_counter()
                result = translate(project, TranslateOptions(languages=["et"], catalogs=["articles/new"],
                                                             provider=provider))
                elapsed = time.perf_counter() - started
                chars = sum(len(r["params"]["q"]) for r in server.requests)
                rows.append((label, server.count(), chars, result, elapsed))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    finally:
        server.stop()
    print(f"translate: {segments} new paragraphs (+ title and summary), {near} of them a reviewed UI sentence "
          f"with one word changed; memory of {memory_size} reviewed et entries; providers [memory, google] "
          "vs [google], loopback server")
    print(f"{'run':<16}{'requests':>10}{'characters':>12}{'filled from memory':>20}{'seconds':>9}")
    for label, requests, chars, result, elapsed in rows:
        filled = result.memory_hits + result.memory_fuzzy
        print(f"{label:<16}{requests:>10}{chars:>12}{filled:>20}{elapsed:>9.2f}")
    bands = rows[0][3].memory_bands
    print("memory bands: " + ", ".join(f"{b.band}%: {b.entries} entries / {b.characters} chars" for b in bands))
    saved_requests = 1 - rows[0][1] / rows[1][1]
    saved_chars = 1 - rows[0][2] / rows[1][2]
    print(f"saved: {saved_requests:.0%} of requests, {saved_chars:.0%} of characters")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--memory-size", type=int, default=5000)
    parser.add_argument("--share", type=float, default=0.3)
    args = parser.parse_args()
    import platform

    print(f"machine: {platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}")
    lookup_benchmark(args.entries, args.queries)
    translate_benchmark(args.memory_size, args.segments, args.share)


if __name__ == "__main__":
    main()
