"""Render check results: text (grouped, coloured), json (DESIGN.md), junit, github annotations."""
from __future__ import annotations

import json
from itertools import groupby
from xml.sax.saxutils import escape as xml_escape, quoteattr

from .runner import CheckResult

FORMATS = ("text", "json", "junit", "github")


def render_json(result: CheckResult) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2)


def render_github(result: CheckResult) -> str:
    """GitHub workflow commands: one annotation per finding, shown on the PR diff."""
    lines = []
    for f in result.findings:
        if f.severity == "info":
            continue  # annotations are for what a reviewer must act on
        level = {"error": "error", "warning": "warning"}.get(f.severity, "notice")
        where = f"file={_gh(f.path, prop=True)}" + (f",line={f.line}" if f.line else "")
        lines.append(f"::{level} {where},title={_gh('locflow ' + f.check, prop=True)}::{_gh(_describe(f))}")
    s = result.summary
    lines.append(f"locflow check: {s['error']} errors, {s['warning']} warnings")
    return "\n".join(lines)


def _gh(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def _describe(f) -> str:
    subject = f" [{f.msgid[:60]}{'…' if len(f.msgid) > 60 else ''}]" if f.msgid else ""
    return f"{f.message}{subject}"


def render_junit(result: CheckResult) -> str:
    """One test suite per catalog file, one failing test case per finding."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    s = result.summary
    out.append(f'<testsuites name="locflow check" tests="{len(result.findings)}" '
               f'failures="{s["error"]}" errors="0">')
    for path, items in groupby(result.findings, key=lambda f: f.path):
        items = list(items)
        failures = sum(f.severity == "error" for f in items)
        out.append(f"  <testsuite name={quoteattr(path)} tests=\"{len(items)}\" failures=\"{failures}\">")
        for f in items:
            name = quoteattr(f"{f.check}:{f.line or 0}: {(f.msgid or '')[:80]}")
            out.append(f"    <testcase classname={quoteattr(path)} name={name}>")
            tag = "failure" if f.severity == "error" else "system-out"
            if tag == "failure":
                out.append(f"      <failure type={quoteattr(f.check)} message={quoteattr(f.message)}>"
                           f"{xml_escape(_describe(f))}</failure>")
            else:
                out.append(f"      <system-out>{xml_escape(f.severity + ': ' + _describe(f))}</system-out>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out)


def print_text(result: CheckResult, console, *, show_info: bool = False) -> None:
    """Errors and warnings in full; info findings are counted unless `show_info`."""
    from collections import Counter

    from rich.markup import escape

    colour = {"error": "red", "warning": "yellow", "info": "blue"}
    shown = [f for f in result.findings if show_info or f.severity != "info"]
    for path, items in groupby(shown, key=lambda f: f.path):
        console.print(f"[bold]{escape(path)}[/]")
        for f in items:
            line = f"{f.line}" if f.line else "-"
            subject = f" [dim]{escape(repr(f.msgid[:60]))}[/]" if f.msgid else ""
            console.print(f"  {line:>5}  [{colour.get(f.severity, 'white')}]{f.severity:<7}[/] "
                          f"[cyan]{f.check}[/]  {escape(f.message)}{subject}")
    hidden = Counter(f.check for f in result.findings if f.severity == "info" and not show_info)
    for check, count in sorted(hidden.items()):
        console.print(f"[blue]info[/]: {check} x{count} (list them with --only {check})")
    s = result.summary
    state = "[red]failed[/]" if s["error"] else "[green]passed[/]"
    console.print(f"{state}: {s['error']} errors, {s['warning']} warnings")
