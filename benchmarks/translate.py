"""locflow translate vs a plain sequential deep-translator loop, same loopback server, same texts.

The server (tests/mt_server.py) answers like Google's mobile page after a fixed latency
(100 ms by default), as a remote MT service would. Prints both times and the speed-up; the
goal is at least 0.8 x the configured concurrency.

    python benchmarks/translate.py [--entries 200] [--latency 0.1] [--concurrency 8]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.mt_server import MTServer  # noqa: E402

LANGS = ["en", "et", "lv"]


def build_project(root: Path, url: str, entries: int, concurrency: int) -> None:
    (root / "site/templates").mkdir(parents=True)
    lines = [f'<p>{{{{ _("Headline number {i} about the Baltic security situation") }}}}</p>' for i in range(entries)]
    (root / "site/templates/page.html").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "workflow.yaml").write_text(f"""site: Bench
source_language: en
languages: [{", ".join(LANGS)}]
catalogs:
  ui: {{kind: labels, sources: ["site/templates/*.html"]}}
translation:
  providers: [google]
  concurrency: {concurrency}
  timeout: 10
  retries: 2
  google: {{url: "{url}/m"}}
""", encoding="utf-8")


def plain_loop(url: str, texts: list[str], targets: list[str]) -> float:
    from deep_translator import GoogleTranslator

    started = time.perf_counter()
    for target in targets:
        translator = GoogleTranslator(source="en", target=target)
        translator._base_url = url + "/m"
        for text in texts:
            translator.translate(text)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    from locflow.mt.engine import TranslateOptions, translate
    from locflow.project import Project
    from locflow.pull import pull

    server = MTServer().start()
    server.faults.latency = args.latency
    tmp = Path(tempfile.mkdtemp(prefix="locflow-bench-"))
    try:
        build_project(tmp, server.url, args.entries, args.concurrency)
        project = Project.load(tmp / "workflow.yaml")
        pull(project)
        started = time.perf_counter()
        result = translate(project, TranslateOptions())
        ours = time.perf_counter() - started
        sent = server.count()
        assert result.failed == 0, result

        texts = [f"Headline number {i} about the Baltic security situation" for i in range(args.entries)]
        server.reset()
        server.faults.latency = args.latency
        theirs = plain_loop(server.url, texts, LANGS[1:])
        segments = args.entries * (len(LANGS) - 1)
        print(f"{segments} segments, {args.latency * 1000:.0f} ms latency, concurrency {args.concurrency}")
        print(f"{'tool':<32}{'seconds':>10}{'requests':>10}")
        print(f"{'locflow translate':<32}{ours:>10.2f}{sent:>10}")
        print(f"{'deep-translator loop':<32}{theirs:>10.2f}{server.count():>10}")
        speedup = theirs / ours
        print(f"speed-up {speedup:.2f}x (goal {0.8 * args.concurrency:.1f}x = 0.8 x concurrency)")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
