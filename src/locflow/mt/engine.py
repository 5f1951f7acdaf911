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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

from ..catalog import read_po, write_if_changed
from ..splice import render_edited
from ..errors import EXIT_OK, EXIT_PROVIDER, LocflowError
from ..project import CatalogFile, Project
from ..states import MARKER, MARKER_KINDS, State, state_of, strip_markers
from .plurals import PluralJob, parse_plural_forms, plural_jobs, restore_count
from .protect import Masked, mask, unmask

if TYPE_CHECKING:
    import polib

    from ..tm.memory import Match as TmMatch
    from ..tm.memory import Memory
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
    failed: int = 0  # left untranslated because every provider failed
    left: int = 0  # left untranslated because the chain has no machine provider (memory only)
    requests: int = 0
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

    files = project.catalog_files(opts.languages, opts.catalogs)
    catalogs: list[_Catalog] = []
    for cat in files:
        po = read_po(cat.path, display=project.display(cat.path))
        src = project.source_language(cat, po.metadata)
        if src != cat.language:
            catalogs.append(_Catalog(cat, po, src))

    memory = _memory(project) if "memory" in chain else None
    min_score = project.config.translation.memory.min_score
    dnt = project.dnt_terms()
    memory_hits = 0
    bands = _Bands()
    pending: list[_Entry] = []
    for index, cat in enumerate(catalogs):
        source_rule = None
        target_rule = parse_plural_forms(cat.po.metadata.get("Plural-Forms"), cat.file.language)
        for entry in cat.po:
            if entry.obsolete or not _wanted(entry, opts.retranslate_machine):
                continue
            key = (cat.file.language, entry.msgctxt, entry.msgid, entry.msgid_plural or None)
            nforms = target_rule.nplurals if entry.msgid_plural else 1
            forms = memory.exact.get(key) if memory is not None else None
            if forms is not None and len(forms) == nforms:
                if not opts.dry_run:
                    _fill(entry, forms, "memory", today)
                    cat.dirty = True
                memory_hits += 1
                bands.add(100, entry, exact=True)
                continue
            match = _fuzzy_match(memory, entry, cat, nforms, min_score) if memory is not None else None
            if match is not None:
                if not opts.dry_run:
                    fill_from_memory(entry, match)
                    cat.dirty = True
                bands.add(match.score, entry)
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

    segments = _segments(project, catalogs, unique)
    if opts.dry_run:
        result = _estimate(project, segments, machine_chain, memory_hits, started, opts, today)
        return replace(result, memory_fuzzy=bands.fuzzy, memory_bands=bands.report())

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
            runner.start(segments)
            remaining = len(unique)
            while remaining:
                try:
                    key, provider, text = runner.results.get(timeout=opts.save_interval)
                except queue.Empty:
                    key = None
                if key is not None:
                    remaining -= 1
                    if provider is not None:
                        runner.count_terms(provider, key, text)
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
        near = around.around(cat.po, item.entry) if spec is not None and spec.kind == "articles" else None
        result[key] = build_segment(number, key, item.jobs[j][1], item.entry, glossary, near)
    return result


def _wanted(entry: "polib.POEntry", retranslate_machine: bool) -> bool:
    state = state_of(entry)
    return state is State.UNTRANSLATED or (retranslate_machine and state is State.MACHINE)


def _memory(project: Project) -> "Memory":
    from ..tm.memory import project_memory

    return project_memory(project)


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


def fill_from_memory(entry: "polib.POEntry", match: "TmMatch") -> None:
    """A fuzzy memory match waits for a reviewer: `#, fuzzy` + `# locflow: tm <score> <where>`."""
    if entry.msgid_plural:
        entry.msgstr_plural = {i: s for i, s in enumerate(match.forms)}
    else:
        entry.msgstr = match.forms[0]
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    comments = [c for c in strip_markers(entry.tcomment, MARKER_KINDS).split("\n") if c]
    comments.append(f"{MARKER} tm {match.score} {match.unit.where}")
    entry.tcomment = "\n".join(comments)


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


def _estimate(project: Project, segments: dict, chain: list[str], memory_hits: int, started: float,
              opts: TranslateOptions, today: str) -> TranslateResult:
    from .providers import REGISTRY, ProviderContext, make_provider

    first = chain[0] if chain else "memory"
    provider = None
    if chain and first in REGISTRY:
        ctx = ProviderContext(project.config.translation.timeout, project.config.translation.retries,
                              environ=opts.environ if opts.environ is not None else _environ(), offline=True,
                              project=project)
        provider = make_provider(first, project.config, ctx)
    per_lang: dict[str, list] = {}
    for (source, target), batch in _batches(list(segments), provider.batch if provider else 1):
        figures = per_lang.setdefault(target, [0, 0, 0.0, 0, 0])
        figures[0] += len(batch)
        if provider is None:
            figures[1] += sum(len(key[2]) for key in batch)
            continue
        cost = provider.estimate([segments[key] for key in batch], source, target)
        figures[1] += cost.characters
        figures[2] += cost.cost
        figures[3] += cost.tokens_in
        figures[4] += cost.tokens_out
    estimates = tuple(Estimate(lang, first, n, chars, round(cost, 4), t_in, t_out)
                      for lang, (n, chars, cost, t_in, t_out) in sorted(per_lang.items()))
    return TranslateResult(memory_hits=memory_hits, characters=sum(e.characters for e in estimates),
                           elapsed=time.monotonic() - started, estimates=estimates, dry_run=True)


def _batches(keys: list[tuple], size: int) -> list[tuple[tuple[str, str], list[tuple]]]:
    """Keys grouped by language pair (first-seen order), cut into batches of `size`."""
    pairs: dict[tuple[str, str], list[tuple]] = {}
    for key in keys:
        pairs.setdefault((key[0], key[1]), []).append(key)
    return [(pair, group[i:i + size]) for pair, group in pairs.items() for i in range(0, len(group), size)]


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


class _Runner:
    """Daemon worker threads: a stalled request can never keep the process alive after Ctrl-C."""

    def __init__(self, project: Project, chain: list[str], opts: TranslateOptions) -> None:
        from .providers import ProviderContext, make_provider

        cfg = project.config.translation
        ctx = ProviderContext(cfg.timeout, cfg.retries, cfg.backoff,
                              environ=opts.environ if opts.environ is not None else _environ(), project=project)
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
                    except Exception as exc:  # ProviderError, or a bug in one adapter: try the next provider
                        self._failed(provider, exc)
                        left += part
                        continue
                    with self._lock:
                        self._streak[provider.name] = 0
                        stats["segments"] += len(part)
                        stats["characters"] += sum(len(k[2]) for k in part)
                    for key, text in zip(part, texts):
                        self.results.put((key, provider.name, text))
                keys = left
            for key in keys:
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
            reports = {name: {**s, "errors": tuple(s["errors"])} for name, s in self._stats.items()}
        for provider in self.providers:
            sent_back, corrected = provider.corrections()
            terms, satisfied = self._terms[provider.name]
            reports[provider.name].update(terms=terms, terms_satisfied=satisfied, sent_back=sent_back,
                                          corrected=corrected)
        return reports

    def requests(self) -> int:
        return sum(p.requests_sent() for p in self.providers)
