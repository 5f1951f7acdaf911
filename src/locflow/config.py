"""workflow.yaml -> a typed, validated Config; every error names file:line:col."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import LocflowError, decode_position

CONFIG_NAME = "workflow.yaml"
PUBLISH_STATES = ("machine", "reviewed", "approved")
MAX_CONFIG_BYTES = 1_000_000

TOP_KEYS = ("site", "source_language", "languages", "locales_dir", "glossary", "catalogs", "translation", "checks",
            "lock_timeout")
CHECK_SEVERITIES = ("error", "warning", "info", "off")
CATALOG_KEYS = ("kind", "sources", "publish", "extract")
# translation's own keys; any other key is a provider's section, kept as read and checked against
# the provider registry (mt/providers.check_translation) when a command loads the project
TRANSLATION_KEYS = ("providers", "concurrency", "timeout", "retries", "backoff", "memory")
SECRET_KEYS = ("api_key", "key", "secret")
MEMORY_KEYS = ("min_score", "tmx")


@dataclass(frozen=True)
class CatalogConfig:
    name: str
    kind: str
    sources: tuple[str, ...]
    publish: str
    source_positions: tuple[tuple[int, int], ...] = field(default=(), compare=False)  # (line, col) per pattern
    extract: tuple[tuple[str, str], ...] = ()  # (file pattern, babel method), first match wins; labels only
    # (line, col) of `kind`, `extract` and each `extract:<pattern>`: sources/kinds.py validates them
    positions: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class TranslationConfig:
    providers: tuple[str, ...] = ("memory", "google")
    concurrency: int = 8
    timeout: float = 20.0
    retries: int = 4
    backoff: float = 0.5  # seconds; doubled on every retry, plus jitter
    # every other key of `translation`: a provider's section as read (names, shapes and options are
    # checked against the provider registry by mt/providers.py `check_translation` on load)
    options: dict[str, Any] = field(default_factory=dict)
    # "section" and "section.key" (their values), "section:" and "section.key:" (the keys) -> (line, col),
    # so the registry's errors point at the file
    positions: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)
    provider_positions: tuple[tuple[int, int] | None, ...] = field(default=(), compare=False)  # per `providers` item
    memory: "MemoryConfig" = field(default_factory=lambda: MemoryConfig())


@dataclass(frozen=True)
class MemoryConfig:
    """translation.memory: the fuzzy-match threshold and TMX files read beside the catalogs."""

    min_score: int = 75
    tmx: tuple[str, ...] = ()  # paths or globs inside the project


@dataclass(frozen=True)
class Config:
    path: Path
    site: str
    source_language: str
    languages: tuple[str, ...]
    locales_dir: str
    glossary: str | None
    catalogs: dict[str, CatalogConfig]
    translation: TranslationConfig
    checks: dict[str, str] = field(default_factory=dict)  # check id -> severity or "off"
    check_positions: dict[str, tuple[int, int] | None] = field(default_factory=dict, compare=False)
    lock_timeout: float = 60.0  # seconds a second writing run waits for the project lock

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def locales_path(self) -> Path:
        return self.root / self.locales_dir


def language_problem(code: str) -> str | None:
    """Why `code` is no usable language code, or None (babel's locale data decides)."""
    from babel import Locale, UnknownLocaleError

    if code.lower() in ("und", "root", "mul", "zxx"):
        return f"`{code}` is not a language"
    if "-" in code:
        return f"unknown language code `{code}`: gettext writes `{code.replace('-', '_')}`"
    try:
        parsed = Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return f"unknown language code `{code}`"
    if parsed.language != code.split("_")[0].lower():
        return f"`{code}` is an old code for `{parsed.language}`: write `{parsed.language}`"
    return None


def find_config(start: Path | None = None) -> Path:
    """Walk up from `start` like git looks for `.git`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise LocflowError(
        f"no {CONFIG_NAME} in {here} or any parent folder",
        hint="run `locflow init` to create one, or pass --config PATH",
    )


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate workflow.yaml (found from the cwd when `path` is None)."""
    cfg_path = Path(path) if path is not None else find_config()
    if not cfg_path.is_file():
        raise LocflowError("config file not found", path=cfg_path, hint="check --config")
    raw = _read_text(cfg_path)
    data = _parse_yaml(raw, cfg_path)
    return _Validator(cfg_path).config(data)


def _read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise LocflowError(f"config file is {size} bytes, more than {MAX_CONFIG_BYTES}", path=path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LocflowError("not UTF-8 text", path=path, **decode_position(exc)) from None


def _parse_yaml(text: str, path: Path) -> Any:
    from .yamlio import load_yaml

    return load_yaml(text, str(path))


class _Validator:
    """Checks the loaded mapping, pointing at the offending key or value."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._check_positions: dict[str, tuple[int, int] | None] = {}

    def error(self, message: str, node: Any = None, key: Any = None, *, value: bool = False,
              index: int | None = None, hint: str | None = None) -> LocflowError:
        line, col = self.position(node, key, value=value, index=index) or (None, None)
        return LocflowError(message, path=self.path, line=line, col=col, hint=hint)

    @staticmethod
    def position(node: Any, key: Any = None, *, value: bool = False,
                 index: int | None = None) -> tuple[int, int] | None:
        """1-based (line, col) of a list item, a key (or its value) or the node itself; None for a
        mapping built in code, which has no positions."""
        lc = getattr(node, "lc", None)
        if lc is None:
            return None
        try:
            if index is not None:
                line, col = lc.item(index)
            elif key is not None:
                line, col = lc.value(key) if value else lc.key(key)
            else:
                line, col = lc.line, lc.col
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
        return line + 1, col + 1

    def mapping(self, node: Any, what: str, allowed: tuple[str, ...], parent: Any = None,
                parent_key: Any = None) -> dict:
        if not isinstance(node, dict):
            raise self.error(f"{what} must be a mapping", parent, parent_key, value=True)
        for key in node:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean `{close[0]}`?" if close else "valid keys: " + ", ".join(allowed)
                raise self.error(f"unknown key `{key}` in {what}", node, key, hint=hint)
        return node

    def string(self, node: dict, key: str, default: str | None = None) -> str | None:
        if key not in node:
            return default
        value = node[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"`{key}` must be a non-empty string", node, key, value=True)
        return value

    def number(self, node: dict, key: str, default: float, *, minimum: float, maximum: float,
               integer: bool) -> Any:
        """A number within its range: `timeout: 1e999` or `concurrency: 100000000` would hang or sink the run."""
        if key not in node:
            return default
        value = node[key]
        ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type or value != value or not minimum <= value <= maximum:
            kind = "an integer" if integer else "a number"
            raise self.error(f"`{key}` must be {kind} from {minimum:g} to {maximum:g}", node, key, value=True)
        return value

    def patterns(self, node: dict, key: str, must_be: str, item: str, hint: str | None = None) -> list[str]:
        """A string or list of paths/globs under `key`, none of them leaving the project."""
        found = node.get(key, [])
        if isinstance(found, str):
            found = [found]
        if not isinstance(found, list) or not all(isinstance(f, str) and f for f in found):
            raise self.error(f"`{key}` must be {must_be}", node, key, value=True)
        for i, pattern in enumerate(found):
            if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
                raise self.error(f"{item} `{pattern}` leaves the project", node[key], index=i, hint=hint)
        return found

    def language(self, code: Any, node: Any, *, key: Any = None, index: int | None = None) -> str:
        from babel import Locale

        where = dict(key=key, value=True) if index is None else dict(index=index)
        if not isinstance(code, str):
            raise self.error(f"language code must be a string, got {code!r}", node, **where)
        problem = language_problem(code)
        if problem:
            raise self.error(problem, node, hint="use an ISO 639 code such as `et` or `pt_BR`", **where)
        return str(Locale.parse(code))

    def config(self, data: Any) -> Config:
        if data is None:
            raise LocflowError("config file is empty", path=self.path, hint="run `locflow init`")
        top = self.mapping(data, "workflow.yaml", TOP_KEYS)
        for required in ("site", "source_language", "languages"):
            if required not in top:
                raise self.error(f"missing required key `{required}`", top)
        site = self.string(top, "site")
        self.language(top["source_language"], top, key="source_language")
        source = top["source_language"]
        languages = self._languages(top)
        if source not in languages:
            raise self.error(f"source_language `{source}` is not in `languages`", top, "source_language",
                             value=True)
        catalogs = self._catalogs(top)
        translation = self._translation(top)
        return Config(
            path=self.path.resolve(),
            site=site or "",
            source_language=source,
            languages=languages,
            locales_dir=self._locales_dir(top),
            glossary=self._inside_path(top, "glossary"),
            catalogs=catalogs,
            translation=translation,
            checks=self._checks(top),
            check_positions=self._check_positions,
            lock_timeout=float(self.number(top, "lock_timeout", 60.0, minimum=0, maximum=86400, integer=False)),
        )

    def _checks(self, top: dict) -> dict[str, str]:
        """Severities by check id. The ids are checked where severities are read (checks.suite), which
        knows the registry; the position of each is kept for that error."""
        node = top.get("checks")
        if node is None:
            return {}
        if not isinstance(node, dict):
            raise self.error("`checks` must be a mapping of check ids to severities", top, "checks", value=True)
        result = {}
        for cid, severity in node.items():
            if severity is False:
                severity = "off"  # YAML reads a bare `off` as false
            if not isinstance(cid, str) or severity not in CHECK_SEVERITIES:
                raise self.error(f"severity of `{cid}` must be one of: " + ", ".join(CHECK_SEVERITIES), node, cid,
                                 value=True)
            result[cid] = str(severity)
            self._check_positions[cid] = self.position(node, cid)
        return result

    def _inside_path(self, top: dict, key: str) -> str | None:
        value = self.string(top, key)
        if value is not None and (Path(value).is_absolute() or ".." in Path(value).parts):
            raise self.error(f"`{key}` path `{value}` leaves the project", top, key, value=True,
                             hint="use a path inside the project")
        return value

    def _locales_dir(self, top: dict) -> str:
        value = self.string(top, "locales_dir", "locales") or "locales"
        if Path(value).is_absolute() or ".." in Path(value).parts:
            raise self.error(f"locales_dir `{value}` leaves the project", top, "locales_dir", value=True,
                             hint="use a folder inside the project, e.g. `locales`")
        return value

    def _languages(self, top: dict) -> tuple[str, ...]:
        seq = top["languages"]
        if not isinstance(seq, list) or not seq:
            raise self.error("`languages` must be a non-empty list", top, "languages", value=True)
        seen: list[str] = []
        normal: dict[str, str] = {}
        for i, code in enumerate(seq):
            canonical = self.language(code, seq, index=i)
            if canonical.lower() in normal:
                raise self.error(f"duplicate language `{code}` (same as `{normal[canonical.lower()]}`)", seq, index=i)
            normal[canonical.lower()] = code
            seen.append(code)
        return tuple(seen)

    def _catalogs(self, top: dict) -> dict[str, CatalogConfig]:
        node = top.get("catalogs")
        if node is None:
            return {}
        if not isinstance(node, dict):
            raise self.error("`catalogs` must be a mapping", top, "catalogs", value=True)
        result = {}
        for name, spec in node.items():
            if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
                raise self.error(f"catalog name `{name}` must be letters, digits, - or _", node, name)
            spec = self.mapping(spec, f"catalog `{name}`", CATALOG_KEYS, node, name)
            kind = spec.get("kind", "")  # required: the source kinds' registry says it is missing, at the name
            if not isinstance(kind, str):
                raise self.error("`kind` must be the name of a source kind", spec, "kind", value=True)
            sources = self.patterns(spec, "sources", "a list of glob patterns", "source pattern")
            publish = spec.get("publish", "reviewed")
            if publish not in PUBLISH_STATES:
                raise self.error(f"unknown publish state `{publish}`", spec, "publish", value=True,
                                 hint="one of: " + ", ".join(PUBLISH_STATES))
            positions = []
            for i in range(len(sources)):
                try:
                    line, col = spec["sources"].lc.item(i)
                except (AttributeError, KeyError, TypeError):
                    line, col = spec.lc.value("sources") if "sources" in spec else (0, 0)
                positions.append((line + 1, col + 1))
            result[name] = CatalogConfig(name=name, kind=kind, sources=tuple(sources), publish=publish,
                                         source_positions=tuple(positions), extract=self._extract(spec),
                                         positions={**self._catalog_positions(spec),
                                                    "name": self.position(node, name) or (0, 0)})
        return result

    def _catalog_positions(self, spec: dict) -> dict[str, tuple[int, int]]:
        """Where `kind` and `extract` stand, for errors raised once the source kind is known."""
        places = [("kind", spec, "kind", True), ("extract", spec, "extract", False)]
        node = spec.get("extract")
        if isinstance(node, dict):
            places += [(f"extract:{pattern}", node, pattern, True) for pattern in node]
        found = {}
        for name, parent, key, value in places:
            if key in parent and (where := self.position(parent, key, value=value)) is not None:
                found[name] = where
        return found

    def _extract(self, spec: dict) -> tuple[tuple[str, str], ...]:
        """pybabel's mapping file as a YAML mapping: file pattern -> extraction method, in order (the
        source kind says whether it takes one and which methods exist)."""
        node = spec.get("extract")
        if node is None:
            return ()
        if not isinstance(node, dict) or not node:
            raise self.error("`extract` must map file patterns to babel methods, e.g. `\"app/**.py\": python`",
                             spec, "extract", value=True)
        for pattern, method in node.items():
            if not isinstance(method, str):
                raise self.error(f"extraction method for `{pattern}` must be a name", node, pattern, value=True)
        return tuple((str(p), str(m)) for p, m in node.items())

    def _translation(self, top: dict) -> TranslationConfig:
        node = top.get("translation")
        if node is None:
            return TranslationConfig()
        if not isinstance(node, dict):
            raise self.error("translation must be a mapping", top, "translation", value=True)
        providers = node.get("providers", ["memory", "google"])
        if isinstance(providers, str):
            providers = [providers]
        if not isinstance(providers, list) or not all(isinstance(p, str) for p in providers):
            raise self.error("`providers` must be a list of provider names", node, "providers", value=True)
        where = node["providers"] if isinstance(node.get("providers"), list) else node
        provider_positions = tuple(self.position(where, "providers" if where is node else None, value=True,
                                                 index=i if where is not node else None)
                                   for i in range(len(providers)))
        options: dict[str, Any] = {}
        positions: dict[str, tuple[int, int]] = {}
        for name, opts in node.items():
            if name in TRANSLATION_KEYS:
                continue
            if isinstance(opts, dict):
                for key in opts:
                    if key in SECRET_KEYS:  # whatever the section, a key in the file is a leak
                        raise self.error(f"`{name}.{key}`: secrets must not be written in the config", opts, key,
                                         hint="name an environment variable with `api_key_env` instead")
            options[str(name)] = {str(k): v for k, v in opts.items()} if isinstance(opts, dict) else opts
            positions.update(self._positions(node, name, opts))
        return TranslationConfig(
            providers=tuple(providers),
            concurrency=self.number(node, "concurrency", 8, minimum=1, maximum=64, integer=True),
            timeout=float(self.number(node, "timeout", 20.0, minimum=0.1, maximum=600, integer=False)),
            retries=self.number(node, "retries", 4, minimum=0, maximum=20, integer=True),
            backoff=float(self.number(node, "backoff", 0.5, minimum=0, maximum=60, integer=False)),
            options=options,
            positions=positions,
            provider_positions=provider_positions,
            memory=self._memory(node),
        )

    def _positions(self, node: Any, name: str, opts: Any) -> dict[str, tuple[int, int]]:
        """Where a provider section's key, its value and each of its options' values are (none for a
        mapping built in code)."""
        found = {f"{name}:": self.position(node, name), name: self.position(node, name, value=True)}
        if isinstance(opts, dict):
            found.update({f"{name}.{key}": self.position(opts, key, value=True) for key in opts})
            found.update({f"{name}.{key}:": self.position(opts, key) for key in opts})
        return {where: at for where, at in found.items() if at is not None}

    def _memory(self, translation: dict) -> MemoryConfig:
        node = translation.get("memory")
        if node is None:
            return MemoryConfig()
        node = self.mapping(node, "translation.memory", MEMORY_KEYS, translation, "memory")
        score = self.number(node, "min_score", 75, minimum=1, maximum=100, integer=True)
        files = self.patterns(node, "tmx", "a list of TMX file paths or globs", "TMX path",
                              hint="copy the file into the project, or `locflow tm import` it")
        return MemoryConfig(min_score=score, tmx=tuple(files))
