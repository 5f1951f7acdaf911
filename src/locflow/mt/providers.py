"""MT providers: one small adapter each, in a registry, all with the same `translate` contract.

Adapters over deep-translator fix its known gaps here and nowhere else: no request timeout
(see http.py), LibreTranslate's short language table (et, lv, lt, ro, uk missing), and Google
stripping surrounding whitespace (the engine sends stripped text and restores it itself).
"""
from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..config import TRANSLATION_KEYS, Config
from ..errors import LocflowError
from .registry import (COMMON_OPTIONS, REGISTRY, Cost, Option, Provider, ProviderContext, ProviderError, Registered,
                       Segment, options, register, secret)
from . import llm  # noqa: F401,I001  (registers `openai`)

if TYPE_CHECKING:  # requests loads only when a provider is built: checking the config on load stays cheap
    from ..tm.memory import Memory
    from .http import RetryingRequests

__all__ = ["COMMON_OPTIONS", "REGISTRY", "Cost", "Option", "Provider", "ProviderContext", "ProviderError", "Segment",
           "check_translation", "make_prepass", "make_provider", "options", "register", "secret"]

DEEPL_FORMALITY = ("default", "more", "less", "prefer_more", "prefer_less")


def check_translation(config: Config) -> None:
    """workflow.yaml's `translation:` against the registry, which is complete here (every adapter is
    imported above): each name in `providers` is registered, each other key is a registered
    provider's section that fits its schema. Every command runs this on load (cli.common.load_project,
    the fast path), so a typo stops it before it writes or sends anything, at its line."""
    import difflib

    given = config.translation
    for index, name in enumerate(given.providers):
        if name not in REGISTRY:
            close = difflib.get_close_matches(name, list(REGISTRY), n=1)
            at = given.provider_positions[index] if index < len(given.provider_positions) else None
            line, col = at or (None, None)
            raise LocflowError(f"unknown translation provider `{name}`", path=str(config.path), line=line, col=col,
                               hint=f"did you mean `{close[0]}`?" if close else "one of: " + ", ".join(sorted(REGISTRY)))
    keys = list(dict.fromkeys([*TRANSLATION_KEYS, *REGISTRY]))
    for name in given.options:
        if name not in REGISTRY:
            close = difflib.get_close_matches(name, keys, n=1)
            line, col = given.positions.get(f"{name}:", (None, None))
            raise LocflowError(f"unknown key `{name}` in translation", path=str(config.path), line=line, col=col,
                               hint=f"did you mean `{close[0]}`?" if close else "valid keys: " + ", ".join(keys))
        options(config, name)


def _registered(name: str, config: Config) -> Registered:
    if name not in REGISTRY:
        raise LocflowError(f"unknown translation provider `{name}`",
                           path=str(config.path), hint="known providers: " + ", ".join(sorted(REGISTRY)))
    return REGISTRY[name]


def make_provider(name: str, config: Config, ctx: ProviderContext) -> Provider:
    """A provider that sends: every adapter is imported above, so the registry is complete here."""
    return _registered(name, config).factory(config, ctx)


def make_prepass(name: str, config: Config, ctx: ProviderContext) -> "Memory":
    """What a pre-pass provider (`prepass=True`) fills from: the project's translation memory."""
    return _registered(name, config).factory(config, ctx)


@dataclass
class DeepTranslatorProvider(Provider):
    """One translator object per (source, target) pair and thread: deep-translator objects hold state."""

    factory: Callable[[str, str], Any] | None = None
    shim: RetryingRequests | None = None
    _local: threading.local = field(default_factory=threading.local, repr=False)
    offline_factory: bool = True  # building a translator sends no request (Microsoft's asks for languages)

    def _translator(self, source: str, target: str) -> Any:
        cache = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = {}
        key = (source, target)
        if key not in cache:
            cache[key] = self.factory(source, target)
        return cache[key]

    def translate(self, text: str, source: str, target: str) -> str:
        try:
            result = self._translator(source, target).translate(text)
        except LocflowError:
            raise
        except Exception as exc:  # deep-translator, requests and JSON errors alike: this provider failed
            raise ProviderError(self.scrub(f"{type(exc).__name__}: {exc}".strip())) from None
        if not isinstance(result, str):
            raise ProviderError(f"no translation in the reply ({type(result).__name__})")
        if not result.strip():
            raise ProviderError("empty translation in the reply")
        return result

    def requests_sent(self) -> int:
        return self.shim.requests_sent if self.shim else 0

    def pair_problem(self, source: str, target: str) -> str | None:
        if not self.offline_factory or self.factory is None:
            return None
        try:
            self.factory(source, target)  # deep-translator checks the language pair when it is built
        except LocflowError:
            raise
        except Exception as exc:
            return self.scrub(f"{type(exc).__name__}: {exc}".strip())
        return None

    def retries_sent(self) -> tuple[int, int]:
        return (self.shim.counts.retries, self.shim.counts.throttled) if self.shim else (0, 0)


@dataclass
class DeepLProvider(DeepTranslatorProvider):
    """deep-translator's DeepL adapter plus the termbase as a DeepL glossary (`glossary_id` per request)."""

    glossaries: Any = None  # DeepLGlossaries, or None when switched off or the termbase is empty

    def translate(self, text: str, source: str, target: str) -> str:
        if self.glossaries is None or self.shim is None:
            return super().translate(text, source, target)
        from .deepl_glossary import GlossaryError

        try:
            glossary_id = self.glossaries.glossary_id(source, target)
        except GlossaryError as exc:
            raise ProviderError(self.scrub(str(exc))) from None
        if glossary_id is None:
            return super().translate(text, source, target)
        with self.shim.adding({"glossary_id": glossary_id}):
            return super().translate(text, source, target)


def _shim_for(module: Any, ctx: ProviderContext, concurrency: int,
              params: dict[str, str] | None = None) -> RetryingRequests:
    from .http import RetryingRequests, install

    shim = RetryingRequests(ctx.timeout, ctx.retries, ctx.backoff, pool=max(concurrency, 4), params=params)
    install(module, shim)
    return shim


@register("google", {"url": Option(str)})
def _google(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import google

    shim = _shim_for(google, ctx, config.translation.concurrency)
    url = options(config, "google").get("url")

    def factory(source: str, target: str) -> Any:
        translator = google.GoogleTranslator(source=source, target=target)
        if url:
            translator._base_url = url  # a proxy or the test server; deep-translator has no parameter
        return translator

    return DeepTranslatorProvider("google", factory=factory, shim=shim,
                                  price_per_million=float(options(config, "google")["price_per_million"]),
                                  currency=str(options(config, "google")["currency"]))


@register("libre", {"url": Option(str, required=True), "api_key_env": Option(str)})
def _libre(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import libre

    opts = options(config, "libre")
    key = secret(config, ctx, "libre", required=False)
    shim = _shim_for(libre, ctx, config.translation.concurrency)
    url = str(opts["url"]).rstrip("/") + "/"

    def factory(source: str, target: str) -> Any:
        # deep-translator rejects codes missing from its table (et, lv, lt, ro, uk) and demands a key
        # even for servers that need none; build it for a pair it knows, then set the real pair.
        translator = libre.LibreTranslator(source="en", target="es", api_key=key or "-", custom_url=url)
        translator.api_key = key
        translator._source, translator._target = source, target
        return translator

    return DeepTranslatorProvider("libre", factory=factory, shim=shim, secrets=(key or "",),
                                  price_per_million=float(opts["price_per_million"]), currency=str(opts["currency"]))


@register("deepl", {"api_key_env": Option(str), "formality": Option(str, "default", choices=DEEPL_FORMALITY),
                    "free_api": Option(bool, True), "url": Option(str), "glossary": Option(bool),
                    "price_per_million": Option((int, float), 25.0, minimum=0, maximum=1_000_000)})
def _deepl(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import deepl

    opts = options(config, "deepl")
    formality = str(opts["formality"])
    key = secret(config, ctx, "deepl", required=True)
    # deep-translator sends no formality; "prefer_*" falls back quietly for languages without it.
    shim = _shim_for(deepl, ctx, config.translation.concurrency,
                     params={"formality": formality} if formality != "default" else None)
    if opts["url"]:
        base = str(opts["url"]).rstrip("/") + "/"
    else:
        base = "https://api-free.deepl.com/v2/" if opts["free_api"] else "https://api.deepl.com/v2/"

    def factory(source: str, target: str) -> Any:
        translator = deepl.DeeplTranslator(source=source, target=target, api_key=key or "-",
                                           use_free_api=bool(opts["free_api"]))
        translator._base_url = base
        return translator

    glossaries = None
    termbase = ctx.project.glossary() if ctx.project is not None else None
    # On by default when the project has a termbase; `glossary: false` switches it off.
    if termbase is not None and termbase.concepts and opts["glossary"] is not False and key:
        from .deepl_glossary import DeepLGlossaries

        root = base[: -len("v2/")] if base.endswith("/v2/") else base
        glossaries = DeepLGlossaries(shim, root, key, termbase)
    return DeepLProvider("deepl", factory=factory, shim=shim, secrets=(key or "",),
                         price_per_million=float(opts["price_per_million"]), currency=str(opts["currency"]),
                         glossaries=glossaries)


@register("microsoft", {"api_key_env": Option(str), "region": Option(str),
                        "price_per_million": Option((int, float), 10.0, minimum=0, maximum=1_000_000)})
def _microsoft(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import microsoft

    opts = options(config, "microsoft")
    key = secret(config, ctx, "microsoft", required=True)
    shim = _shim_for(microsoft, ctx, config.translation.concurrency)

    def factory(source: str, target: str) -> Any:
        return microsoft.MicrosoftTranslator(source=source, target=target, api_key=key or "-", region=opts["region"])

    return DeepTranslatorProvider("microsoft", factory=factory, shim=shim, secrets=(key or "",),
                                  price_per_million=float(opts["price_per_million"]), currency=str(opts["currency"]),
                                  offline_factory=False)


@register("mymemory", {})
def _mymemory(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import mymemory
    from deep_translator.constants import MY_MEMORY_LANGUAGES_TO_CODES

    shim = _shim_for(mymemory, ctx, config.translation.concurrency)
    codes = {code.split("-")[0]: code for code in MY_MEMORY_LANGUAGES_TO_CODES.values()}

    def factory(source: str, target: str) -> Any:
        return mymemory.MyMemoryTranslator(source=codes.get(source, source), target=codes.get(target, target))

    return DeepTranslatorProvider("mymemory", factory=factory, shim=shim,
                                  price_per_million=float(options(config, "mymemory")["price_per_million"]))


# --- offline providers ----------------------------------------------------------------------------

_ACCENTS = str.maketrans("aceinorsuyzACEINORSUYZ", "àçéîñöŕšûýžÀÇÉÎÑÖŔŠÛÝŽ")


@dataclass
class PseudoProvider(Provider):
    """Pseudo-localization: accented, ~35% longer, bracketed; placeholders stay masked tokens."""

    def translate(self, text: str, source: str, target: str) -> str:
        out = []
        for word in text.split(" "):
            # Masked tokens ([X1X]) survive: neither X, digits nor brackets are in the accent table.
            letters = sum(ch.isalpha() for ch in word)
            accented = unicodedata.normalize("NFC", word.translate(_ACCENTS))
            out.append(accented + "~" * ((letters * 35 + 99) // 100))
        return "[!! " + " ".join(out) + " !!]"


@register("pseudo")
def _pseudo(config: Config, ctx: ProviderContext) -> Provider:
    return PseudoProvider("pseudo")



@register("memory", prepass=True)
def _memory(config: Config, ctx: ProviderContext) -> "Memory":
    """The translation memory: the project's reviewed and approved translations and its TMX files,
    exact matches and fuzzy ones at `translation.memory.min_score` (config reads that section: the
    review screens and `tm` commands use it too). It fills before any request and sends nothing."""
    from ..tm.memory import project_memory

    return project_memory(ctx.project)
