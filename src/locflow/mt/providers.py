"""MT providers: one small adapter each, in a registry, all with the same `translate` contract.

Adapters over deep-translator fix its known gaps here and nowhere else: no request timeout
(see http.py), LibreTranslate's short language table (et, lv, lt, ro, uk missing), and Google
stripping surrounding whitespace (the engine sends stripped text and restores it itself).
"""
from __future__ import annotations

import abc
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from ..config import Config
from ..errors import LocflowError
from .http import RetryingRequests, install


_QUERY = re.compile(r"((?:https?://|/)[^\s?'\"]*)\?[^\s'\")]*")


class ProviderError(Exception):
    """A request failed for good (after retries); the engine tries the next provider."""


@dataclass
class Provider(abc.ABC):
    name: str
    price_per_million: float = 0.0  # for --dry-run cost estimates
    secrets: tuple[str, ...] = field(default=(), repr=False)
    currency: str = "USD"  # of price_per_million (the list prices locflow assumes are in US dollars)

    @abc.abstractmethod
    def translate(self, text: str, source: str, target: str) -> str:
        """Translate masked, stripped text; raise ProviderError when this provider cannot."""

    def scrub(self, message: str) -> str:
        """Error text without API keys: deep-translator and requests put keys and URLs in messages."""
        from urllib.parse import quote, quote_plus

        message = _QUERY.sub(r"\1?…", message)  # request URLs carry keys in their query strings
        for secret in self.secrets:
            if secret:
                for form in {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}:
                    message = message.replace(form, "***")
        return message

    def requests_sent(self) -> int:
        return 0

    def retries_sent(self) -> tuple[int, int]:
        """(retries, 429 replies): part of `requests_sent`, told apart for the summary."""
        return 0, 0

    def pair_problem(self, source: str, target: str) -> str | None:
        """Why this provider cannot translate source -> target, found without a request (None: it can)."""
        return None


REGISTRY: dict[str, Callable[[Config, "ProviderContext"], Provider]] = {}


@dataclass
class ProviderContext:
    timeout: float
    retries: int
    backoff: float = 0.5
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def register(name: str) -> Callable:
    def wrap(factory: Callable[[Config, ProviderContext], Provider]) -> Callable:
        REGISTRY[name] = factory
        return factory

    return wrap


def make_provider(name: str, config: Config, ctx: ProviderContext) -> Provider:
    if name not in REGISTRY:
        raise LocflowError(f"unknown translation provider `{name}`",
                           path=str(config.path), hint="known providers: " + ", ".join(sorted(REGISTRY)))
    return REGISTRY[name](config, ctx)


def _options(config: Config, name: str) -> dict[str, Any]:
    return dict(config.translation.options.get(name, {}))


def _secret(config: Config, ctx: ProviderContext, name: str, required: bool) -> str | None:
    opts = _options(config, name)
    env = opts.get("api_key_env")
    value = ctx.environ.get(env) if env else None
    if required and not value:
        raise LocflowError(
            f"provider `{name}` needs an API key" + (f" in ${env}" if env else ""),
            hint=f"export {env}=..." if env else f"set translation.{name}.api_key_env in workflow.yaml",
        )
    return value


# --- deep-translator adapters -----------------------------------------------------------------------


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


def _shim_for(module: Any, ctx: ProviderContext, concurrency: int,
              params: dict[str, str] | None = None) -> RetryingRequests:
    shim = RetryingRequests(ctx.timeout, ctx.retries, ctx.backoff, pool=max(concurrency, 4), params=params)
    install(module, shim)
    return shim


@register("google")
def _google(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import google

    shim = _shim_for(google, ctx, config.translation.concurrency)
    url = _options(config, "google").get("url")

    def factory(source: str, target: str) -> Any:
        translator = google.GoogleTranslator(source=source, target=target)
        if url:
            translator._base_url = url  # a proxy or the test server; deep-translator has no parameter
        return translator

    return DeepTranslatorProvider("google", factory=factory, shim=shim,
                                  price_per_million=float(_options(config, "google").get("price_per_million", 0)),
                                  currency=str(_options(config, "google").get("currency", "USD")))


@register("libre")
def _libre(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import libre

    opts = _options(config, "libre")
    if not opts.get("url"):
        raise LocflowError("provider `libre` needs translation.libre.url", path=str(config.path))
    key = _secret(config, ctx, "libre", required=False)
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
                                  price_per_million=float(opts.get("price_per_million", 0)),
                                  currency=str(opts.get("currency", "USD")))


@register("deepl")
def _deepl(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import deepl

    opts = _options(config, "deepl")
    formality = str(opts.get("formality", "default"))  # checked by the config loader
    key = _secret(config, ctx, "deepl", required=True)
    # deep-translator sends no formality; "prefer_*" falls back quietly for languages without it.
    shim = _shim_for(deepl, ctx, config.translation.concurrency,
                     params={"formality": formality} if formality != "default" else None)

    def factory(source: str, target: str) -> Any:
        translator = deepl.DeeplTranslator(source=source, target=target, api_key=key,
                                           use_free_api=bool(opts.get("free_api", True)))
        if opts.get("url"):
            translator._base_url = str(opts["url"]).rstrip("/") + "/"
        return translator

    return DeepTranslatorProvider("deepl", factory=factory, shim=shim, secrets=(key or "",),
                                  price_per_million=float(opts.get("price_per_million", 25.0)),
                                  currency=str(opts.get("currency", "USD")))


@register("microsoft")
def _microsoft(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import microsoft

    opts = _options(config, "microsoft")
    key = _secret(config, ctx, "microsoft", required=True)
    shim = _shim_for(microsoft, ctx, config.translation.concurrency)

    def factory(source: str, target: str) -> Any:
        return microsoft.MicrosoftTranslator(source=source, target=target, api_key=key, region=opts.get("region"))

    return DeepTranslatorProvider("microsoft", factory=factory, shim=shim, secrets=(key or "",),
                                  price_per_million=float(opts.get("price_per_million", 10.0)),
                                  currency=str(opts.get("currency", "USD")), offline_factory=False)


@register("mymemory")
def _mymemory(config: Config, ctx: ProviderContext) -> Provider:
    from deep_translator import mymemory
    from deep_translator.constants import MY_MEMORY_LANGUAGES_TO_CODES

    shim = _shim_for(mymemory, ctx, config.translation.concurrency)
    codes = {code.split("-")[0]: code for code in MY_MEMORY_LANGUAGES_TO_CODES.values()}

    def factory(source: str, target: str) -> Any:
        return mymemory.MyMemoryTranslator(source=codes.get(source, source), target=codes.get(target, target))

    return DeepTranslatorProvider("mymemory", factory=factory, shim=shim)


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
