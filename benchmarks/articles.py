"""`locflow pull` over the sample plus 500 generated articles, for one or two source trees.

    python benchmarks/articles.py [--repeat 3] [--before PATH_TO_OLD_SRC]

Each run copies the sample project, adds 500 generated news articles (paragraphs, headings,
lists, quotes, links, emphasis, a table and a footnote each), and times whole-process
`python -m locflow pull` twice: cold (writes 500 templates and 3,500 catalogs) and up to date
(parses every article again and writes nothing). `--before` points at the `src/` of an older
checkout (e.g. `git archive <commit> src | tar -x -C /tmp/old`) to compare segmenters.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("allied defence ministry border exercise report officials said patrol cyber energy grid railway "
         "sabotage warning drones airspace brigade training reservists coastline harbour sanctions").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"[{words[i]}](https://example.org/{words[i]}/{rng.randint(1, 999)})"
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    return " ".join(words).capitalize() + "."


def article(n: int, rng: random.Random) -> str:
    parts = [f"---\nslug: generated-{n:03d}\ntitle: \"{sentence(rng)[:-1]}\"\nlanguage: en\ndate: 2026-09-{1 + n % 28:02d}\n"
             f"section: Security\nauthor: Bench Writer\nsummary: \"{sentence(rng)}\"\n---\n"]
    for _ in range(3):
        parts.append(" ".join(sentence(rng) for _ in range(3)))
        parts.append(f"## {sentence(rng)[:-1]}")
        parts.append("\n".join(f"- {sentence(rng)}" for _ in range(3)))
        parts.append(f"> {sentence(rng)}\n>\n> {sentence(rng)}")
    parts.append("| Unit | Share |\n|---|---:|\n" + "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 99)}% |"
                                                          for _ in range(3)))
    parts.append(f"{sentence(rng)[:-1]}[^1].\n\n[^1]: {sentence(rng)}")
    return "\n\n".join(parts) + "\n"


def project(where: Path) -> Path:
    root = where / "proj"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".git", ".venv", "build", "benchmarks", "tests",
                                                              "__pycache__", ".locflow"))
    rng = random.Random(15)
    for n in range(500):
        (root / "site" / "articles" / f"generated-{n:03d}.md").write_text(article(n, rng), encoding="utf-8")
    return root


def pull(root: Path, src: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "locflow", "pull"], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(src: Path, repeat: int) -> tuple[float, float]:
    cold, warm = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            root = project(Path(tmp))
            cold.append(pull(root, src))
            warm.append(pull(root, src))
    return statistics.median(cold), statistics.median(warm)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="src/ of the locflow to compare with")
    args = parser.parse_args()
    rows = [("after (this checkout)", ROOT / "src")]
    if args.before:
        rows.insert(0, ("before", args.before))
    results = {name: measure(src, args.repeat) for name, src in rows}
    print(f"{'pull, sample + 500 articles':32} {'cold':>8} {'up to date':>11}")
    for name, (cold, warm) in results.items():
        print(f"{name:32} {cold:7.2f}s {warm:10.2f}s")
    if args.before:
        (bc, bw), (ac, aw) = results["before"], results["after (this checkout)"]
        print(f"{'ratio after/before':32} {ac / bc:7.2f}x {aw / bw:10.2f}x")


if __name__ == "__main__":
    main()
