"""What the generated CI workflow installs (`okrsite init --package SPEC`): pinned, and safe in YAML.

The workflow runs `pip install "$OKRSITE_PACKAGE"` in the job that builds what is
published, so the spec must name code that cannot change under it: an exact version
(`okrsite==0.2.0`; a version on PyPI is never replaced) or a git URL at a tag
or commit (`git+https://github.com/<owner>/okrsite@v0.2.0`). A git URL without a
ref follows a branch: allowed, with a warning. Anything else (a bare name, a
range, a local path, `git+http://`) is refused.

The spec is written into the workflow as a YAML string. GitHub evaluates
`${{ ... }}` in every string of a workflow, and the shell sees the value only
through a quoted variable, so a spec may hold nothing outside the characters a
version or URL needs: no spaces, quotes, `$`, braces, backslashes or control
characters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from okrsite import __version__

EXAMPLE_GIT = f"git+https://github.com/<owner>/okrsite@v{__version__}"
_UNSAFE = re.compile(r"[^\x21-\x7e]|[\"'`$\\{}]")  # spaces, control characters, quotes, '$', braces, backslash
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_EXACT = re.compile(rf"{_NAME}(?:\[{_NAME}(?:,{_NAME})*\])?===?[A-Za-z0-9][A-Za-z0-9.+!_-]*")
_GIT = re.compile(rf"(?:{_NAME}@)?git\+(?P<scheme>[a-z]+)://(?P<rest>.+)")


class SpecError(ValueError):
    """The spec would not pin what the workflow installs, or is unsafe in it; the message says why."""


@dataclass(frozen=True)
class InstallSpec:
    text: str
    warning: str | None = None

    def yaml(self) -> str:
        """The spec as a YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
        return json.dumps(self.text)


def default_spec() -> InstallSpec:
    """The version that writes the workflow, exactly."""
    return InstallSpec(f"okrsite=={__version__}")


def parse_spec(text: str) -> InstallSpec:
    """A pinned, YAML- and shell-safe install spec; SpecError otherwise."""
    spec = text.strip()
    if not spec:
        raise SpecError(f"--package is empty: give an exact version (okrsite=={__version__}) or a git URL at a tag "
                        f"or commit ({EXAMPLE_GIT})")
    if _UNSAFE.search(spec):
        raise SpecError(f"--package {spec!r}: only the characters of a version or a URL are allowed "
                        "(no spaces, quotes, '$', braces or backslashes)")
    if _EXACT.fullmatch(spec):
        return InstallSpec(spec)
    git = _GIT.fullmatch(spec)
    if git is None:
        raise SpecError(f"--package {spec!r} does not pin what CI installs: give an exact version "
                        f"(okrsite=={__version__}) or a git URL at a tag or commit ({EXAMPLE_GIT})")
    if git["scheme"] not in ("https", "ssh"):
        raise SpecError(f"--package {spec!r}: use git+https:// (or git+ssh://), never an unencrypted transport")
    path = urlsplit(f"{git['scheme']}://{git['rest']}").path  # user@ belongs to the host, not the path
    if "@" not in path or path.endswith("@"):
        return InstallSpec(spec, f"--package {spec!r} names no tag or commit, so CI installs whatever the "
                                 f"default branch holds at each run; add @<tag> or @<commit> ({EXAMPLE_GIT})")
    return InstallSpec(spec)
