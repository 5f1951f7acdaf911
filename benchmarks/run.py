"""Run locflow side by side with the tools users would pick instead, on the same corpus, in one run.

Prints a table: operation, locflow, the peer, ratio (locflow / peer), peak memory. Times are
whole-process wall times, median of --repeat runs; peak memory is the child's max RSS.

    python benchmarks/corpus.py          # once: 8 languages x 20,000 entries
    pip install translate-toolkit        # pocount and pofilter, for their rows
    python benchmarks/run.py [--repeat 3] [--skip-slow]
"""
from __future__ import annotations

import argparse
import os
import platform
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "corpus"
LANGS = ["en", "et", "lv", "lt", "pl", "ro", "ru", "uk"]


@dataclass
class Timing:
    seconds: float | None  # None: not available or did not finish
    peak_mib: float | None
    note: str = ""
    cpu: float | None = None  # median user + sys seconds: steadier than wall time on a shared machine


def run(cmd: list[str] | str, *, repeat: int, cwd: Path = CORPUS, before=None, timeout: float = 600,
        env: dict | None = None) -> Timing:
    """Median wall time and the largest max-RSS of `repeat` runs of a command."""
    times, peaks, cpus = [], [], []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        with tempfile.TemporaryFile() as err:
            try:
                # Its own process group: on a timeout the whole pipeline goes (a shell's `xargs msgfmt`, a
                # pull's workers), not only the shell.
                proc = subprocess.Popen(cmd, cwd=cwd, shell=isinstance(cmd, str), stdout=subprocess.DEVNULL,
                                        stderr=err, env={**os.environ, **(env or {})}, start_new_session=True)
            except FileNotFoundError as exc:
                return Timing(None, None, f"not installed ({exc.filename})")
            deadline = started + timeout
            while True:  # wait4 gives this child's own peak memory (a shell's largest child for loops)
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    os.killpg(proc.pid, signal.SIGKILL)
                    os.wait4(proc.pid, 0)
                    return Timing(None, None, f"did not finish in {timeout:.0f} s")
                time.sleep(0.005)
            elapsed = time.perf_counter() - started
            code = os.waitstatus_to_exitcode(status)
            if code not in (0, 1):
                err.seek(0)
                return Timing(None, None, f"failed ({code}): {err.read().decode(errors='replace')[-200:]}")
        times.append(elapsed)
        peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
        cpus.append(usage.ru_utime + usage.ru_stime)  # the child and the workers it waited for
    return Timing(statistics.median(times), max(peaks), cpu=statistics.median(cpus))


def cold() -> None:
    shutil.rmtree(CORPUS / ".locflow", ignore_errors=True)


def files() -> list[str]:
    return [f"locales/{lang}/LC_MESSAGES/big.po" for lang in LANGS]


def merge_quality(merged: Path, pairs: Path) -> int:
    """How many changed msgids were matched to their own old entry (its msgid as `#|` previous)."""
    import polib

    expected = {}
    for line in pairs.read_text(encoding="utf-8").splitlines():
        old, new = line.split("\t")
        expected[new.replace("\\n", "\n")] = old.replace("\\n", "\n")
    right = 0
    for entry in polib.pofile(str(merged)):
        if entry.msgid in expected and entry.previous_msgid == expected[entry.msgid]:
            right += 1
    return right


LOCFLOW_MERGE = """
import sys
from pathlib import Path
from locflow.catalog import merge, read_po, render
pot, old = read_po(Path(sys.argv[2]), layout=False), read_po(Path(sys.argv[1]), layout=False)  # as pull reads
Path(sys.argv[3]).write_bytes(render(merge(pot, old, "et", "bench")))
"""

POLIB_LOAD = "import polib,sys\nfor f in sys.argv[1:]: polib.pofile(f)"
BABEL_LOAD = "import sys\nfrom babel.messages.pofile import read_po\nfor f in sys.argv[1:]: read_po(open(f,'rb'))"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-slow", action="store_true", help="skip pybabel update (minutes)")
    args = parser.parse_args()
    if not (CORPUS / "workflow.yaml").is_file():
        sys.exit("no corpus: run `python benchmarks/corpus.py` first")
    r = args.repeat
    locflow = [sys.executable, "-m", "locflow"]
    rows: list[tuple[str, Timing, str, Timing]] = []

    status_cold = run(locflow + ["status", "--format", "json"], repeat=r, before=cold)
    msgfmt = run("for f in " + " ".join(files()) + "; do msgfmt --statistics -o /dev/null $f; done", repeat=r)
    pocount = run(["pocount", *files()], repeat=r)
    rows += [("status 8x20k, cold", status_cold, "msgfmt --statistics", msgfmt),
             ("status 8x20k, cold", status_cold, "pocount", pocount)]

    rows += [("load only, 8x20k", status_cold, "polib", run([sys.executable, "-c", POLIB_LOAD, *files()], repeat=r)),
             ("load only, 8x20k", status_cold, "babel read_po",
              run([sys.executable, "-c", BABEL_LOAD, *files()], repeat=r))]

    run(locflow + ["status"], repeat=1)  # warm the cache
    status_warm = run(locflow + ["status", "--format", "json"], repeat=max(r, 5))
    rows.append(("status 8x20k, warm (cache)", status_warm, "(target 0.15 s)", Timing(0.15, None)))
    # Why fastpath.py exists: the same warm status through typer's command tree (and the library's
    # per-file cache), without the fast path's parser and whole-output cache.
    typer_path = [sys.executable, "-c", "import sys; sys.argv[0] = 'locflow'; from locflow.cli import run; run()"]
    rows.append(("status 8x20k, warm (cache)", status_warm, "typer path, no fastpath",
                 run(typer_path + ["status", "--format", "json"], repeat=max(r, 5))))

    check_cold = run(locflow + ["check", "--format", "json"], repeat=r, before=cold)
    check_one = run(locflow + ["check", "--format", "json", "--lang", "et"], repeat=r, before=cold)
    pofilter_one = run(["pofilter", files()[1], "-o", os.devnull], repeat=r)
    pofilter_out = Path(tempfile.mkdtemp(prefix="pofilter-"))
    pofilter_all = run(["pofilter", "-i", str(CORPUS / "locales"), "-o", str(pofilter_out / "out")], repeat=r,
                       before=lambda: shutil.rmtree(pofilter_out / "out", ignore_errors=True))
    rows += [("check one 20k file, cold", check_one, "pofilter", pofilter_one),
             ("check 8x20k, cold", check_cold, "pofilter (8 files)", pofilter_all)]
    run(locflow + ["check"], repeat=1)
    check_warm = run(locflow + ["check", "--format", "json"], repeat=max(r, 5))
    rows.append(("check 8x20k, warm (cache)", check_warm, "(target 0.15 s)", Timing(0.15, None)))

    tmp = Path(tempfile.mkdtemp(prefix="locflow-merge-"))
    old, pot = CORPUS / files()[1], CORPUS / "merge" / "big.pot"
    ours = run([sys.executable, "-c", LOCFLOW_MERGE, str(old), str(pot), str(tmp / "locflow.po")], repeat=r)
    theirs = run(["msgmerge", "--previous", "-q", "-o", str(tmp / "msgmerge.po"), str(old), str(pot)], repeat=r)
    quality = (merge_quality(tmp / "locflow.po", CORPUS / "merge" / "pairs.tsv"),
               merge_quality(tmp / "msgmerge.po", CORPUS / "merge" / "pairs.tsv"))
    total = len((CORPUS / "merge" / "pairs.tsv").read_text(encoding="utf-8").splitlines())
    rows.append(("merge 20k, 5% msgids changed", ours, "msgmerge (fuzzy)", theirs))
    if not args.skip_slow:
        pyb = tmp / "pybabel.po"
        shutil.copy(old, pyb)
        babel = run(["pybabel", "update", "-i", str(pot), "-o", str(pyb), "-l", "et"], repeat=1, timeout=600)
        rows.append(("merge 20k, 5% msgids changed", ours, "pybabel update", babel))

    help_time = run(locflow + ["--help"], repeat=max(r, 5), cwd=ROOT)
    rows.append(("locflow --help", help_time, "(target 0.25 s)", Timing(0.25, None)))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    print(f"{'operation':<32}{'locflow':>10}{'peer':>24}{'peer time':>12}{'ratio':>8}{'peak MiB':>10}")
    for op, mine, peer, other in rows:
        m = f"{mine.seconds:.2f}s" if mine.seconds is not None else "-"
        o = f"{other.seconds:.2f}s" if other.seconds is not None else "-"
        ratio = f"{mine.seconds / other.seconds:.2f}" if mine.seconds and other.seconds else "-"
        peak = f"{mine.peak_mib:.0f}" if mine.peak_mib else "-"
        notes = "; ".join(f"{who}: {t.note}" for who, t in (("locflow", mine), (peer, other)) if t.note)
        print(f"{op:<32}{m:>10}{peer:>24}{o:>12}{ratio:>8}{peak:>10}" + (f"  ({notes})" if notes else ""))
    print(f"merge quality: {total} changed msgids; matched to their own old entry: "
          f"locflow {quality[0]}, msgmerge {quality[1]}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
