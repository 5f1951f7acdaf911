"""Safe YAML loading with positions, shared by workflow.yaml and article front matter."""
from __future__ import annotations

import re
from typing import Any

from .errors import LocflowError

MAX_DEPTH = 50
# ruamel's scanner is quadratic in flow nesting (10,000 `[` take ~15 s before any depth check can
# run), so brackets are counted first, generously: text with a few stray brackets still parses.
MAX_FLOW_BRACKETS = 200


def _loader():
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        """Round-trip (keeps line numbers, builds no arbitrary objects); timestamps stay strings.

        ruamel turns `2026-13-45` into a crash inside datetime; as a string it reaches our own
        validation, which can say where it is.
        """

    Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
    yaml = YAML(typ="rt")
    yaml.Constructor = Constructor
    yaml.allow_duplicate_keys = False
    return yaml


def load_yaml(text: str, path: str, *, line_offset: int = 0, what: str = "invalid YAML") -> Any:
    """Parse YAML; errors name path:line:col (`line_offset` lines precede `text` in the file)."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if deep := _flow_too_deep(text):
        raise LocflowError(f"{what}: nested too deeply (more than {MAX_FLOW_BRACKETS} open brackets)", path=path,
                           line=deep[0] + line_offset, col=deep[1])
    try:
        data = _loader().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise LocflowError(f"{what}: {problem}", path=path,
                           line=mark.line + 1 + line_offset if mark else None,
                           col=mark.column + 1 if mark else None) from None
    except RecursionError:
        raise LocflowError(f"{what}: nested too deeply", path=path) from None
    except (YAMLError, ValueError, TypeError) as exc:
        raise LocflowError(f"{what}: {exc}", path=path) from None
    if _depth(data) > MAX_DEPTH:
        raise LocflowError(f"{what}: nested more than {MAX_DEPTH} levels deep", path=path)
    return data


def _flow_too_deep(text: str) -> tuple[int, int] | None:
    """(line, col) where unclosed `[`/`{` outside quotes and comments pass MAX_FLOW_BRACKETS; linear time."""
    if text.count("[") + text.count("{") <= MAX_FLOW_BRACKETS:
        return None
    depth, line, col, quote, comment, previous = 0, 1, 0, "", False, "\n"
    escaped = False
    for ch in text:
        col += 1
        if ch == "\n":
            line, col, comment, previous = line + 1, 0, False, ch
            continue
        if comment:
            continue
        if quote:
            if quote == '"' and ch == "\\" and not escaped:
                escaped = True
                continue
            if ch == quote and not escaped:
                quote = ""
            escaped = False
        elif ch in "'\"" and previous in " \t\n[{,:":
            quote = ch
        elif ch == "#" and previous in " \t\n":
            comment = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_FLOW_BRACKETS:
                return line, col
        elif ch in "]}":
            depth = max(depth - 1, 0)
        previous = ch
    return None


def _depth(node: Any, level: int = 0, seen: dict[int, int] | None = None) -> int:
    """Nesting depth; each shared (aliased) node is walked once, so an alias bomb costs nothing."""
    seen = {} if seen is None else seen
    if level > MAX_DEPTH or not isinstance(node, (dict, list)):
        return level
    key = id(node)
    if key in seen and seen[key] >= level:
        return seen[key]
    seen[key] = level
    children = node.values() if isinstance(node, dict) else node
    return max((_depth(v, level + 1, seen) for v in children), default=level + 1)


# Nearly every article's front matter is flat `key: value` lines with quoted or plain text values.
# Those are read here directly (ruamel, pure Python, takes milliseconds a parse, and an archive
# pull parses thousands); anything this does not recognise as certainly plain goes to ruamel.
_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*): (.*)")
_PLAIN = re.compile(r"[^\W\d_][^\s:#,\[\]{}'\"\\]*(?: [^\s:#,\[\]{}'\"\\]+)*")  # a letter first
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # a timestamp, which our loader keeps as a string
_RESERVED = {"true", "false", "yes", "no", "on", "off", "y", "n", "null"}  # YAML 1.1 and 1.2 booleans, null
# Printable as YAML reads it, without line breaks of its own (NEL, U+2028/9) or a BOM.
_UNSAFE = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def simple_scalar(raw: str) -> str | None:
    """The string YAML reads from `raw` when it is a scalar with nothing to interpret: plain text
    that starts with a letter (no `:`, `#`, quotes or brackets, no boolean or null word), or a
    single- or double-quoted string without quotes or backslashes inside. None: ask ruamel."""
    if _UNSAFE.search(raw):
        return None
    if len(raw) >= 2 and raw[0] == raw[-1] == '"' and '"' not in raw[1:-1] and "\\" not in raw:
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == "'" and "'" not in raw[1:-1]:
        return raw[1:-1]
    if _PLAIN.fullmatch(raw) and raw.lower() not in _RESERVED:
        return raw
    return None


def simple_mapping(text: str) -> tuple[dict[str, str], dict[str, tuple[int, int]]] | None:
    """`text` as ruamel reads it when every line is `key: <simple scalar>` (distinct keys): the values
    and the 0-based (line, col) of each value; None for anything else (comments, blank lines, nesting,
    escapes, CRLF …), which `load_yaml` then reads."""
    if not text.endswith("\n"):
        return None
    values: dict[str, str] = {}
    positions: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(text[:-1].split("\n")):
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None or match.group(1) in values or match.group(1).lower() in _RESERVED:
            return None
        raw = match.group(2)
        # load_yaml keeps timestamps as text (see _loader)
        value = raw if _DATE.fullmatch(raw) else simple_scalar(raw)
        if value is None:
            return None
        values[match.group(1)] = value
        positions[match.group(1)] = (number, len(match.group(1)) + 2)
    return values, positions
