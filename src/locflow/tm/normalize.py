"""Sources as the memory compares them: placeholders and tags stand for their role, not their name.

`Read <1>the report</1>` and `Read <2>the report</2>`, or `By %(author)s` and `By %(name)s`, are the
same sentence to a translator: tags and placeholders are numbered by order of appearance (one
private-use character each, so a long URL or tag weighs no more than a word) before scoring, and
a reused translation gets the new source's own tags and placeholders back.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

# What a translation must carry over unchanged, as the memory sees it (printf directives only in
# python-format entries: "50% of" in prose is text). Kept here, not borrowed from mt/, which sits above.
_PRINTF = r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%"
_CODES_RE = (r"\{\w[\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}"  # {author} {0}
             r"|</?\d+/?>"  # the segmenter's numbered tags
             r"|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>"  # HTML
             r"|&(?:[A-Za-z]\w*|#\d+|#x[0-9A-Fa-f]+);"  # entities
             r"|(?:https?|ftp)://[^\s<>\"']*[^\s<>\"'.,;:!?)]"  # links
             r"|[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")  # e-mail
_WITH_PRINTF = re.compile(f"{_PRINTF}|{_CODES_RE}")
_WITHOUT_PRINTF = re.compile(_CODES_RE)
_NUMBERED = re.compile(r"^<(/?)(\d+)(/?)>$")
_NAMED = re.compile(r"^%\((\w+)\)(.*)$")
_BRACE = re.compile(r"^\{([^{}:!]*)(.*)\}$")
_LINK = re.compile(r"^(?:(?:https?|ftp)://|[^\s@]+@)")
_PRIVATE_USE = 0xE000
_CODES: dict[str, str] = {}
_CODES_LOCK = threading.Lock()


@dataclass(frozen=True)
class Normal:
    """A source ready for scoring: `text` to compare, `roles` from each token to its role."""

    text: str
    roles: tuple[tuple[str, str], ...]  # (original token, role) in order of first appearance

    def role_of(self) -> dict[str, str]:
        return dict(self.roles)


def _code(role: str) -> str:
    """One private-use character per role, the same for every string of the run."""
    found = _CODES.get(role)
    if found is None:
        with _CODES_LOCK:
            found = _CODES.setdefault(role, chr(_PRIVATE_USE + len(_CODES)) if len(_CODES) < 6400 else role)
    return found


def _role(token: str, order: dict[tuple[str, str], int]) -> str:
    """`<2>` -> `<#1>` when 2 is the first tag number seen; `%(name)s` -> `%(#1)s`; `{x}` -> `{#1}`."""

    def nth(kind: str, name: str) -> int:
        return order.setdefault((kind, name), sum(1 for k, _ in order if k == kind) + 1)

    if m := _NUMBERED.match(token):
        return f"<{m[1]}#{nth('tag', m[2])}{m[3]}>"
    if m := _NAMED.match(token):
        return f"%(#{nth('named', m[1])}){m[2]}"
    if m := _BRACE.match(token):
        return f"{{#{nth('brace', m[1])}{m[2]}}}"
    if _LINK.match(token):
        return f"link#{nth('link', token)}"
    return token  # HTML tags, entities, %s: their text is their meaning


def tokens(text: str, printf: bool = False) -> list[re.Match[str]]:
    """Tags, placeholders, entities and links in `text`, in order."""
    return list((_WITH_PRINTF if printf else _WITHOUT_PRINTF).finditer(text))


def normalize(text: str, printf: bool = False) -> Normal:
    """The text with every tag, placeholder and link replaced by the character of its role; spaces collapsed."""
    order: dict[tuple[str, str], int] = {}
    roles: dict[str, str] = {}
    for m in tokens(text, printf):
        if m.group() not in roles:
            roles[m.group()] = _role(m.group(), order)
    pattern = _WITH_PRINTF if printf else _WITHOUT_PRINTF
    body = pattern.sub(lambda m: _code(roles[m.group()]), text) if roles else text
    return Normal(" ".join(body.split()), tuple(roles.items()))


def adapt(translation: str, old: Normal, new: Normal, printf: bool = False) -> str:
    """The old translation with the old source's tags and placeholders swapped for the new source's."""
    by_role = {role: token for token, role in new.roles}
    old_roles = old.role_of()
    if not old_roles:
        return translation
    pattern = _WITH_PRINTF if printf else _WITHOUT_PRINTF
    return pattern.sub(lambda m: by_role.get(old_roles.get(m.group(), ""), m.group()), translation)
