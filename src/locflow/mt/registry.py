"""What an MT provider is, and the registry every provider joins with its own option schema.

Adapters live in `providers.py` (deep-translator) and `llm.py` (chat models); the engine asks
`providers.make_provider`, which sees them all. Nothing here knows a provider by name.
"""
from __future__ import annotations

import abc
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..config import Config
from ..errors import LocflowError

if TYPE_CHECKING:  # every command loads the registry to check workflow.yaml: only what that needs
    from .protect import Masked
    from .terms import ForbiddenTerm, SegmentTerm

_QUERY = re.compile(r"((?:https?://|/)[^\s?'\"]*)\?[^\s'\")]*")


class ProviderError(Exception):
    """A request failed for good (after retries); the engine tries the next provider."""


@dataclass(frozen=True)
class Segment:
    """One unique text to translate, with what an LLM needs around it (others read only `text`)."""

    id: str
    masked: Masked
    context: str = ""  # msgctxt, and the previous and next unit of the same article
    notes: str = ""  # extracted and translator comments
    terms: tuple[SegmentTerm, ...] = ()
    forbidden: tuple[ForbiddenTerm, ...] = ()

    @property
    def text(self) -> str:
        return self.masked.text


@dataclass(frozen=True)
class Cost:
    """A dry run's estimate for one batch of segments."""

    characters: int
    cost: float
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass
class Provider(abc.ABC):
    name: str
    price_per_million: float = 0.0  # for --dry-run cost estimates
    secrets: tuple[str, ...] = field(default=(), repr=False)
    batch: int = 1  # segments per request; above 1 the engine calls translate_segments with that many
    currency: str = "USD"  # of price_per_million (the list prices locflow assumes are in US dollars)

    @abc.abstractmethod
    def translate(self, text: str, source: str, target: str) -> str:
        """Translate masked, stripped text; raise ProviderError when this provider cannot."""

    def translate_segments(self, segments: list[Segment], source: str, target: str) -> list[str]:
        """One reply per segment, in order; ProviderError when the whole batch failed."""
        return [self.translate(s.text, source, target) for s in segments]

    def estimate(self, segments: list[Segment], source: str, target: str) -> Cost:
        chars = sum(len(s.text) for s in segments)
        return Cost(chars, chars * self.price_per_million / 1_000_000)

    def corrections(self) -> tuple[int, int]:
        """(segments sent back once with their findings, of which came back clean)."""
        return 0, 0

    def scrub(self, message: str) -> str:
        """Error text without API keys: deep-translator and requests put keys and URLs in messages."""
        from urllib.parse import quote, quote_plus

        message = _QUERY.sub(r"\1?…", message)  # request URLs carry keys in their query strings
        for secret in self.secrets:
            if secret:
                for form in {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}:
                    message = message.replace(form, "***")
        return message

    def echoes_secret(self, text: str) -> bool:
        """True when a reply carries one of this provider's keys (in any URL-quoted form)."""
        return any(form in text for form in self._secret_forms())

    def scrub_secrets(self, text: str) -> str:
        """A reply without the provider's keys (unlike `scrub`, URLs and their queries are kept)."""
        for form in sorted(self._secret_forms(), key=len, reverse=True):
            text = text.replace(form, "***")
        return text

    def _secret_forms(self) -> set[str]:
        from urllib.parse import quote, quote_plus

        return {form for secret in self.secrets if secret
                for form in (secret, quote(secret, safe=""), quote_plus(secret), quote(secret))}

    def requests_sent(self) -> int:
        return 0

    def retries_sent(self) -> tuple[int, int]:
        """(retries, 429 replies): part of `requests_sent`, told apart for the summary."""
        return 0, 0

    def pair_problem(self, source: str, target: str) -> str | None:
        """Why this provider cannot translate source -> target, found without a request (None: it can)."""
        return None


@dataclass(frozen=True)
class Option:
    """One key of a provider's workflow.yaml section: its type, default and allowed values."""

    kind: type | tuple[type, ...]
    default: Any = None
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    required: bool = False
    maximum: float | None = None


# Every provider that sends accepts these; each adds its own keys when it registers.
COMMON_OPTIONS = {"price_per_million": Option((int, float), 0.0, minimum=0, maximum=1_000_000),
                  "currency": Option(str, "USD")}  # of price_per_million, named in --dry-run totals


@dataclass(frozen=True)
class Registered:
    """A provider as it joined the registry: how to build it, its section's schema, what it is."""

    factory: Callable[[Config, "ProviderContext"], Any]
    schema: dict[str, Option]
    # A pre-pass fills entries from the project's own translations before any request and sends
    # nothing: its factory builds that source of fills (the translation memory), not a Provider, and
    # the engine runs it ahead of the chain's machine providers, whatever its place in the chain.
    prepass: bool = False


REGISTRY: dict[str, Registered] = {}


@dataclass
class ProviderContext:
    timeout: float
    retries: int
    backoff: float = 0.5
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    offline: bool = False  # a dry run: nothing is sent, so a missing API key is no error
    project: Any = None  # the Project, for providers that read the termbase


def register(name: str, options: dict[str, Option] | None = None, *, prepass: bool = False) -> Callable:
    """Add a provider factory with the schema of its workflow.yaml section (`translation.<name>`)."""
    def wrap(factory: Callable[[Config, ProviderContext], Any]) -> Callable:
        common = {} if prepass else COMMON_OPTIONS  # a pre-pass sends nothing, so it has no price
        REGISTRY[name] = Registered(factory, {**common, **(options or {})}, prepass)
        return factory

    return wrap


def options(config: Config, name: str) -> dict[str, Any]:
    """The provider's section, checked against the schema it registered, defaults filled in."""
    given = config.translation.options.get(name, {})
    schema = REGISTRY[name].schema if name in REGISTRY else COMMON_OPTIONS

    def error(message: str, key: str | None, hint: str | None = None) -> LocflowError:
        """At the value of `key` ("flavour:" for the key itself), or at the section's."""
        line, col = config.translation.positions.get(f"{name}.{key}" if key else name, (None, None))
        return LocflowError(message, path=str(config.path), line=line, col=col, hint=hint)

    if not isinstance(given, dict):
        raise error(f"`{name}` must be a mapping", None)
    for key in given:
        if key not in schema:
            import difflib

            close = difflib.get_close_matches(key, list(schema), n=1)
            raise error(f"unknown key `{key}` in translation.{name}", f"{key}:",
                        f"did you mean `{close[0]}`?" if close else "valid keys: " + ", ".join(schema))
    result: dict[str, Any] = {}
    for key, option in schema.items():
        if key not in given:
            if option.required:
                raise error(f"provider `{name}` needs translation.{name}.{key}", None)
            result[key] = option.default
            continue
        value = given[key]
        kinds = option.kind if isinstance(option.kind, tuple) else (option.kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise error(f"translation.{name}.{key} must be {' or '.join(k.__name__ for k in kinds)}", key)
        if option.choices and value not in option.choices:
            raise error(f"translation.{name}.{key} `{value}` is not allowed", key,
                        "one of: " + ", ".join(map(str, option.choices)))
        if option.maximum is not None and (value != value or not option.minimum <= value <= option.maximum):
            raise error(f"translation.{name}.{key} must be from {option.minimum:g} to {option.maximum:g}", key)
        if option.minimum is not None and (value != value or value < option.minimum):
            raise error(f"translation.{name}.{key} must be >= {option.minimum}", key)
        result[key] = value
    return result


def secret(config: Config, ctx: ProviderContext, name: str, required: bool) -> str | None:
    """The API key from the environment variable the config names; never from the file."""
    env = options(config, name).get("api_key_env")
    value = ctx.environ.get(env) if env else None
    if required and not value:  # a dry run finds the missing key the real run would
        raise LocflowError(
            f"provider `{name}` needs an API key" + (f" in ${env}" if env else ""),
            hint=f"export {env}=..." if env else f"set translation.{name}.api_key_env in workflow.yaml",
        )
    return value


# --- deep-translator adapters -----------------------------------------------------------------------
