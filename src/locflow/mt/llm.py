"""The `openai` provider: any OpenAI-compatible chat-completions server (OpenAI, Azure, Ollama, vLLM, …).

Wire contract: the last user message is one JSON object
`{"source_language", "target_language", "segments": [{"id", "text", "context", "notes",
"terms": [{"source", "target", "note"}], "forbidden": [...]}]}` and the reply's message content
is `{"segments": [{"id", "text"}]}`. A reply that breaks this (not JSON, an id missing, an id
too many) fails the batch like any provider fault. A segment whose reply breaks a token, misses
a mandated term or uses a forbidden one is sent back once with the findings named.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import LocflowError
from .registry import Cost, Option, Provider, ProviderContext, ProviderError, Segment, options, register, secret

if TYPE_CHECKING:
    from .http import RetryingRequests

CHARS_PER_TOKEN = 4  # OpenAI's rule of thumb for a dry-run estimate; real tokenizers differ per model
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n?(.*?)\n?```\s*$", re.DOTALL)
_TOKEN = re.compile(r"\[X\d+X\]")

SYSTEM = """You translate text for {site}, a news site, from {source_name} ({source}) to {target_name} ({target}).
The user message is one JSON object. Translate the "text" of every segment and reply with exactly one JSON object \
{{"segments": [{{"id": "...", "text": "..."}}]}}: one entry per segment, the same ids, nothing else.
- Tokens such as [X1X] stand for markup, placeholders and protected names: keep each one exactly once, unchanged.
- "terms" are glossary terms found in the segment: translate each with its "target" form; when the note says \
"may be inflected", inflect it as the sentence needs.
- Never use a wording listed in "forbidden".
- "context" (neighbouring text of the same article) and "notes" are there to understand the segment; do not \
translate them.
- Keep the register of serious journalism; add nothing and leave nothing out.
- When a segment carries "problems", a previous translation of it had them: fix them."""


@dataclass
class ChatProvider(Provider):
    endpoint: str = ""
    model: str = ""
    temperature: float = 0.0
    site: str = ""
    style: dict[str, str] = field(default_factory=dict)
    price_in: float = 0.0
    price_out: float = 0.0
    http: RetryingRequests | None = field(default=None, repr=False)
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _sent_back: int = 0
    _fixed: int = 0

    def translate(self, text: str, source: str, target: str) -> str:
        tokens = tuple(dict.fromkeys(_TOKEN.findall(text)))
        from .protect import Masked  # here, not on top: every command loads this module to check workflow.yaml

        return self.translate_segments([Segment("1", Masked(text, tokens, "", ""))], source, target)[0]

    def translate_segments(self, segments: list[Segment], source: str, target: str) -> list[str]:
        from .terms import findings  # the termbase's matcher: loaded when something is translated

        system = self.system(source, target)
        user = self.payload(segments, source, target)
        replies = self._ask([{"role": "system", "content": system}, {"role": "user", "content": user}], segments)
        texts = [replies[s.id] for s in segments]
        bad = {s.id: found for s, text in zip(segments, texts)
               if (found := findings(s.masked, s.terms, s.forbidden, text, target))}
        if not bad:
            return texts
        again = [s for s in segments if s.id in bad]
        first = json.dumps({"segments": [{"id": s.id, "text": replies[s.id]} for s in again]}, ensure_ascii=False)
        try:
            second = self._ask([{"role": "system", "content": system},
                                {"role": "user", "content": self.payload(again, source, target)},
                                {"role": "assistant", "content": first},
                                {"role": "user", "content": self.payload(again, source, target, bad)}], again)
        except ProviderError:
            second = {}  # the first replies stand; the engine marks them as problems
        fixed = 0
        for i, s in enumerate(segments):
            if s.id in second:
                remaining = findings(s.masked, s.terms, s.forbidden, second[s.id], target)
                if len(remaining) <= len(bad[s.id]):
                    texts[i] = second[s.id]
                fixed += not remaining
        with self._lock:
            self._sent_back += len(again)
            self._fixed += fixed
        return texts

    def corrections(self) -> tuple[int, int]:
        with self._lock:
            return self._sent_back, self._fixed

    def system(self, source: str, target: str) -> str:
        text = SYSTEM.format(site=self.site or "the site", source=source, target=target,
                             source_name=_language_name(source), target_name=_language_name(target))
        style = self.style.get(target) or self.style.get(target.split("_")[0])
        return text + (f"\nStyle for {_language_name(target)}: {style}" if style else "")

    @staticmethod
    def payload(segments: list[Segment], source: str, target: str,
                problems: dict[str, list[str]] | None = None) -> str:
        rows = []
        for s in segments:
            row: dict[str, Any] = {"id": s.id, "text": s.text, "context": s.context, "notes": s.notes,
                                   "terms": [t.wire() for t in s.terms],
                                   "forbidden": list(dict.fromkeys(f.form for f in s.forbidden))}
            if problems:
                row["problems"] = problems[s.id]
            rows.append(row)
        return json.dumps({"source_language": source, "target_language": target, "segments": rows},
                          ensure_ascii=False)

    def _ask(self, messages: list[dict[str, str]], segments: list[Segment]) -> dict[str, str]:
        import requests

        body = {"model": self.model, "temperature": self.temperature, "messages": messages,
                "response_format": {"type": "json_object"}}
        try:
            response = self.http.post(self.endpoint, json=body, headers=self.headers)
        except requests.RequestException as exc:
            raise ProviderError(self.scrub(f"{type(exc).__name__}: {exc}")) from None
        if response.status_code != 200:
            raise ProviderError(f"HTTP {response.status_code} from the chat server")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ProviderError("the chat server's reply is not a chat completion") from None
        return _segments(content, [s.id for s in segments])

    def estimate(self, segments: list[Segment], source: str, target: str) -> Cost:
        """Tokens at about four characters each: the prompt as sent, the reply as long as the texts."""
        prompt = len(self.system(source, target)) + len(self.payload(segments, source, target))
        reply = len(json.dumps({"segments": [{"id": s.id, "text": s.text} for s in segments]}, ensure_ascii=False))
        tokens_in, tokens_out = -(-prompt // CHARS_PER_TOKEN), -(-reply // CHARS_PER_TOKEN)
        cost = (tokens_in * self.price_in + tokens_out * self.price_out) / 1_000_000
        return Cost(sum(len(s.text) for s in segments), cost, tokens_in, tokens_out)

    def requests_sent(self) -> int:
        return self.http.requests_sent if self.http else 0


def _segments(content: Any, ids: list[str]) -> dict[str, str]:
    """The reply's {"segments": [{"id", "text"}]}, with exactly the ids that were sent."""
    if not isinstance(content, str):
        raise ProviderError("the chat reply has no text content")
    fenced = _FENCE.match(content)  # some local models wrap JSON in a Markdown fence despite response_format
    try:
        data = json.loads(fenced.group(1) if fenced else content)
    except ValueError:
        raise ProviderError("the model's reply is not JSON") from None
    rows = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ProviderError("the model's reply has no `segments` list")
    found: dict[str, str] = {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ProviderError("a segment in the model's reply has no text")
        sid = str(row.get("id"))
        if sid not in ids:
            raise ProviderError(f"the model's reply has an unknown segment id `{sid}`")
        if sid in found:
            raise ProviderError(f"the model's reply repeats segment id `{sid}`")
        if not row["text"].strip():
            raise ProviderError(f"empty translation for segment `{sid}`")
        found[sid] = row["text"]
    missing = [sid for sid in ids if sid not in found]
    if missing:
        raise ProviderError(f"the model's reply lacks segment id `{missing[0]}`"
                            + (f" and {len(missing) - 1} more" if len(missing) > 1 else ""))
    return found


def _language_name(code: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).english_name or code
    except (ValueError, UnknownLocaleError):
        return code


def _endpoint(url: str) -> str:
    """A base URL (…/v1) gets /chat/completions; a full one (Azure's, with api-version) is kept."""
    path = url.split("?", 1)[0].rstrip("/")
    return url if path.endswith("/chat/completions") else path + "/chat/completions"


@register("openai", {
    "url": Option(str, required=True), "model": Option(str, required=True), "api_key_env": Option(str),
    "temperature": Option((int, float), 0.0, minimum=0), "batch": Option(int, 20, minimum=1),
    "price_per_million_input": Option((int, float), 0.0, minimum=0),
    "price_per_million_output": Option((int, float), 0.0, minimum=0),
    "style": Option(dict, {}),
})
def _openai(config: Config, ctx: ProviderContext) -> Provider:
    opts = options(config, "openai")
    style = opts["style"]
    for lang, note in style.items():
        if lang not in config.languages or not isinstance(note, str):
            line, col = config.translation.positions.get("openai.style", (None, None))
            raise LocflowError(f"translation.openai.style: `{lang}` must be a site language with a text note",
                               path=str(config.path), line=line, col=col)
    key = secret(config, ctx, "openai", required=bool(opts["api_key_env"]))
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
        if ".azure.com" in str(opts["url"]):
            headers["api-key"] = key  # Azure OpenAI's own header
    from .http import RetryingRequests

    http = RetryingRequests(ctx.timeout, ctx.retries, ctx.backoff, pool=max(config.translation.concurrency, 4))
    return ChatProvider("openai", secrets=(key or "",), batch=int(opts["batch"]), endpoint=_endpoint(str(opts["url"])),
                        model=str(opts["model"]), temperature=float(opts["temperature"]), site=config.site,
                        style={str(k): str(v) for k, v in style.items()},
                        price_in=float(opts["price_per_million_input"]),
                        price_out=float(opts["price_per_million_output"]), http=http, headers=headers)
