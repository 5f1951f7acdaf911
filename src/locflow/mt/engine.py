"""The translation engine: what to translate, one request per unique text, saving as it goes.

Providers only turn text into text; deduplication, concurrency, the provider chain with its
circuit breaker, masking checks, plural forms and incremental atomic saves are all here, written
once (the markers themselves are written by states.py). The project lock is held only while a
save re-reads a catalog, applies the finished translations and writes it, so a reviewer can work
while a long run waits for its provider.
"""
from __future__ import annotations

import datetime as _dt
import queue
import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

from ..catalog import MAX_STRING_CHARS, read_po, write_if_changed
from ..splice import render_edited
from ..errors import EXIT_OK, EXIT_PROVIDER, EXIT_USAGE, LocflowError
from ..project import CatalogFile, Project
from ..states import MemoryFill, State, has_mt_problem, mark_machine, mark_memory, mt_problem_text, state_of
from ..plurals import catalog_rule
from .plurals import PluralJob, plural_jobs, restore_count
from .protect import Masked, mask, unmask

if TYPE_CHECKING:
    import polib

    from ..shards import Shard
    from ..tm.memory import Match as TmMatch
    from ..tm.memory import Memory
    from .providers import Provider, ProviderContext

BREAKER_THRESHOLD = 5  # consecutive failures that switch a provider off for the rest of the run
MAX_GROWTH = 20  # a reply this many times longer than what was sent is garbage (or an attack), not a translation
MIN_BOUND = 10  # ... measured against at least this many characters, so "OK" may become "Selge"


@dataclass(frozen=True)
class ProviderReport:
    name: str
    segments: int = 0
    characters: int = 0
    failures: int = 0
    errors: tuple[str, ...] = ()
    switched_off: bool = False
    terms: int = 0  # mandated-term occurrences in the segments this provider translated
    terms_satisfied: int = 0  # of those, rendered with an allowed form (term success = satisfied / terms)
    sent_back: int = 0  # segments sent back once with their findings (self-correction)
    corrected: int = 0  # of those, clean the second time


@dataclass(frozen=True)
class Estimate:
    language: str
    provider: str
    segments: int
    characters: int
    cost: float
    tokens_in: int = 0  # LLM providers: estimated prompt and reply tokens
    tokens_out: int = 0
    currency: str = ""


@dataclass(frozen=True)
class MemoryBand:
    """Entries the translation memory filled in one score band, and the source characters not sent."""

    band: str  # "100", "95-99", "85-94", "75-84", "50-74", "1-49"
    entries: int
    characters: int


@dataclass(frozen=True)
class TranslateResult:
    translated: int = 0  # entries filled by a provider
    memory_hits: int = 0
    broken: int = 0  # filled but kept fuzzy because a token or number did not survive
    problems: tuple[str, ...] = ()  # "path:line: what broke" for each of those
    errors: tuple[LocflowError, ...] = ()  # catalogs that could not be read, skipped
    failed: int = 0  # left untranslated because every provider failed
    left: int = 0  # left untranslated because the chain has no machine provider (memory only)
    requests: int = 0  # HTTP requests the servers saw, retries included
    retries: int = 0
    throttled: int = 0  # 429 replies
    segments: int = 0  # unique texts a provider translated
    segments_failed: int = 0  # unique texts every provider failed on
    characters: int = 0
    elapsed: float = 0.0
    written: tuple[str, ...] = ()
    providers: tuple[ProviderReport, ...] = ()
    estimates: tuple[Estimate, ...] = ()
    dry_run: bool = False
    memory_fuzzy: int = 0  # entries filled from a fuzzy memory match (state fuzzy, `# locflow: tm`)
    memory_bands: tuple[MemoryBand, ...] = ()

    @property
    def exit_code(self) -> int:
        if self.errors:
            return EXIT_USAGE
        return EXIT_PROVIDER if self.failed else EXIT_OK


@dataclass
class _Entry:
    """One catalog entry waiting for its translation jobs."""

    catalog: int
    entry: "polib.POEntry"
    jobs: list[tuple[PluralJob | None, Masked, tuple]]  # (plural job, masked text, request key)
    results: dict[int, tuple[str, str]] = field(default_factory=dict)  # job index -> (provider, text)
    failed: bool = False
    finished: bool = False  # handed to _fill (or given up): the save applies it
    problems: list[str] = field(default_factory=list)  # what the runner found wrong with a reply


@dataclass
class _Catalog:
    file: CatalogFile
    po: "polib.POFile"
    source: str
    dirty: bool = False
    context: object = None  # the checks' CatalogContext, built on first use
    fills: dict = field(default_factory=dict)  # (msgctxt, msgid) -> the _Fill applied, not yet saved


@dataclass
class TranslateOptions:
    languages: list[str] | None = None
    catalogs: list[str] | None = None
    provider: str | None = None
    dry_run: bool = False
    retranslate_machine: bool = False
    save_interval: float = 1.0  # finished work reaches disk within a second: repeated kills still make progress
    # (segments done, total, characters done, segments failed): done counts failures too
    progress: Callable[[int, int, int, int], None] | None = None
    environ: dict[str, str] | None = None
    today: str | None = None
    waiting: Callable[[str], None] | None = None  # told when another run holds the project lock
    shard: "Shard | None" = None  # only this shard's catalogs (--shard K/N)


def translate(project: Project, options: TranslateOptions | None = None) -> TranslateResult:
    return _translate(project, options or TranslateOptions())


def _translate(project: Project, opts: TranslateOptions) -> TranslateResult:
    started = time.monotonic()
    chain = [opts.provider] if opts.provider else list(project.config.translation.providers)
    from .providers import REGISTRY

    for name in chain:
        if name not in REGISTRY:
            raise LocflowError(f"unknown translation provider `{name}`",
                               hint="known providers: " + ", ".join(sorted(REGISTRY)))
    # The chain's pre-passes (the translation memory) fill before any request; the rest send, in order.
    prepasses = [name for name in chain if REGISTRY[name].prepass]
    machine_chain = [name for name in chain if not REGISTRY[name].prepass]
    today = opts.today or _dt.date.today().isoformat()

    files = project.catalog_files(opts.languages, opts.catalogs, opts.shard)
    catalogs: list[_Catalog] = []
    errors: list[LocflowError] = []
    for cat in files:
        try:
            po = read_po(cat.path, display=project.display(cat.path))
            src = project.source_language(cat, po.metadata)
        except LocflowError as exc:  # one unreadable catalog: skipped, the others are translated
            errors.append(exc)
            continue
        if src != cat.language:
            catalogs.append(_Catalog(cat, po, src))

    memory_name = prepasses[0] if prepasses else ""
    memory = _memory(project, memory_name, opts) if prepasses else None
    min_score = project.config.translation.memory.min_score
    dnt = project.dnt_terms()
    memory_hits = 0
    bands = _Bands()
    pending: list[_Entry] = []
    for index, cat in enumerate(catalogs):
        source_rule = None
        target_rule = catalog_rule(cat.po.metadata.get("Plural-Forms"), cat.file.language)
        for entry in cat.po:
            if entry.obsolete or not _wanted(entry, opts.retranslate_machine):
                continue
            key = (cat.file.language, entry.msgctxt, entry.msgid, entry.msgid_plural or None)
            nforms = target_rule.nplurals if entry.msgid_plural else 1
            forms = memory.exact.get(key) if memory is not None else None
            if forms is not None and len(forms) == nforms:
                if not opts.dry_run:
                    _fill(cat, entry, forms, memory_name, today)
                memory_hits += 1
                bands.add(100, entry, exact=True)
                continue
            match = _fuzzy_match(memory, entry, cat, nforms, min_score) if memory is not None else None
            if match is not None:
                if not opts.dry_run:
                    _fill(cat, entry, list(match.forms), memory_name, today,
                          memory=MemoryFill(match.score, match.unit.where))
                bands.add(match.score, entry)
                continue
            printf = "python-format" in entry.flags
            swap = invariant_terms(project, cat.source, cat.file.language)
            jobs = []
            if entry.msgid_plural:
                source_rule = source_rule or catalog_rule(None, cat.source)
                for job in plural_jobs(entry.msgid, entry.msgid_plural, source_rule, target_rule):
                    masked = mask(job.source, dnt, printf=printf, replacements=swap)
                    jobs.append((job, masked, (cat.source, cat.file.language, masked.text)))
            else:
                masked = mask(entry.msgid, dnt, printf=printf, replacements=swap)
                jobs.append((None, masked, (cat.source, cat.file.language, masked.text)))
            pending.append(_Entry(index, entry, jobs))

    unique: dict[tuple, list[tuple[_Entry, int]]] = {}
    for item in pending:
        for j, (_, masked, key) in enumerate(item.jobs):
            if masked.text.strip():
                unique.setdefault(key, []).append((item, j))
            else:  # only whitespace or tokens: nothing for a machine to do
                item.results[j] = ("copy", masked.text)

    left = 0
    if unique and not machine_chain:
        # A chain of pre-passes only (or `--provider memory`): reuse what the project has, request nothing.
        left = sum(1 for item in pending if len(item.results) < len(item.jobs))
        unique = {}
    segments = _segments(project, catalogs, unique)
    if opts.dry_run:
        return replace(_estimate(project, segments, machine_chain, memory_hits, started, opts, today),
                       errors=tuple(errors), memory_fuzzy=bands.fuzzy, memory_bands=bands.report(), left=left)

    written: list[str] = []
    reports: dict[str, dict] = {}
    runner = _Runner(project, machine_chain, opts) if unique else None
    done_segments = 0
    done_chars = 0
    failed_segments = 0
    last_save = time.monotonic()
    try:
        # Entries with nothing to request (memory hits, token-only strings) are final already.
        for item in pending:
            if len(item.results) == len(item.jobs):
                _finish(item, catalogs, today, project)
        if runner is not None:
            runner.start(segments)
            remaining = len(unique)
            while remaining:
                try:
                    result = runner.results.get(timeout=opts.save_interval)
                except queue.Empty:
                    result = None
                if result is not None:
                    remaining -= 1
                    failed_segments += _take(runner, unique, result, catalogs, today, project)
                    done_segments += 1
                    done_chars += len(result[0][2])
                    if opts.progress:
                        opts.progress(done_segments, len(unique), done_chars, failed_segments)
                if time.monotonic() - last_save >= opts.save_interval:
                    written += _save(project, catalogs, opts)
                    last_save = time.monotonic()
    finally:
        # Ctrl-C or a crash: everything finished so far reaches disk before we leave, including
        # replies that arrived after the interrupt and entries interrupted between two segments.
        if runner is not None:
            runner.stop()
            while True:
                try:
                    result = runner.results.get_nowait()
                except queue.Empty:
                    break
                failed_segments += _take(runner, unique, result, catalogs, today, project)
                done_segments += 1
            for item in pending:
                if not item.finished and len(item.results) == len(item.jobs):
                    _finish(item, catalogs, today, project)
            reports = runner.reports()
        written += _save(project, catalogs, opts)

    filled = [item for item in pending if not item.failed and (item.entry.msgstr or any(item.entry.msgstr_plural.values()))]
    broken = sum(1 for item in filled if _broken(item.entry))
    problems = tuple(f"{project.display(catalogs[item.catalog].file.path)}:{item.entry.linenum}: {item.entry.msgid!r}: "
                     + mt_problem_text(item.entry) for item in filled if _broken(item.entry))
    retries, throttled = runner.retries() if runner else (0, 0)
    return TranslateResult(
        translated=len(filled) - broken, memory_hits=memory_hits, broken=broken, problems=problems,
        failed=sum(1 for item in pending if item.failed), left=left, requests=runner.requests() if runner else 0,
        retries=retries, throttled=throttled, segments=done_segments - failed_segments,
        segments_failed=failed_segments, errors=tuple(errors),
        characters=sum(len(k[2]) for k in unique), elapsed=time.monotonic() - started,
        written=tuple(dict.fromkeys(written)), providers=tuple(ProviderReport(**r) for r in reports.values()),
        memory_fuzzy=bands.fuzzy, memory_bands=bands.report(),
    )


def _segments(project: Project, catalogs: list[_Catalog], unique: dict) -> dict:
    """Each unique request with its context, notes and glossary terms (from its first entry)."""
    from .segments import Neighbours, build_segment

    glossary = project.glossary()
    around = Neighbours()
    result = {}
    for number, (key, users) in enumerate(unique.items(), 1):
        item, j = users[0]
        cat = catalogs[item.catalog]
        spec = project.config.catalogs.get(cat.file.group)
        near = around.around(cat.po, item.entry) if spec is not None and project.kind(spec).neighbours else None
        result[key] = build_segment(number, key, item.jobs[j][1], item.entry, glossary, near)
    return result


def _wanted(entry: "polib.POEntry", retranslate_machine: bool) -> bool:
    state = state_of(entry)
    return state is State.UNTRANSLATED or (retranslate_machine and state is State.MACHINE)


def _memory(project: Project, name: str, opts: TranslateOptions) -> "Memory":
    from .providers import make_prepass

    return make_prepass(name, project.config, _context(project, opts, offline=opts.dry_run))


def _fuzzy_match(memory: "Memory", entry: "polib.POEntry", cat: _Catalog, nforms: int,
                 min_score: int) -> "TmMatch | None":
    """The best memory match at or above `min_score` with a form for every plural form of the target."""
    for match in memory.lookup(entry.msgid, cat.source, cat.file.language, source_plural=entry.msgid_plural or None,
                               msgctxt=entry.msgctxt, printf="python-format" in entry.flags, limit=3,
                               min_score=min_score):
        if len(match.forms) == nforms:
            return match
    return None


class _Bands:
    """Memory hits per score band, with the source characters they kept from being sent."""

    EDGES = ((100, "100"), (95, "95-99"), (85, "85-94"), (75, "75-84"), (50, "50-74"), (1, "1-49"))

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}
        self.fuzzy = 0

    def add(self, score: int, entry: "polib.POEntry", *, exact: bool = False) -> None:
        band = next(label for edge, label in self.EDGES if score >= edge)
        found = self.counts.setdefault(band, [0, 0])
        found[0] += 1
        found[1] += len(entry.msgid) + len(entry.msgid_plural or "")
        if not exact:
            self.fuzzy += 1

    def report(self) -> tuple[MemoryBand, ...]:
        return tuple(MemoryBand(label, *self.counts[label]) for _, label in self.EDGES if label in self.counts)


@dataclass(frozen=True)
class _Fill:
    """A result waiting for the next save: a provider's (or an exact memory match's) text, or a fuzzy
    memory match, which waits as fuzzy with its `tm` marker."""

    plural: str | None
    forms: tuple[str, ...]
    provider: str
    when: str
    problems: tuple[str, ...] = ()
    memory: MemoryFill | None = None

    def apply(self, entry: "polib.POEntry") -> None:
        if self.memory is not None:
            mark_memory(entry, list(self.forms), self.memory, self.when)
        else:
            mark_machine(entry, list(self.forms), self.provider, self.when, self.problems)


def _fill(cat: _Catalog, entry: "polib.POEntry", forms: list[str], provider: str, today: str,
          problems: list[str] = (), memory: MemoryFill | None = None) -> None:
    """Apply a result in memory and remember it for the next save, which applies it to a fresh read."""
    fill = _Fill(entry.msgid_plural or None, tuple(forms), provider, today, tuple(problems), memory)
    fill.apply(entry)
    cat.fills[(entry.msgctxt, entry.msgid)] = fill
    cat.dirty = True


def _broken(entry: "polib.POEntry") -> bool:
    return has_mt_problem(entry)


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


def _untrusted(source: str, value: str) -> list[str]:
    """Machine output is untrusted: markup, links or control characters the source does not have."""
    from ..textscan import added_links, added_markup, control_characters

    problems = [f"added markup: {p}" for p in added_markup(source, value)]
    problems += [f"added link {t!r}" for t in added_links(source, value)]
    if controls := [c for c in control_characters(value) if c not in control_characters(source)]:
        problems.append("control characters " + " ".join(controls))
    return problems


def _glossary_problems(project: Project, cat: _Catalog, entry: "polib.POEntry") -> list[str]:
    """Placeholders the provider added or broke (`%(secret)s` appended), mandated terms missed and forbidden
    wordings used by the machine translation."""
    from ..checks.format import placeholders
    from ..checks.base import catalog_context

    if cat.context is None:
        cat.context = catalog_context(project, cat.file, cat.po)
    problems = [f"placeholders: {p}" for p in placeholders(cat.context, entry)]
    if not project.glossary().concepts:
        return problems
    from ..checks.glossary import glossary_forbidden, glossary_mandated

    terms = [*glossary_mandated(cat.context, entry), *glossary_forbidden(cat.context, entry)]
    return problems + ["glossary: " + t for t in terms]


def _take(runner: "_Runner", unique: dict, result: tuple, catalogs: list[_Catalog], today: str,
          project: Project) -> int:
    """One segment's reply reaches every entry that waits for it; returns 1 if the segment failed."""
    key, provider, text, problem = result
    if provider is not None:
        runner.count_terms(provider, key, text)
    for item, j in unique[key]:
        if provider is None:
            item.failed = True
        else:
            item.results[j] = (provider, text)
            if problem:
                item.problems.append(problem)
        if item.failed or len(item.results) == len(item.jobs):
            _finish(item, catalogs, today, project)
    return provider is None


def _finish(item: _Entry, catalogs: list[_Catalog], today: str, project: Project) -> None:
    if item.finished:
        return
    item.finished = True
    if item.failed:
        return
    forms: list[str] = []
    problems: list[str] = list(dict.fromkeys(item.problems))
    providers: list[str] = []
    for j, (job, masked, _) in enumerate(item.jobs):
        provider, text = item.results[j]
        providers.append(provider)
        restored = unmask(text, masked)
        value = restored.text
        problems += list(restored.problems)
        problems += _untrusted(job.source if job is not None else item.entry.msgid, value)
        if job is not None:
            value, problem = restore_count(value, job)
            if problem:
                problems.append(problem)
        forms.append(value)
    name = next((p for p in providers if p != "copy"), "copy")
    cat = catalogs[item.catalog]
    _fill(cat, item.entry, forms, name, today, problems)
    if not problems and (found := _glossary_problems(project, cat, item.entry)):
        _fill(cat, item.entry, forms, name, today, found)


def _save(project: Project, catalogs: list[_Catalog], opts: TranslateOptions) -> list[str]:
    """Under the project lock: re-read each catalog with new results, apply them to the entries that
    still wait for them (a reviewer may have translated or approved one meanwhile), write."""
    written = []
    dirty = [cat for cat in catalogs if cat.dirty]
    if not dirty:
        return written
    with project.lock(opts.waiting):
        for cat in dirty:
            fresh = read_po(cat.file.path, display=project.display(cat.file.path))
            index = {(e.msgctxt, e.msgid): e for e in fresh if not e.obsolete}
            for key, fill in cat.fills.items():
                entry = index.get(key)
                if entry is None or (entry.msgid_plural or None) != fill.plural \
                        or not _wanted(entry, opts.retranslate_machine):
                    continue
                fill.apply(entry)
            if write_if_changed(cat.file.path, render_edited(fresh)):
                written.append(project.display(cat.file.path))
            cat.fills.clear()
            cat.dirty = False
    return written


def _estimate(project: Project, segments: dict, chain: list[str], memory_hits: int, started: float,
              opts: TranslateOptions, today: str) -> TranslateResult:
    """What a real run would send, after every check it makes before sending: each provider of the
    chain is built as the run builds it (keys, URLs), and a language pair no provider of the chain
    can translate is an error."""
    from .providers import make_provider

    ctx = _context(project, opts, offline=True)
    if not segments:  # nothing to send (everything from memory, or a chain with no machine provider)
        return TranslateResult(memory_hits=memory_hits, elapsed=time.monotonic() - started, dry_run=True)
    providers = [make_provider(name, project.config, ctx) for name in chain]
    pairs = sorted({(source, target) for (source, target, _) in segments})
    for source, target in pairs:
        problems = [(p.name, p.pair_problem(source, target)) for p in providers]
        if all(problem for _, problem in problems):
            raise LocflowError(f"no provider of the chain translates {source} -> {target}: "
                               + "; ".join(f"{name}: {problem}" for name, problem in problems),
                               hint="add a provider that has the language to translation.providers")
    first = providers[0]
    per_lang: dict[str, list] = {}
    for (source, target), batch in _batches(list(segments), first.batch):
        figures = per_lang.setdefault(target, [0, 0, 0.0, 0, 0])
        figures[0] += len(batch)
        cost = first.estimate([segments[key] for key in batch], source, target)
        figures[1] += cost.characters
        figures[2] += cost.cost
        figures[3] += cost.tokens_in
        figures[4] += cost.tokens_out
    estimates = tuple(Estimate(lang, first.name, n, chars, round(cost, 4), tokens_in=t_in, tokens_out=t_out,
                               currency=first.currency)
                      for lang, (n, chars, cost, t_in, t_out) in sorted(per_lang.items()))
    return TranslateResult(memory_hits=memory_hits, characters=sum(e.characters for e in estimates),
                           elapsed=time.monotonic() - started, estimates=estimates, dry_run=True)


def _batches(keys: list[tuple], size: int) -> list[tuple[tuple[str, str], list[tuple]]]:
    """Keys grouped by language pair (first-seen order), cut into batches of `size`."""
    pairs: dict[tuple[str, str], list[tuple]] = {}
    for key in keys:
        pairs.setdefault((key[0], key[1]), []).append(key)
    return [(pair, group[i:i + size]) for pair, group in pairs.items() for i in range(0, len(group), size)]


def _context(project: Project, opts: TranslateOptions, offline: bool) -> "ProviderContext":
    """What every provider of a run is built with (a dry run's are offline: no key is required)."""
    import os

    from .providers import ProviderContext

    cfg = project.config.translation
    return ProviderContext(cfg.timeout, cfg.retries, cfg.backoff, offline=offline, project=project,
                           environ=opts.environ if opts.environ is not None else dict(os.environ))


class _Runner:
    """Daemon worker threads: a stalled request can never keep the process alive after Ctrl-C."""

    def __init__(self, project: Project, chain: list[str], opts: TranslateOptions) -> None:
        from .providers import make_provider

        cfg = project.config.translation
        ctx = _context(project, opts, offline=False)
        self.providers: list[Provider] = [make_provider(name, project.config, ctx) for name in chain]
        self.concurrency = cfg.concurrency
        self.results: queue.Queue = queue.Queue()
        self._jobs: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._stats = {p.name: {"name": p.name, "segments": 0, "characters": 0, "failures": 0, "errors": [],
                                "switched_off": False} for p in self.providers}
        self._streak = {p.name: 0 for p in self.providers}
        self._terms = {p.name: [0, 0] for p in self.providers}
        self._segments: dict = {}

    def start(self, segments: dict) -> None:
        """Jobs are batches of one language pair, as large as the chain's largest provider batch."""
        self._segments = segments
        batches = _batches(list(segments), max(p.batch for p in self.providers))
        for job in batches:
            self._jobs.put(job)
        for _ in range(min(self.concurrency, len(batches))):
            threading.Thread(target=self._work, daemon=True).start()

    def count_terms(self, provider: str, key: tuple, text: str) -> None:
        """Term success: the segment's mandated-term occurrences and how many the reply satisfies."""
        from .terms import satisfied

        figures = self._terms[provider]
        for term in self._segments[key].terms:
            figures[0] += term.occurrences
            figures[1] += satisfied(term, text, key[1])

    def stop(self) -> None:
        self._stopped.set()

    def _work(self) -> None:
        from .providers import ProviderError

        while not self._stopped.is_set():
            try:
                (source, target), keys = self._jobs.get_nowait()
            except queue.Empty:
                return
            for provider in self.providers:
                if not keys or self._stopped.is_set():
                    break
                stats = self._stats[provider.name]
                left = []
                for i in range(0, len(keys), provider.batch):
                    part = keys[i:i + provider.batch]
                    if stats["switched_off"] or self._stopped.is_set():
                        left += part
                        continue
                    try:
                        texts = provider.translate_segments([self._segments[k] for k in part], source, target)
                        if len(texts) != len(part):
                            raise ValueError(f"{len(texts)} replies for {len(part)} segments")
                        for key, result in zip(part, texts):
                            sent = key[2]
                            if len(result) > min(MAX_GROWTH * max(len(sent), MIN_BOUND), MAX_STRING_CHARS):
                                raise ProviderError(f"a reply of {len(result)} characters for {len(sent)} sent "
                                                    f"(more than {MAX_GROWTH}x the source): not saved")
                    except Exception as exc:  # ProviderError, or a bug in one adapter: try the next provider
                        self._failed(provider, exc)
                        left += part
                        continue
                    with self._lock:
                        self._streak[provider.name] = 0
                        stats["segments"] += len(part)
                        stats["characters"] += sum(len(k[2]) for k in part)
                    for key, result in zip(part, texts):
                        problem = None
                        if provider.echoes_secret(result):
                            # A provider that echoes its key must not get it into a catalog (and on into git).
                            result = provider.scrub_secrets(result)
                            problem = f"the reply contained {provider.name}'s API key"
                        self.results.put((key, provider.name, result, problem))
                keys = left
            for key in keys:
                self.results.put((key, None, None, None))

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
            reports = {name: {**s, "errors": tuple(s["errors"])} for name, s in self._stats.items()}
        for provider in self.providers:
            sent_back, corrected = provider.corrections()
            terms, satisfied = self._terms[provider.name]
            reports[provider.name].update(terms=terms, terms_satisfied=satisfied, sent_back=sent_back,
                                          corrected=corrected)
        return reports

    def requests(self) -> int:
        return sum(p.requests_sent() for p in self.providers)

    def retries(self) -> tuple[int, int]:
        counts = [p.retries_sent() for p in self.providers]
        return sum(c[0] for c in counts), sum(c[1] for c in counts)
