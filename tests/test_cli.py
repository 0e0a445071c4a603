"""The command line basics: version, usage, --config, --output, --as-of, --quiet."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import okrsite
from okrsite.commands.cli import main
from tests.conftest import write, write_objective


def okrsite_subprocess(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "okrsite", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def test_version_prints_the_package_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"okrsite {okrsite.__version__}\n"
    assert okrsite.__version__ == "0.1.0"


def test_the_package_metadata_has_the_same_version() -> None:
    assert importlib.metadata.version("okrsite") == okrsite.__version__


def test_python_m_okrsite_is_the_same_program(tmp_path: Path) -> None:
    result = okrsite_subprocess(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout == f"okrsite {okrsite.__version__}\n"


@pytest.mark.skipif(shutil.which("okrsite") is None, reason="the okrsite console script is not installed")
def test_the_console_script_is_the_same_program(tmp_path: Path) -> None:
    result = subprocess.run(["okrsite", "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == f"okrsite {okrsite.__version__}\n"


@pytest.mark.parametrize("command", [["-m", "okrsite"], ["-c", "from okrsite.commands.cli import run; run()"]])
def test_a_command_s_whole_output_and_exit_code_reach_a_pipe(tmp_path: Path, command: list[str]) -> None:
    """The process ends without Python's teardown once the command is done (cli.run): what it
    printed to a pipe is all there first, the last short line that waited in Python's buffer too,
    with the command's exit code."""
    for index in range(300):
        write_objective(tmp_path, f"o{index:03}", f"Objective {index}")
    write(tmp_path, "okrsite.yaml", "title: Many\nas_of: 2026-02-15\n")
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as in most shells
    for form, strict, code in (("text", False, 0), ("text", True, 1), ("json", True, 1)):  # warnings: a stale KR each
        result = subprocess.run([sys.executable, *command, "check", "--format", form, *["--strict"][:strict]],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120, env=buffered)
        assert result.returncode == code
        if form == "json":
            assert len(json.loads(result.stdout)) == 300
        else:
            assert len([line for line in result.stderr.splitlines() if line.endswith("[stale-kr]")]) == 300
            summary = result.stderr.splitlines()[-1] if strict else result.stdout  # (a failed check's, to stderr)
            assert summary.startswith("okrsite: check failed" if strict else "checked 300 objectives")


def test_output_piped_to_a_reader_that_leaves_ends_quietly(tmp_path: Path, monkeypatch) -> None:
    """`okrsite init okrs | head -5` ended in a BrokenPipeError traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader left: every write now fails with EPIPE
    stdout = open(write_end, "w", buffering=1, closefd=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        assert main(["init", str(tmp_path / "okrs")]) == 141  # no exception escapes; not 1, a content error
    finally:
        stdout.close()


def test_no_command_is_a_usage_error(capsys) -> None:
    assert main([]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith("usage: okrsite")
    assert "build" in out.err


def test_no_command_in_a_subprocess_exits_2(tmp_path: Path) -> None:
    result = okrsite_subprocess(tmp_path)
    assert result.returncode == 2 and "usage: okrsite" in result.stderr and "Traceback" not in result.stderr


def test_an_unknown_command_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["bild"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.splitlines()  # one line, with the command meant, as a field's slip gets
    assert len(err) == 1 and "invalid choice: 'bild'" in err[0] and err[0].endswith("(did you mean 'build'?)"), err


@pytest.mark.parametrize("args, said", [
    (["build", "--strcit"], "okrsite build: error: unrecognized arguments: --strcit (did you mean '--strict'?)"),
    (["build", "--jbos", "2"], "okrsite build: error: unrecognized arguments: --jbos 2 (did you mean '--jobs'?)"),
    (["check", "--formt=json"], "okrsite check: error: unrecognized arguments: --formt=json (did you mean '--format'?)"),
    (["build", "extra"], "okrsite build: error: unrecognized arguments: extra"),
])
def test_an_unknown_option_is_named_by_its_command(capsys, args, said) -> None:
    """The command's own usage and the option likely meant (argparse left them to the top-level
    parser, whose usage names no option of the command)."""
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"usage: okrsite {args[0]} [-h]") and err[-1] == said, err


def test_build_prints_a_summary_and_writes_the_output(small_site: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(small_site)
    assert main(["build"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("built ") and out.out.rstrip().endswith(str(small_site.resolve() / "output"))
    assert out.err == ""
    assert (small_site / "output/index.html").is_file()


def test_build_with_config_from_another_folder(small_site: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["build", "--config", str(small_site / "okrsite.yaml")]) == 0
    assert (small_site / "output/index.html").is_file()
    assert list(elsewhere.iterdir()) == []  # output_dir is relative to the config file, not the cwd
    capsys.readouterr()


def test_build_with_a_relative_config_path(small_site: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(small_site.parent)
    assert main(["build", "--config", f"{small_site.name}/okrsite.yaml", "--quiet"]) == 0
    assert (small_site / "output/okrs.json").is_file()


def test_short_flags_say_what_the_long_ones_say(small_site: Path, monkeypatch, capsys) -> None:
    """-q, -v and -j, as most command-line tools spell them."""
    monkeypatch.chdir(small_site)
    assert main(["build", "-q", "-j", "1"]) == 0 and capsys.readouterr() == ("", "")
    assert main(["build", "-v", "--as-of", "2026-02-16"]) == 0 and "documents: " in capsys.readouterr().out
    assert main(["check", "-q"]) == 0 and capsys.readouterr() == ("", "")


def test_output_overrides_output_dir(small_site: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    write(small_site, "okrsite.yaml", (small_site / "okrsite.yaml").read_text() + "output_dir: public\n")
    monkeypatch.chdir(small_site)
    assert main(["build", "--output", str(tmp_path / "custom")]) == 0
    assert (tmp_path / "custom/index.html").is_file()
    assert not (small_site / "public").exists() and not (small_site / "output").exists()
    assert str((tmp_path / "custom").resolve()) in capsys.readouterr().out


def test_a_relative_output_is_relative_to_the_current_folder(small_site: Path, tmp_path: Path,
                                                             monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--config", str(small_site / "okrsite.yaml"), "--output", "site-out", "--quiet"]) == 0
    assert (tmp_path / "site-out/index.html").is_file()


def test_output_dir_from_the_config_is_used_without_output(small_site: Path, monkeypatch, capsys) -> None:
    write(small_site, "okrsite.yaml", (small_site / "okrsite.yaml").read_text() + "output_dir: public\n")
    monkeypatch.chdir(small_site)
    assert main(["build", "--quiet"]) == 0
    assert (small_site / "public/index.html").is_file() and not (small_site / "output").exists()


def test_as_of_overrides_the_config(small_site: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(small_site)
    assert main(["build", "--quiet"]) == 0
    assert json.loads((small_site / "output/okrs.json").read_text())["as_of"] == "2026-02-15"
    assert main(["build", "--as-of", "2026-03-01", "--quiet"]) == 0
    data = json.loads((small_site / "output/okrs.json").read_text())
    assert data["as_of"] == "2026-03-01"
    # The report date drives expected pace: 59 of 90 days of 2026-Q1 have passed on 1 March.
    [objective] = data["objectives"]
    assert objective["expected"] == pytest.approx(59 / 90)


def test_quiet_prints_nothing_on_success(small_site: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(small_site)
    assert main(["build", "--quiet"]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert (small_site / "output/index.html").is_file()


def test_quiet_hides_warnings_but_strict_quiet_still_reports_them(small_site: Path, monkeypatch, capsys) -> None:
    write(small_site, "content/projects/blog.md", "---\ntitle: Blog\n---\n")
    monkeypatch.chdir(small_site)
    assert main(["build", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["build", "--quiet", "--strict"]) == 1
    warning = ("content/projects/blog.md:2:1: warning: project 'blog' supports no objective or key result "
               "[unaligned-project]\n")
    assert capsys.readouterr().err.startswith(warning)


def test_quiet_prints_the_errors_alone_when_a_build_or_check_fails(small_site: Path, monkeypatch, capsys) -> None:
    """With an error beside them, the warnings were printed too: "nothing but errors" held only
    while there were none (a check with a rule set to error printed six warnings in a hook)."""
    write(small_site, "content/objectives/ship.md", "---\ntitle: Ship\nperiod: 2026-Q1\nkey_results:\n"
          "  - {id: a, title: A, start: 0, target: 3, checkins: [{date: 2025-02-10, value: 1}]}\n---\n")  # a warning
    write(small_site, "content/projects/wiki.md", "---\ntitle: Wiki\nbudget: {planned: lots}\n---\n")  # an error
    monkeypatch.chdir(small_site)
    for command in ("build", "check"):
        assert main([command]) == 1
        assert "content/objectives/ship.md:5:62: warning: check-in dated 2025-02-10" in capsys.readouterr().err
        assert main([command, "--quiet"]) == 1
        err = capsys.readouterr().err.splitlines()
        assert err[0].startswith("content/projects/wiki.md:3:19: error: 'planned': expected a number"), err
        assert len(err) == 2 and err[1].startswith(f"okrsite: {command} failed: 1 error(s)"), err
    assert main(["build", "--quiet", "--strict"]) == 1  # what fails a strict build is listed, warnings too
    assert "content/objectives/ship.md:5:62: warning: check-in dated 2025-02-10" in capsys.readouterr().err


def test_subprocess_build_succeeds_with_exit_0(small_site: Path) -> None:
    result = okrsite_subprocess(small_site, "build", "--as-of", "2026-03-01")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout.startswith("built ")
    assert json.loads((small_site / "output/okrs.json").read_text())["as_of"] == "2026-03-01"
