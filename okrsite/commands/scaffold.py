"""`okrsite init`: a new site with example content for the current quarter and a CI workflow.

The starter files are real files under `okrsite/scaffold_site/`, shipped in the
wheel. Two naming rules turn them into the new site:

- a leading `dot-` in a file or folder name becomes `.` (`dot-gitignore` ->
  `.gitignore`), because packaging tools drop or hide dotfiles;
- files ending in `.in` lose that suffix and have their `{{name}}` placeholders
  filled in (the quarter, dates inside it, the branch, what CI installs);
  `{{name}}` in a path is filled in too. Other files are copied byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from okrsite import __version__
from okrsite.commands.install_spec import EXAMPLE_GIT, InstallSpec, default_spec
from okrsite.content.config import default_as_of
from okrsite.content.git import GitError, git
from okrsite.model.periods import quarter_containing

STARTER = Path(__file__).resolve().parent / "scaffold_site"
WORKFLOW = ".github/workflows/okrsite.yml"
_PLACEHOLDER = re.compile(r"\{\{([a-z_0-9]+)\}\}")
_IGNORED_WHEN_EMPTY = {".git"}  # a folder that holds only a fresh `git init` counts as empty


class ScaffoldError(Exception):
    """The site cannot be created here; the message says why."""


@dataclass(frozen=True)
class ScaffoldReport:
    root: Path
    period: str
    created: tuple[str, ...]
    skipped: tuple[str, ...]  # existing files, left as they were
    branch: str
    in_repository: tuple[Path, str] | None = None  # (repository top, site folder in it) for a subfolder
    package: InstallSpec = default_spec()  # what the workflow installs


def placeholders(today: dt.date, branch: str, package: InstallSpec | None = None) -> dict[str, str]:
    """Values for the starter files: the quarter containing `today`, dates inside it, the
    branch to deploy and what the workflow installs (a quoted YAML string).

    Check-ins fall between the quarter's start and `today`, the latest at most two days ago, so
    the example shows progress at once and no key result is stale (`okrsite check --strict`
    passes); the first a day before the latest at least (on the quarter's first days, the day
    before it: two values on one date read as a slip); milestones and the project are due
    later in the quarter, and never before today (a site made late in a quarter has nothing
    overdue, and its project started by today).
    """
    quarter = quarter_containing(today)
    elapsed = (today - quarter.start).days

    def day(offset: int) -> str:
        return (quarter.start + dt.timedelta(days=offset)).isoformat()

    def ahead(offset: int) -> str:  # due `offset` days in, a week after today at the soonest, by the quarter's end
        return day(min(quarter.days - 1, max(offset, elapsed + 7)))

    latest = elapsed - min(elapsed, 2)
    return {
        "period": quarter.id,
        "checkin_1": day(min(elapsed // 3, latest - 1)),  # before the latest (its value is another): on the
        # quarter's first days, the day before it, a baseline reading
        "checkin_2": day(latest),
        "due_1": day(20),
        "due_2": ahead(50),
        "due_3": ahead(quarter.days - 10),
        "project_start": day(min(7, latest)),  # by its update
        "project_due": ahead(quarter.days - 14),
        "branch": branch,
        "okrsite_version": __version__,
        "package": (package or default_spec()).yaml(),
    }


def fill(text: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return values[match[1]]  # an unknown placeholder is a bug in the starter files

    return _PLACEHOLDER.sub(value, text)


def target_path(relative: Path, values: dict[str, str]) -> str:
    """Where a starter file goes in the new site (a posix path relative to its root)."""
    parts = [("." + part[4:]) if part.startswith("dot-") else part for part in relative.parts]
    if parts[-1].endswith(".in"):
        parts[-1] = parts[-1][:-3]
    return fill("/".join(parts), values)


def starter_files() -> list[Path]:
    return sorted(p for p in STARTER.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _git(folder: Path, *args: str) -> str | None:
    """git's answer, asked where `folder` is or will be; None when git fails or is missing."""
    cwd = folder.resolve()
    while not cwd.is_dir():  # the site's folder may not exist yet: ask from the repository it will be in
        cwd = cwd.parent
    try:
        answer = git(cwd, *args).decode("utf-8", "replace").strip()
    except GitError:
        return None
    return answer or None


def default_branch(folder: Path) -> str:
    """The branch the workflow deploys: the remote's default, the branch of a fresh
    repository, git's init.defaultBranch, or "main"."""
    for args in (["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"],
                 ["symbolic-ref", "--quiet", "--short", "HEAD"],
                 ["config", "--get", "init.defaultBranch"]):
        name = (_git(folder, *args) or "").removeprefix("origin/")
        if name and re.fullmatch(r"[\w./-]+", name):
            return name
    return "main"


def subfolder_of_repository(folder: Path) -> tuple[Path, str] | None:
    """(top of the repository, the folder relative to it) when `folder` is inside a
    repository but not its top: GitHub runs workflows only from the top."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    try:
        rel = folder.resolve().relative_to(Path(top).resolve()).as_posix()
    except ValueError:
        return None
    return (Path(top), rel) if rel != "." else None


def is_empty(folder: Path) -> bool:
    return not folder.exists() or all(p.name in _IGNORED_WHEN_EMPTY for p in folder.iterdir())


def create_site(root: Path, *, force: bool = False, today: dt.date | None = None,
                branch: str | None = None, package: InstallSpec | None = None) -> ScaffoldReport:
    """Write the starter site into `root`; existing files are never overwritten."""
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"{root} exists and is not a folder")
    if not force and not is_empty(root):
        raise ScaffoldError(f"{root} is not empty: pass --force to add the starter files "
                            "(existing files are kept as they are)")
    package = package or default_spec()
    values = placeholders(today or default_as_of(), branch or default_branch(root), package)
    created: list[str] = []
    skipped: list[str] = []
    for rel, source in sorted((target_path(p.relative_to(STARTER), values), p) for p in starter_files()):
        target = root / rel
        if target.exists() or target.is_symlink():
            skipped.append(rel)
            continue
        data = source.read_bytes()
        if source.name.endswith(".in"):
            data = fill(data.decode("utf-8"), values).encode("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as out:  # "x": never replace a file that appeared meanwhile
            out.write(data)
        created.append(rel)
    return ScaffoldReport(root, values["period"], tuple(created), tuple(skipped), values["branch"],
                          subfolder_of_repository(root), package)


def next_steps(report: ScaffoldReport, shown: Path) -> str:
    """What to do after `okrsite init`, as the command prints it."""
    cd = [] if shown in (Path("."), Path("")) else [f"  cd {shlex.quote(str(shown))}"]
    lines = [
        "",
        (f"A new OKR site for {report.period} is ready. Next steps:" if report.created else
         "Every file of a new site was there already: nothing was written. Next steps:"),
        *cd,
        "  okrsite serve              preview it at http://127.0.0.1:8000 while you edit content/",
        "  okrsite build --strict     build it into output/, as CI does",
        "",
        "Publish on GitHub Pages:",
        # -b: git names a new repository's branch 'master' unless configured, and the workflow
        # would then deploy a branch that never gets a push
        f"  git init -b {report.branch} && git add . && git commit -m 'OKR site'   (if it is not in a repository yet)",
        "  push to GitHub, then Settings -> Pages -> Source: GitHub Actions",
        "  set site_url in okrsite.yaml to https://<org>.github.io/<repo>/",
        *([f"  ({WORKFLOW} was there already and is left as it was: what it deploys and installs is in it)"]
          if WORKFLOW in report.skipped else
          [f"  ({WORKFLOW} checks pull requests and deploys pushes to '{report.branch}';",
           *_install_note(report.package)]),
        "Or publish on an intranet: set 'publish' in okrsite.yaml, then run 'okrsite hook install'.",
    ]
    if report.in_repository:
        top, rel = report.in_repository
        lines += ["",
                  f"Note: the site is in the folder '{rel}' of the repository at {top}. GitHub runs",
                  f"workflows only from {top / '.github/workflows'}: move okrsite.yml there, and in it",
                  f"add 'defaults: {{run: {{working-directory: {rel}}}}}' to the check and build jobs,",
                  f"and start the cache paths, the hashFiles patterns and the artifact path with '{rel}/'."]
    return "\n".join(lines)


def _install_note(package: InstallSpec) -> list[str]:
    if package != default_spec():
        return [f"   it installs {package.text})"]
    return [f"   it installs {package.text} from PyPI; until that version is published there, set",
            f"   OKRSITE_PACKAGE in it to a tag of okrsite's repository: \"{EXAMPLE_GIT}\")"]
