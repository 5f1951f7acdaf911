"""Render check results: text (grouped, coloured), json (the documented contract), junit, github annotations."""
from __future__ import annotations

import json
from itertools import groupby
from typing import Iterator
from xml.sax.saxutils import escape as xml_escape, quoteattr

from ..textscan import visible
from .runner import CheckResult

FORMATS = ("text", "json", "junit", "github")


def render_json(result: CheckResult) -> str:
    return "".join(json_pieces(result))


def json_pieces(result: CheckResult) -> Iterator[str]:
    """The JSON report one finding at a time, exactly as `json.dumps(result.to_json(), indent=2)`
    writes it: a cold check of an archive reports hundreds of thousands of findings, and neither
    their dicts nor the whole text need to be in memory at once."""
    doc = result.to_json(findings=False)
    whole = json.dumps({"findings": [], **doc}, ensure_ascii=False, indent=2)
    head = '{\n  "findings": []'
    assert whole.startswith(head)  # findings is the first key of the contract
    if not result.findings:
        yield whole
        return
    yield '{\n  "findings": ['
    for i, finding in enumerate(result.findings):
        text = json.dumps(finding.to_json(), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield (",\n    " if i else "\n    ") + text  # JSON strings hold no raw line break: only layout moves
    yield "\n  ]" + whole[len(head):]


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


SUMMARY_ROWS = 50


def render_github_summary(result: CheckResult) -> str:
    """Markdown for the job's summary page: GitHub shows only the first ten annotations of each
    kind per step, so the counts per check and the first findings are listed there."""
    from collections import Counter

    s = result.summary
    shown = [f for f in result.findings if f.severity != "info"]
    head = "passed" if not s["error"] else "failed"
    out = [f"### locflow check {head}: {s['error']} errors, {s['warning']} warnings", ""]
    if not shown:
        return "\n".join(out) + "\n"
    counts = Counter((f.check, f.severity) for f in shown)
    out += ["| check | severity | findings |", "|---|---|---:|"]
    out += [f"| `{check}` | {sev} | {n} |" for (check, sev), n in
            sorted(counts.items(), key=lambda kv: (kv[0][1] != "error", -kv[1], kv[0][0]))]
    first = sorted(shown, key=lambda f: (f.severity != "error", f.sort_key))[:SUMMARY_ROWS]
    title = f"First {len(first)} of {len(shown)} findings" if len(shown) > len(first) else "Findings"
    out += ["", f"<details><summary>{title}</summary>", "", "| where | check | message |", "|---|---|---|"]
    out += [f"| `{_md(f.path)}:{f.line or '-'}` | {f.severity} `{f.check}` | {_md(_describe(f))} |" for f in first]
    out += ["", "</details>"]
    return "\n".join(out) + "\n"


def _md(value: str) -> str:
    """A Markdown table cell: no line breaks, no column breaks, no HTML."""
    import html

    return html.escape(value.replace("\n", " ").replace("|", "\\|").replace("`", "'"), quote=False)


def _gh(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def _describe(f) -> str:
    subject = f" [{f.msgid[:60]}{'…' if len(f.msgid) > 60 else ''}]" if f.msgid else ""
    return visible(f"{f.message}{subject}")


def render_junit(result: CheckResult) -> str:
    """One test suite per catalog file with a test case per error or warning (errors fail), and a
    `locflow checks` suite with one passing test case per check and language that found nothing:
    a clean run still shows what it checked. Info findings are no test cases."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    shown = [f for f in result.findings if f.severity != "info"]
    found = {(f.check, f.language) for f in shown}
    passed = [(check, lang) for check in result.ran for lang in result.languages if (check, lang) not in found]
    s = result.summary
    out.append(f'<testsuites name="locflow check" tests="{len(shown) + len(passed)}" '
               f'failures="{s["error"]}" errors="0">')
    for path, items in groupby(shown, key=lambda f: f.path):
        items = list(items)
        failures = sum(f.severity == "error" for f in items)
        out.append(f"  <testsuite name={quoteattr(path)} tests=\"{len(items)}\" failures=\"{failures}\">")
        for f in items:
            # Control characters are not allowed in XML 1.0: a msgid with ESC would make the report unreadable.
            name = quoteattr(visible(f"{f.check}:{f.line or 0}: {(f.msgid or '')[:80]}"))
            out.append(f"    <testcase classname={quoteattr(path)} name={name}>")
            if f.severity == "error":
                out.append(f"      <failure type={quoteattr(f.check)} message={quoteattr(visible(f.message))}>"
                           f"{xml_escape(_describe(f))}</failure>")
            else:
                out.append(f"      <system-out>{xml_escape(f.severity + ': ' + _describe(f))}</system-out>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    if passed:
        out.append(f'  <testsuite name="locflow checks" tests="{len(passed)}" failures="0">')
        for check, lang in passed:
            out.append(f"    <testcase classname={quoteattr('locflow.' + check)} name={quoteattr(lang)}/>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out)


def print_text(result: CheckResult, console, *, show_info: bool = False, show_warnings: bool = True) -> None:
    """Errors and warnings in full; info findings (and warnings unless `show_warnings`) are counted,
    and the closing line always counts every finding."""
    from collections import Counter

    from rich.markup import escape

    colour = {"error": "red", "warning": "yellow", "info": "blue"}
    hidden_kinds = ({"info"} if not show_info else set()) | ({"warning"} if not show_warnings else set())
    shown = [f for f in result.findings if f.severity not in hidden_kinds]
    for path, items in groupby(shown, key=lambda f: f.path):
        console.print(f"[bold]{escape(path)}[/]")
        for f in items:
            line = f"{f.line}" if f.line else "-"
            subject = f" [dim]{escape(repr(f.msgid[:60]))}[/]" if f.msgid else ""
            console.print(f"  {line:>5}  [{colour.get(f.severity, 'white')}]{f.severity:<7}[/] "
                          f"[cyan]{f.check}[/]  {escape(f.message)}{subject}")
    hidden = Counter((f.severity, f.check) for f in result.findings if f.severity in hidden_kinds)
    for (severity, check), count in sorted(hidden.items(), key=lambda kv: (kv[0][0] != "warning", kv[0][1])):
        console.print(f"[{colour[severity]}]{severity}[/]: {check} x{count} (list them with --only {check})")
    s = result.summary
    state = "[red]failed[/]" if s["error"] else "[green]passed[/]"
    console.print(f"{state}: {s['error']} errors, {s['warning']} warnings")
