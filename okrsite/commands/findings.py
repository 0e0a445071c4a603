"""What `okrsite check` found, in the formats other tools read: JSON, GitHub Actions
annotations and a SARIF 2.1.0 log (code scanning). The text format is the diagnostics'
own `path:line:col: severity: message [rule-id]` lines.

Paths are relative to the site folder, as in every diagnostic; GitHub resolves annotation
and SARIF paths against the repository, so inside a GitHub Actions job
(`GITHUB_WORKSPACE` set) those two name the file from the repository's root, and a site in
a subfolder gets its annotations on the right files.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path

from okrsite import __version__
from okrsite.content.config import CheckSettings
from okrsite.content.options import options_of
from okrsite.diagnostics import Diagnostic, one_line

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
CONTENT_RULE = "content"  # SARIF's rule id for a problem of loading (no check rule): code scanning wants one


def render(report_format: str, diagnostics: Sequence[Diagnostic], root: Path,
           environ: Mapping[str, str] | None = None) -> str:
    """The diagnostics of a check of the site in `root`, as `report_format` (json, github, sarif)."""
    env = os.environ if environ is None else environ
    if report_format == "json":
        return as_json(diagnostics)
    prefix = _repository_prefix(root, env.get("GITHUB_WORKSPACE", ""))
    return as_github(diagnostics, prefix) if report_format == "github" else as_sarif(diagnostics, prefix)


def as_json(diagnostics: Sequence[Diagnostic]) -> str:
    """An array of `{path, line, col, severity, rule, message}`; `rule` is null for a loading problem."""
    rows = [{"path": one_line(d.path), "line": d.line, "col": d.col, "severity": d.severity,
             "rule": d.rule or None, "message": one_line(d.message)} for d in diagnostics]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def as_github(diagnostics: Sequence[Diagnostic], prefix: str = "") -> str:
    """`::warning file=…,line=…,col=…,title=rule::message` workflow commands, one a line."""
    lines = []
    for d in diagnostics:
        fields = [f"file={_property(prefix + one_line(d.path))}", f"line={d.line}", f"col={d.col}"]
        if d.rule:
            fields.append(f"title={_property(d.rule)}")
        lines.append(f"::{d.severity} {','.join(fields)}::{_data(one_line(d.message))}\n")
    return "".join(lines)


def _data(text: str) -> str:
    """A workflow command's message: the runner reads %, CR and LF as escapes."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property value: also ':' and ',' end it."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def as_sarif(diagnostics: Sequence[Diagnostic], prefix: str = "") -> str:
    """A SARIF 2.1.0 log with one run: okrsite's rules in `tool.driver.rules`, a result per diagnostic."""
    rules = [{"id": rule_id, "shortDescription": {"text": _sentence(option.help)},
              "defaultConfiguration": {"level": _level(str(field.default))}}
             for rule_id, field, option in options_of(CheckSettings)]
    rules.append({"id": CONTENT_RULE, "shortDescription": {
        "text": "A problem in the configuration or content itself (okrsite build reports it too)."},
        "defaultConfiguration": {"level": "error"}})
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    results = []
    for d in diagnostics:
        rule_id = d.rule or CONTENT_RULE
        results.append({
            "ruleId": rule_id, "ruleIndex": index[rule_id], "level": d.severity,
            "message": {"text": one_line(d.message)},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": urllib.parse.quote(prefix + one_line(d.path))},
                "region": {"startLine": d.line, "startColumn": d.col}}}]})
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "okrsite", "version": __version__, "rules": rules}},
        "columnKind": "unicodeCodePoints", "results": results}]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:].replace("`", "'") + "."


def _level(severity: str) -> str:
    return "none" if severity == "off" else severity


def _repository_prefix(root: Path, workspace: str) -> str:
    """'okrs/' for a site in the okrs/ folder of the repository GitHub Actions checked out."""
    if not workspace:
        return ""
    rel = os.path.relpath(root.resolve(), Path(workspace).resolve())
    if rel == "." or rel == ".." or rel.startswith(".." + os.sep):
        return ""
    return Path(rel).as_posix() + "/"
