"""DeepL glossaries from the termbase, through DeepL's v3 glossary endpoints.

deep-translator has no glossary support, so this is a small client beside its DeepL adapter:
one glossary per source→target pair, named `locflow <src>-<tgt> <hash of its entries>`, so an
unchanged termbase reuses the glossary made last time and a changed one gets a new glossary
while locflow's outdated glossary for that pair is deleted (accounts hold at most 1,000). Other
glossaries on the account are never touched. DeepL inflects the entries itself.
"""
from __future__ import annotations

import hashlib
import threading
from typing import Any

from ..glossary import Glossary
from .http import RetryingRequests

NAME_PREFIX = "locflow "


class GlossaryError(Exception):
    """A glossary request failed; the DeepL provider reports it as its own failure."""


def entries(glossary: Glossary, source: str, target: str) -> list[tuple[str, str]]:
    """(source phrase, target phrase): preferred target forms; do-not-translate terms map to themselves.

    Stem patterns (`Києв*`) are no phrases and forbidden wordings are never sent; a phrase DeepL
    cannot hold (tab, line break) is left out, and the first concept to claim a phrase keeps it.
    """
    src, tgt = source.split("_")[0], target.split("_")[0]
    pairs: dict[str, str] = {}
    for concept in glossary.concepts:
        if concept.kind == "dnt":
            mapping = [(form, form) for form in concept.dnt_forms()]
        else:
            preferred = concept.preferred(tgt)
            mapping = [(form, preferred) for form in concept.terms.get(src, ())
                       if preferred and not form.endswith("*")]
        for phrase, translation in mapping:
            if not any(ch in phrase + translation for ch in "\t\r\n") and phrase not in pairs:
                pairs[phrase] = translation
    return list(pairs.items())


def glossary_name(source: str, target: str, pairs: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256(tsv(pairs).encode("utf-8")).hexdigest()[:16]
    return f"{NAME_PREFIX}{source}-{target} {digest}"


def tsv(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f"{a}\t{b}" for a, b in pairs)


class DeepLGlossaries:
    """Finds or creates the glossary for each language pair once per run; thread-safe."""

    def __init__(self, http: RetryingRequests, api_root: str, key: str, glossary: Glossary) -> None:
        self.http = http
        self.api_root = api_root.rstrip("/") + "/"  # https://api-free.deepl.com/
        self.headers = {"Authorization": f"DeepL-Auth-Key {key}"}
        self.glossary = glossary
        self._ids: dict[tuple[str, str], str | None | GlossaryError] = {}
        self._listing: list[dict[str, Any]] | None = None
        self._lock = threading.Lock()
        self.created: list[str] = []
        self.deleted: list[str] = []

    def glossary_id(self, source: str, target: str) -> str | None:
        """The id to pass with translate requests for this pair (None when no entry applies)."""
        pair = (source, target)
        with self._lock:
            if pair not in self._ids:
                try:
                    self._ids[pair] = self._ensure(source, target)
                except GlossaryError as exc:
                    self._ids[pair] = exc  # not retried for every segment of the pair
            found = self._ids[pair]
        if isinstance(found, GlossaryError):
            raise found
        return found

    def _ensure(self, source: str, target: str) -> str | None:
        pairs = entries(self.glossary, source, target)
        if not pairs:
            return None
        name = glossary_name(source, target, pairs)
        family = f"{NAME_PREFIX}{source}-{target} "
        listing = self._list()
        current = next((g for g in listing if g.get("name") == name and g.get("glossary_id")), None)
        if current is None:
            body = {"name": name, "dictionaries": [{"source_lang": source, "target_lang": target,
                                                    "entries": tsv(pairs), "entries_format": "tsv"}]}
            current = self._call("POST", "v3/glossaries", json=body)
            if not isinstance(current, dict) or not current.get("glossary_id"):
                raise GlossaryError(f"DeepL glossary {source}-{target}: no glossary_id in the reply")
            listing.append(current)
            self.created.append(name)
        for old in [g for g in listing if str(g.get("name", "")).startswith(family) and g is not current]:
            self._call("DELETE", f"v3/glossaries/{old['glossary_id']}")
            listing.remove(old)
            self.deleted.append(str(old["name"]))
        return str(current["glossary_id"])

    def _list(self) -> list[dict[str, Any]]:
        if self._listing is None:
            reply = self._call("GET", "v3/glossaries")
            found = reply.get("glossaries") if isinstance(reply, dict) else None
            if not isinstance(found, list):
                raise GlossaryError("DeepL glossary list: unexpected reply")
            self._listing = [g for g in found if isinstance(g, dict)]
        return self._listing

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        import requests

        try:
            response = self.http.request(method, self.api_root + path, headers=self.headers, **kwargs)
        except requests.RequestException as exc:
            raise GlossaryError(f"DeepL glossary {method} {path}: {type(exc).__name__}") from None
        if response.status_code >= 300:
            raise GlossaryError(f"DeepL glossary {method} {path}: HTTP {response.status_code}")
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise GlossaryError(f"DeepL glossary {method} {path}: the reply is not JSON") from None
