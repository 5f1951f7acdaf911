"""A news archive of N articles side by side with the same entries in 8 big catalogs, in one run.

    python benchmarks/archive.py --articles 2000        # benchmarks/archive-2000 and archive-2000-flat
    python benchmarks/archive_run.py --articles 2000 [--repeat 3] [--json runs-2000.json]
    python benchmarks/archive.py --articles 10000 --out /tmp/archive-10000   # minutes; outside the repo
    python benchmarks/archive_run.py --articles 10000 --dir /tmp --skip-flat --skip-msgfmt \
        --check-repeat 1 --against runs-2000.json          # growth column: cost(10,000) / cost(2,000)

Rows: cold check and cold status on the archive against the flat corpus (the per-file overhead),
a no-op pull without state against the archive's cold status, a no-op pull with its state, a pull
after one article was edited (and which files it wrote), msgfmt --statistics over the same files
as the peer, and status's peak memory. Wall times are medians of --repeat runs; cpu is the median
user + sys time of the process and its workers (steadier when the machine is shared). With
--json the figures are saved; --against a saved run adds a column: this run's cpu over that one's
per operation (how the cost grows with the archive).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from run import Timing, run

ROOT = Path(__file__).resolve().parents[1]
LOCFLOW = [sys.executable, "-m", "locflow"]


def cold(root: Path):
    return lambda: shutil.rmtree(root / ".locflow", ignore_errors=True)


def msgfmt_all(root: Path) -> str:
    """msgfmt --statistics over every catalog, one process per file (msgfmt merges files given together)."""
    return f"cd {root} && find locales -name '*.po' -print0 | xargs -0 -n 1 msgfmt --statistics -o /dev/null"


class Editor:
    """Before each run, one more edit to one article's second paragraph."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        text = self.path.read_text(encoding="utf-8")
        head, sep, rest = text.partition("\n\n![")
        self.path.write_text(head + f" Update {self.count}." + sep + rest, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--dir", type=Path, help="where archive.py wrote the archive (default benchmarks/)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-check", action="store_true", help="leave out the cold check rows (minutes each)")
    parser.add_argument("--check-repeat", type=int, help="runs of each cold check (default --repeat)")
    parser.add_argument("--skip-flat", action="store_true", help="leave out the 8-file peer rows")
    parser.add_argument("--skip-msgfmt", action="store_true", help="leave out the msgfmt rows")
    parser.add_argument("--skip-pull", action="store_true", help="leave out the pull rows")
    parser.add_argument("--json", type=Path, help="save the figures here")
    parser.add_argument("--against", type=Path, help="a run saved with --json: add this run's cpu over its cpu")
    args = parser.parse_args()
    base = args.dir or ROOT / "benchmarks"
    archive, flat = base / f"archive-{args.articles}", base / f"archive-{args.articles}-flat"
    if not (archive / "workflow.yaml").is_file():
        sys.exit(f"no archive: run `python benchmarks/archive.py --articles {args.articles}` first")
    r, n = args.repeat, args.articles
    rows: list[tuple[str, Timing, str, Timing]] = []
    mine: dict[str, Timing] = {}  # operation -> this run's figures, for --json and --against
    subprocess.run(LOCFLOW + ["pull"], cwd=archive, check=True, stdout=subprocess.DEVNULL)  # the archive is current

    none, peer = Timing(None, None), "-" if args.skip_flat else "same entries, 8 files"
    if not args.skip_check:
        rc = args.check_repeat or r
        check_a = mine["check, cold"] = run(LOCFLOW + ["check", "--format", "json"], repeat=rc, cwd=archive,
                                            before=cold(archive), timeout=3600)
        check_f = none if args.skip_flat else run(LOCFLOW + ["check", "--format", "json"], repeat=rc, cwd=flat,
                                                  before=cold(flat), timeout=3600)
        rows.append((f"check {n} articles, cold", check_a, peer, check_f))
    status_a = mine["status, cold"] = run(LOCFLOW + ["status", "--format", "json"], repeat=r, cwd=archive,
                                          before=cold(archive))
    status_f = none if args.skip_flat else run(LOCFLOW + ["status", "--format", "json"], repeat=r, cwd=flat,
                                               before=cold(flat))
    rows.append((f"status {n} articles, cold", status_a, peer, status_f))
    if not args.skip_msgfmt:
        msgfmt_a = run(msgfmt_all(archive), repeat=r, cwd=archive)
        rows.append((f"status {n} articles, cold", status_a, "msgfmt --statistics", msgfmt_a))
        if not args.skip_flat:
            msgfmt_f = run(msgfmt_all(flat), repeat=r, cwd=flat)
            rows.append(("status 8 files, cold", status_f, "msgfmt --statistics", msgfmt_f))

    written: list[str] = []
    slug = ""
    if not args.skip_pull:
        pull_cold = mine["no-op pull, no state"] = run(LOCFLOW + ["pull"], repeat=r, cwd=archive, before=cold(archive),
                                                       timeout=3600)
        rows.append((f"no-op pull {n}, no state", pull_cold, "cold status, same tree", status_a))
        subprocess.run(LOCFLOW + ["pull"], cwd=archive, check=True, stdout=subprocess.DEVNULL)
        pull_warm = mine["no-op pull, with state"] = run(LOCFLOW + ["pull"], repeat=max(r, 5), cwd=archive)
        rows.append((f"no-op pull {n}, with state", pull_warm, "(target 0.5 s)", Timing(0.5, None)))
        article = sorted((archive / "site" / "articles").glob("*.md"))[n // 2]
        editor = Editor(article)
        pull_one = mine["pull, one article edited"] = run(LOCFLOW + ["pull"], repeat=max(r, 5), cwd=archive,
                                                          before=editor)
        rows.append((f"pull {n}, one article edited", pull_one, "(target 1 s)", Timing(1.0, None)))
        editor()
        shown = subprocess.run(LOCFLOW + ["pull"], cwd=archive, check=True, capture_output=True, text=True).stdout
        written = [line.split(" ", 1)[1] for line in shown.splitlines() if line.startswith("updated locales/")]
        slug = article.stem

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}, load average {os.getloadavg()[0]:.1f}")
    print(f"{'operation':<32}{'locflow':>9}{'cpu':>9}{'peer':>24}{'peer time':>10}{'cpu':>9}{'ratio':>7}"
          f"{'cpu ratio':>10}{'peak MiB':>9}")
    for op, ours, peer, other in rows:
        def fmt(x: float | None) -> str:
            return f"{x:.2f}s" if x is not None else "-"

        ratio = f"{ours.seconds / other.seconds:.2f}" if ours.seconds and other.seconds else "-"
        cpu_ratio = f"{ours.cpu / other.cpu:.2f}" if ours.cpu and other.cpu else "-"
        peak = f"{ours.peak_mib:.0f}" if ours.peak_mib else "-"
        notes = "; ".join(f"{who}: {t.note}" for who, t in (("locflow", ours), (peer, other)) if t.note)
        print(f"{op:<32}{fmt(ours.seconds):>9}{fmt(ours.cpu):>9}{peer:>24}{fmt(other.seconds):>10}"
              f"{fmt(other.cpu):>9}{ratio:>7}{cpu_ratio:>10}{peak:>9}" + (f"  ({notes})" if notes else ""))
    if not args.skip_pull:
        only_its_own = bool(written) and all(slug in path for path in written)
        print(f"one article edited: pull wrote {len(written)} files, all of them {slug}'s: {only_its_own}")
    saved = {"articles": n, "runs": {op: {"seconds": t.seconds, "cpu": t.cpu, "peak_mib": t.peak_mib, "note": t.note,
                                          "load": os.getloadavg()[0]} for op, t in mine.items()}}
    if args.json:  # added to what an earlier run (e.g. with --skip-pull) saved there
        if args.json.is_file():
            saved["runs"] = {**json.loads(args.json.read_text(encoding="utf-8"))["runs"], **saved["runs"]}
        args.json.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    if args.against:
        other = json.loads(args.against.read_text(encoding="utf-8"))
        print(f"\ngrowth against {args.against.name} ({other['articles']} articles; {n / other['articles']:.1f}x "
              f"the articles)")
        print(f"{'operation':<28}{'cpu':>9}{'then':>9}{'ratio':>7}{'wall':>9}{'then':>9}{'ratio':>7}{'peak MiB':>9}")
        for op, now in saved["runs"].items():
            then = other["runs"].get(op)
            if then is None:
                continue

            def ratio(a: float | None, b: float | None) -> str:
                return f"{a / b:.2f}" if a and b else "-"

            def fmt(x: float | None) -> str:
                return f"{x:.2f}s" if x is not None else "-"

            peak = f"{now['peak_mib']:.0f}" if now["peak_mib"] else "-"
            print(f"{op:<28}{fmt(now['cpu']):>9}{fmt(then['cpu']):>9}{ratio(now['cpu'], then['cpu']):>7}"
                  f"{fmt(now['seconds']):>9}{fmt(then['seconds']):>9}{ratio(now['seconds'], then['seconds']):>7}"
                  f"{peak:>9}")


if __name__ == "__main__":
    main()
