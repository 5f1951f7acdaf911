"""The translation engine: what to translate, one request per unique text, saving as it goes.

Providers only turn text into text; deduplication, concurrency, the provider chain with its
circuit breaker, masking checks, plural forms, review markers and incremental atomic saves
are all here, written once.
"""
from __future__ import annotations

import datetime as _dt
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ..catalog import read_po, write_if_changed
from ..splice import render_edited
from ..errors import EXIT_OK, EXIT_PROVIDER, LocflowError
from ..project import CatalogFile, Project
from ..states import MARKER, State, state_of, strip_markers
from .plurals import PluralJob, parse_plural_forms, plural_jobs, restore_count
from .protect import Masked, mask, unmask

if TYPE_CHECKING:
    import polib

    from ..shards import Shard
    from .providers import Provider

BREAKER_THRESHOLD = 5  # consecutive failures that switch a provider off for the rest of the run


@dataclass(frozen=True)
class ProviderReport:
    name: str
    segments: int = 0
    characters: int = 0
    failures: int = 0
    errors: tuple[str, ...] = ()
    switched_off: bool = False


@dataclass(frozen=True)
class Estimate:
    language: str
    provider: str
    segments: int
    characters: int
    cost: float


@dataclass(frozen=True)
class TranslateResult:
    translated: int = 0  # entries filled by a provider
    memory_hits: int = 0
    broken: int = 0  # filled but kept fuzzy because a token or number did not survive
    failed: int = 0  # left untranslated because every provider failed
    left: int = 0  # left untranslated because the chain has no machine provider (memory only)
    requests: int = 0
    characters: int = 0
    elapsed: float = 0.0
    written: tuple[str, ...] = ()
    providers: tuple[ProviderReport, ...] = ()
    estimates: tuple[Estimate, ...] = ()
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        return EXIT_PROVIDER if self.failed else EXIT_OK


@dataclass
class _Entry:
    """One catalog entry waiting for its translation jobs."""

    catalog: int
    entry: "polib.POEntry"
    jobs: list[tuple[PluralJob | None, Masked, tuple]]  # (plural job, masked text, request key)
    results: dict[int, tuple[str, str]] = field(default_factory=dict)  # job index -> (provider, text)
    failed: bool = False


@dataclass
class _Catalog:
    file: CatalogFile
    po: "polib.POFile"
    source: str
    dirty: bool = False
    context: object = None  # the checks' CatalogContext, built on first use


@dataclass
class TranslateOptions:
    languages: list[str] | None = None
    catalogs: list[str] | None = None
    provider: str | None = None
    dry_run: bool = False
    retranslate_machine: bool = False
    save_interval: float = 3.0
    progress: Callable[[int, int, int], None] | None = None  # (segments done, total, characters done)
    environ: dict[str, str] | None = None
    today: str | None = None
    waiting: Callable[[str], None] | None = None  # told when another run holds the project lock
    shard: "Shard | None" = None  # only this shard's catalogs (--shard K/N)


def translate(project: Project, options: TranslateOptions | None = None) -> TranslateResult:
    opts = options or TranslateOptions()
    if opts.dry_run:
        return _translate(project, opts)
    with project.lock(opts.waiting):
        return _translate(project, opts)


def _translate(project: Project, opts: TranslateOptions) -> TranslateResult:
    started = time.monotonic()
    chain = [opts.provider] if opts.provider else list(project.config.translation.providers)
    from .providers import REGISTRY

    for name in chain:
        if name != "memory" and name not in REGISTRY:
            raise LocflowError(f"unknown translation provider `{name}`",
                               hint="known providers: " + ", ".join(sorted([*REGISTRY, "memory"])))
    today = opts.today or _dt.date.today().isoformat()

    files = project.catalog_files(opts.languages, opts.catalogs, opts.shard)
    catalogs: list[_Catalog] = []
    for cat in files:
        po = read_po(cat.path, display=project.display(cat.path))
        src = project.source_language(cat, po.metadata)
        if src != cat.language:
            catalogs.append(_Catalog(cat, po, src))

    memory = _memory(project) if "memory" in chain else {}
    dnt = project.dnt_terms()
    memory_hits = 0
    pending: list[_Entry] = []
    for index, cat in enumerate(catalogs):
        source_rule = None
        target_rule = parse_plural_forms(cat.po.metadata.get("Plural-Forms"), cat.file.language)
        for entry in cat.po:
            if entry.obsolete or not _wanted(entry, opts.retranslate_machine):
                continue
            key = (cat.file.language, entry.msgctxt, entry.msgid, entry.msgid_plural or None)
            forms = memory.get(key)
            if forms is not None and len(forms) == (target_rule.nplurals if entry.msgid_plural else 1):
                if not opts.dry_run:
                    _fill(entry, forms, "memory", today)
                    cat.dirty = True
                memory_hits += 1
                continue
            printf = "python-format" in entry.flags
            swap = invariant_terms(project, cat.source, cat.file.language)
            jobs = []
            if entry.msgid_plural:
                source_rule = source_rule or parse_plural_forms(None, cat.source)
                for job in plural_jobs(entry.msgid, entry.msgid_plural, source_rule, target_rule):
                    masked = mask(job.source, dnt, printf=printf, replacements=swap)
                    jobs.append((job, masked, (cat.source, cat.file.language, masked.text)))
            else:
                masked = mask(entry.msgid, dnt, printf=printf, replacements=swap)
                jobs.append((None, masked, (cat.source, cat.file.language, masked.text)))
            pending.append(_Entry(index, entry, jobs))

    machine_chain = [name for name in chain if name != "memory"]
    unique: dict[tuple, list[tuple[_Entry, int]]] = {}
    for item in pending:
        for j, (_, masked, key) in enumerate(item.jobs):
            if masked.text.strip():
                unique.setdefault(key, []).append((item, j))
            else:  # only whitespace or tokens: nothing for a machine to do
                item.results[j] = ("copy", masked.text)

    if opts.dry_run:
        return _estimate(project, unique, machine_chain, memory_hits, started, opts, today)

    left = 0
    if unique and not machine_chain:
        # A memory-only chain (or `--provider memory`): reuse what the project has, request nothing.
        left = sum(1 for item in pending if len(item.results) < len(item.jobs))
        unique = {}
    written: list[str] = []
    reports: dict[str, dict] = {}
    runner = _Runner(project, machine_chain, opts) if unique else None
    done_segments = 0
    done_chars = 0
    last_save = time.monotonic()
    try:
        # Entries with nothing to request (memory hits, token-only strings) are final already.
        for item in pending:
            if len(item.results) == len(item.jobs):
                _finish(item, catalogs, today, project)
        if runner is not None:
            runner.start(list(unique))
            remaining = len(unique)
            while remaining:
                try:
                    key, provider, text = runner.results.get(timeout=opts.save_interval)
                except queue.Empty:
                    key = None
                if key is not None:
                    remaining -= 1
                    done_segments += 1
                    done_chars += len(key[2])
                    for item, j in unique[key]:
                        if provider is None:
                            item.failed = True
                        else:
                            item.results[j] = (provider, text)
                        if item.failed or len(item.results) == len(item.jobs):
                            _finish(item, catalogs, today, project)
                    if opts.progress:
                        opts.progress(done_segments, len(unique), done_chars)
                if time.monotonic() - last_save >= opts.save_interval:
                    written += _save(project, catalogs)
                    last_save = time.monotonic()
    finally:
        # Ctrl-C or a crash: everything finished so far reaches disk before we leave.
        if runner is not None:
            runner.stop()
            reports = runner.reports()
        written += _save(project, catalogs)

    filled = [item for item in pending if not item.failed and (item.entry.msgstr or any(item.entry.msgstr_plural.values()))]
    broken = sum(1 for item in filled if _broken(item.entry))
    return TranslateResult(
        translated=len(filled) - broken, memory_hits=memory_hits, broken=broken,
        failed=sum(1 for item in pending if item.failed), left=left, requests=runner.requests() if runner else 0,
        characters=sum(len(k[2]) for k in unique), elapsed=time.monotonic() - started,
        written=tuple(dict.fromkeys(written)), providers=tuple(ProviderReport(**r) for r in reports.values()),
    )


def _wanted(entry: "polib.POEntry", retranslate_machine: bool) -> bool:
    state = state_of(entry)
    return state is State.UNTRANSLATED or (retranslate_machine and state is State.MACHINE)


def _memory(project: Project) -> dict:
    from .memory import build_memory

    return build_memory([(c.language, c.path) for c in project.catalog_files()])


def _fill(entry: "polib.POEntry", forms: list[str], provider: str, today: str, problems: list[str] = ()) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = {i: s for i, s in enumerate(forms)}
    else:
        entry.msgstr = forms[0]
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    comments = [c for c in strip_markers(entry.tcomment, ("machine", "approved", "mt-problem")).split("\n") if c]
    if problems:
        # Not a machine marker: the entry is plain fuzzy, so nobody mistakes it for a clean MT result.
        comments.append(f"{MARKER} mt-problem {provider} {today}: " + "; ".join(problems))
    else:
        comments.append(f"{MARKER} machine {provider} {today}")
    entry.tcomment = "\n".join(comments)


def _broken(entry: "polib.POEntry") -> bool:
    return f"{MARKER} mt-problem " in (entry.tcomment or "")


def invariant_terms(project: Project, source: str, target: str) -> dict[str, str]:
    """Source term -> mandated translation, where the translation never inflects (acronyms: NATO -> НАТО).

    Those can be masked and put in directly; inflecting terms are left to MT and verified after.
    """
    result = {}
    for concept in project.glossary().concepts:
        preferred = concept.preferred(target)
        if concept.kind != "term" or not preferred or not preferred.isupper() or not concept.case_sensitive:
            continue
        for form in concept.terms.get(source, ()):
            if form.isupper() and not form.endswith("*"):
                result[form] = preferred
    return result


def _added_markup(masked: Masked, value: str) -> list[str]:
    """Tags or URLs the provider invented: machine output is untrusted (a `<script>` must not slip in)."""
    from ..checks.markup import HTML_TAG, URL

    allowed = set(masked.tokens)
    added = [m.group() for m in HTML_TAG.finditer(value) if m.group() not in allowed]
    added += [u for u in URL.findall(value) if u not in allowed]
    return [f"added {a!r}" for a in dict.fromkeys(added)]


def _glossary_problems(project: Project, cat: _Catalog, entry: "polib.POEntry") -> list[str]:
    """Mandated terms missed and forbidden wordings used by the machine translation."""
    if not project.glossary().concepts:
        return []
    from ..checks.glossary import glossary_forbidden, glossary_mandated
    from ..checks.runner import context

    if cat.context is None:
        cat.context = context(project, cat.file, cat.po)
    return [*glossary_mandated(cat.context, entry), *glossary_forbidden(cat.context, entry)]


def _finish(item: _Entry, catalogs: list[_Catalog], today: str, project: Project) -> None:
    if item.failed:
        return
    forms: list[str] = []
    problems: list[str] = []
    providers: list[str] = []
    for j, (job, masked, _) in enumerate(item.jobs):
        provider, text = item.results[j]
        providers.append(provider)
        restored = unmask(text, masked)
        value = restored.text
        problems += list(restored.problems)
        problems += _added_markup(masked, value)
        if job is not None:
            value, problem = restore_count(value, job)
            if problem:
                problems.append(problem)
        forms.append(value)
    name = next((p for p in providers if p != "copy"), "copy")
    _fill(item.entry, forms, name, today, problems)
    if not problems and (terms := _glossary_problems(project, catalogs[item.catalog], item.entry)):
        _fill(item.entry, forms, name, today, ["glossary: " + t for t in terms])
    catalogs[item.catalog].dirty = True


def _save(project: Project, catalogs: list[_Catalog]) -> list[str]:
    written = []
    for cat in catalogs:
        if cat.dirty:
            if write_if_changed(cat.file.path, render_edited(cat.po)):
                written.append(project.display(cat.file.path))
            cat.dirty = False
    return written


def _estimate(project: Project, unique: dict, chain: list[str], memory_hits: int, started: float,
              opts: TranslateOptions, today: str) -> TranslateResult:
    from .providers import REGISTRY, ProviderContext, make_provider

    first = chain[0] if chain else "memory"
    price = 0.0
    if chain and first in REGISTRY:
        try:
            ctx = ProviderContext(project.config.translation.timeout, project.config.translation.retries,
                                  environ=opts.environ if opts.environ is not None else _environ())
            price = make_provider(first, project.config, ctx).price_per_million
        except LocflowError:
            price = float(project.config.translation.options.get(first, {}).get("price_per_million", 0))
    per_lang: dict[str, list[int]] = {}
    for (_, target, text) in unique:
        per_lang.setdefault(target, [0, 0])
        per_lang[target][0] += 1
        per_lang[target][1] += len(text)
    estimates = tuple(Estimate(lang, first, n, chars, round(chars * price / 1_000_000, 4))
                      for lang, (n, chars) in sorted(per_lang.items()))
    return TranslateResult(memory_hits=memory_hits, characters=sum(e.characters for e in estimates),
                           elapsed=time.monotonic() - started, estimates=estimates, dry_run=True)


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


class _Runner:
    """Daemon worker threads: a stalled request can never keep the process alive after Ctrl-C."""

    def __init__(self, project: Project, chain: list[str], opts: TranslateOptions) -> None:
        from .providers import ProviderContext, make_provider

        cfg = project.config.translation
        ctx = ProviderContext(cfg.timeout, cfg.retries, cfg.backoff,
                              environ=opts.environ if opts.environ is not None else _environ())
        self.providers: list[Provider] = [make_provider(name, project.config, ctx) for name in chain]
        self.concurrency = cfg.concurrency
        self.results: queue.Queue = queue.Queue()
        self._jobs: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._stats = {p.name: {"name": p.name, "segments": 0, "characters": 0, "failures": 0, "errors": [],
                                "switched_off": False} for p in self.providers}
        self._streak = {p.name: 0 for p in self.providers}

    def start(self, keys: list[tuple]) -> None:
        for key in keys:
            self._jobs.put(key)
        for _ in range(min(self.concurrency, len(keys))):
            threading.Thread(target=self._work, daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()

    def _work(self) -> None:
        while not self._stopped.is_set():
            try:
                key = self._jobs.get_nowait()
            except queue.Empty:
                return
            source, target, text = key
            for provider in self.providers:
                stats = self._stats[provider.name]
                if stats["switched_off"]:
                    continue
                try:
                    result = provider.translate(text, source, target)
                except Exception as exc:  # ProviderError, or a bug in one adapter: try the next provider
                    self._failed(provider, exc)
                    continue
                with self._lock:
                    self._streak[provider.name] = 0
                    stats["segments"] += 1
                    stats["characters"] += len(text)
                self.results.put((key, provider.name, result))
                break
            else:
                self.results.put((key, None, None))

    def _failed(self, provider: "Provider", exc: Exception) -> None:
        with self._lock:
            stats = self._stats[provider.name]
            stats["failures"] += 1
            message = provider.scrub(str(exc) or type(exc).__name__)
            if message not in stats["errors"] and len(stats["errors"]) < 5:
                stats["errors"].append(message)
            self._streak[provider.name] += 1
            if self._streak[provider.name] >= BREAKER_THRESHOLD:
                stats["switched_off"] = True

    def reports(self) -> dict[str, dict]:
        with self._lock:
            return {name: {**s, "errors": tuple(s["errors"])} for name, s in self._stats.items()}

    def requests(self) -> int:
        return sum(p.requests_sent() for p in self.providers)
