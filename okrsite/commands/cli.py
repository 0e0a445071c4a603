"""The command line: parse arguments, run a command, print diagnostics, pick the exit code.

Exit codes: 0 success, 1 content errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from okrsite import __version__
from okrsite.content.config import CONFIG_NAME, default_as_of
from okrsite.content.schema import calendar_date, suggest
from okrsite.diagnostics import BuildFailed, Diagnostic, Diagnostics
from okrsite.filesystem.realpaths import leads_inside
from okrsite.model.periods import FIRST_DAY, LAST_DAY
from okrsite.model.scoring import ZONES
from okrsite.site.formatting import plural
from okrsite.commands.exits import EXIT_BROKEN_PIPE, EXIT_CONTENT, EXIT_OK, EXIT_USAGE
from okrsite.commands.findings import FORMATS, render
from okrsite.commands.progress import Progress

if TYPE_CHECKING:  # the build's modules are imported by the commands that use them: `okrsite --help` stays quick
    from okrsite.build.builder import BuildOptions



def _date(value: str) -> dt.date:
    try:
        day = calendar_date(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-02-15, got {value!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"expected a date from {FIRST_DAY} to {LAST_DAY}, got {value!r}")
    return day


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:  # 0: any free port
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value!r}")
    return int(value)


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more), got {value!r}")
    return int(value)


def _delimiter(value: str) -> str:
    delimiters = {",": ",", ";": ";", "tab": "\t", "\t": "\t"}
    if value not in delimiters:
        raise argparse.ArgumentTypeError(f"expected ',', ';' or tab, got {value!r}")
    return delimiters[value]


def _encoding(value: str) -> str:
    """A text encoding Python knows (`utf-8`, `cp1252`, `latin-1`), checked before the sheet is read."""
    if not _text_encoding(value):
        from encodings.aliases import aliases

        known = sorted(name for name in {*aliases, *aliases.values()} if _text_encoding(name))
        raise argparse.ArgumentTypeError(f"expected a text encoding such as utf-8 or cp1252, got {value!r}"
                                         f"{suggest(value.lower(), known)}")
    return value


def _text_encoding(name: str) -> bool:
    """Python knows `name` as an encoding of text (base64, zlib and the like encode bytes)."""
    try:
        b"a".decode(name)  # (b"" is decoded without looking the name up)
    except UnicodeDecodeError:  # one byte is no utf-16 text: the name is known
        pass
    except (LookupError, UnicodeError):  # ("undefined" is a codec that decodes nothing)
        return False
    return True


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    _add_config_option(parser)
    parser.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                        help="report date for expected pace and status (overrides as_of)")


def _add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=Path(CONFIG_NAME), metavar="PATH",
                        help=f"the site configuration (default: ./{CONFIG_NAME})")


def _print_diagnostics(items: Sequence[object]) -> None:
    """One line each, written at once: standard error writes each line as it comes, and `okrsite
    check` on a large site prints thousands (3,782 at 1,000 objectives: 11 ms line by line, 2 ms)."""
    sys.stderr.write("".join(f"{item}\n" for item in items))
    sys.stderr.flush()


def _config_exists(args: argparse.Namespace) -> bool:
    if args.config.is_file():
        return True
    print(f"okrsite: error: no site configuration at {args.config} "
          f"(run it where {CONFIG_NAME} is, pass --config, or create a site with 'okrsite init')",
          file=sys.stderr)
    return False


def _failed(failed: BuildFailed, strict: bool, what: str, consequence: str = "", listed: bool = True,
            quiet: bool = False) -> int:
    """Print the diagnostics (unless `listed` elsewhere; `quiet`: the errors alone, and the warnings
    that --strict made fail it) and why it failed."""
    if listed:
        _print_diagnostics([d for d in failed.diagnostics if strict or not quiet or d.severity == "error"])
    errors = sum(d.severity == "error" for d in failed.diagnostics)
    warnings = len(failed.diagnostics) - errors
    reason = f"{errors} error(s)" + (f", {warnings} warning(s) (--strict)" if strict and warnings else "")
    print(f"okrsite: {what}: {reason}{consequence}", file=sys.stderr)
    return EXIT_CONTENT


def _left_behind(args: argparse.Namespace) -> str:
    """What a failed build left in its output folder: the last build's output, or nothing."""
    from okrsite.content.config import load_config

    config = load_config(args.config, Diagnostics(), output=args.output)
    # (a configuration with errors names no folder: the one --output or the default names)
    output = config.output_dir if config is not None else args.output or args.config.parent / "output"
    return "; the previous output was left as it was" if output.is_dir() else "; nothing was written"


def _output_refused(options: BuildOptions) -> bool:
    """A folder given with --output that no build may write (the site folder, inside the content,
    a folder of other files) is a usage error, said as one: the command line chose it, not a file
    of the site. (A configuration that does not load is the build's to report.)"""
    from okrsite.build.builder import check_output
    from okrsite.build.output import UnsafeOutput
    from okrsite.content.config import load_config

    config = load_config(options.config_path, Diagnostics(), output=options.output) if options.output else None
    try:
        if config is not None:
            check_output(config, options)
    except UnsafeOutput as exc:
        print(f"okrsite: error: --output {options.output}: {exc}", file=sys.stderr)
        return True
    return False


def run_build(args: argparse.Namespace) -> int:
    from okrsite.build.builder import BuildOptions, build, unreadable

    if not _config_exists(args):
        return EXIT_USAGE
    options = BuildOptions(args.config, output=args.output, as_of=args.as_of, strict=args.strict, jobs=args.jobs)
    if _output_refused(options):
        return EXIT_USAGE
    # A progress line only on a terminal: CI logs get the summary alone, --quiet nothing.
    progress = Progress(sys.stderr) if sys.stderr.isatty() and not args.quiet else None
    try:
        report = build(options, progress)
    except BuildFailed as failed:
        return _failed(failed, args.strict, "build failed", _left_behind(args), quiet=args.quiet)
    except OSError as exc:  # a theme or asset file that cannot be read, say: at its path, not a traceback
        problem = unreadable(exc, args.config.parent) or Diagnostic(
            CONFIG_NAME, 1, 1, "error", f"cannot build the site: {exc.strerror or exc}")
        return _failed(BuildFailed([problem]), args.strict, "build failed", _left_behind(args), quiet=args.quiet)
    finally:
        if progress:
            progress.clear()
    if not args.quiet:  # --quiet: nothing but errors (CI logs, git hooks)
        _print_diagnostics(report.warnings)
        if args.verbose:
            workers = report.charts_workers
            where = f" ({plural(workers, 'process', 'processes')})" if workers else ""
            print(f"charts: {report.charts_drawn} drawn{where}, {report.charts_cached} from the cache, "
                  f"{report.charts_seconds:.2f} s; documents: {report.documents_parsed} parsed, "
                  f"{report.documents_cached} cached; pages: {report.pages_kept} kept (inputs unchanged), "
                  f"{plural(report.pages_workers, 'rendering process', 'rendering processes')}")
        print(report.summary())
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from okrsite.build.builder import BuildOptions
    from okrsite.commands.server import PortBusy, is_loopback
    from okrsite.commands.serve import Preview

    if not _config_exists(args):
        return EXIT_USAGE
    if not is_loopback(args.host):
        print(f"okrsite: warning: serving on {args.host}: anyone who can reach this machine can read "
              "the site; the preview is meant for 127.0.0.1", file=sys.stderr)
    options = BuildOptions(args.config, as_of=args.as_of, output=args.output)
    if _output_refused(options):
        return EXIT_USAGE
    preview = Preview(options, host=args.host, port=args.port, poll=args.poll)
    _stop_on_termination()
    try:
        try:
            preview.start()
        except PortBusy as exc:
            print(f"okrsite: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except OSError as exc:
            print(f"okrsite: error: cannot listen on {args.host} port {args.port or 'any'}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"serving {preview.url} (Ctrl-C to stop)", flush=True)
        if args.open:
            import webbrowser
            webbrowser.open(preview.url)
        preview.wait()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
    print("stopped")
    return EXIT_OK


def _stop_on_termination() -> None:
    """`kill`, a closed terminal, a process manager or `timeout` stop the preview as Ctrl-C does:
    its builder process and the port go with it (Python's default is to die without cleaning up)."""
    owner = os.getpid()

    def interrupt(signum: int, frame: object) -> None:
        if os.getpid() != owner:  # a process forked from this one (the builder's helpers): as before
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is not signal.SIG_IGN:  # `nohup` ignores SIGHUP
            signal.signal(number, interrupt)


def run_check(args: argparse.Namespace) -> int:
    from okrsite.build.builder import BuildOptions, check

    if not _config_exists(args):
        return EXIT_USAGE
    text = args.format == "text"  # else the findings go to standard output, for other tools
    try:
        report = check(BuildOptions(args.config, as_of=args.as_of, strict=args.strict))
    except BuildFailed as failed:
        if not text:
            sys.stdout.write(render(args.format, failed.diagnostics, args.config.parent))
        return _failed(failed, args.strict, "check failed", listed=text, quiet=args.quiet)
    if not text:
        sys.stdout.write(render(args.format, report.warnings, args.config.parent))
    if not args.quiet:  # as build: --quiet prints nothing but errors
        if text:
            _print_diagnostics(report.warnings)
        print(report.summary(), file=sys.stdout if text else sys.stderr)
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    from okrsite.commands.install_spec import SpecError, default_spec, parse_spec
    from okrsite.commands.scaffold import WORKFLOW, ScaffoldError, create_site, next_steps

    try:
        package = default_spec() if args.package is None else parse_spec(args.package)
    except SpecError as exc:
        print(f"okrsite: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if package.warning:
        print(f"okrsite: warning: {package.warning}", file=sys.stderr)
    try:
        report = create_site(args.dir, force=args.force, package=package)
    except ScaffoldError as exc:
        print(f"okrsite: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"okrsite: error: cannot write the new site:{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    for rel in report.created:
        print(f"created {rel}")
    for rel in report.skipped:
        print(f"skipped {rel}: it exists (left as it was)")
    if args.package is not None and WORKFLOW in report.skipped:
        print(f"okrsite: warning: --package is not written: {WORKFLOW} exists (set OKRSITE_PACKAGE "
              "in it by hand)", file=sys.stderr)
    print(next_steps(report, args.dir))
    return EXIT_OK


def run_hook(args: argparse.Namespace) -> int:
    from okrsite.commands import hooks

    if args.action == "run":
        return hooks.run(args.config)
    if not _config_exists(args):
        return EXIT_USAGE
    try:
        change = hooks.install(args.config) if args.action == "install" else hooks.uninstall(args.config)
    except hooks.HookError as exc:
        print(f"okrsite: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(change)
    if args.action == "install":
        print("after each commit, git rebuilds the site, then runs the 'publish' command of "
              f"{args.config} if it names one; 'okrsite hook uninstall' removes the hook")
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from okrsite.commands.importer import ImportOptions, run

    return run(ImportOptions(
        args.sheet, args.config or Path(CONFIG_NAME), config_given=args.config is not None, into=args.into,
        period=args.period, sheet_name=args.sheet_name, delimiter=args.delimiter, encoding=args.encoding,
        decimal_comma=args.decimal_comma, force=args.force, dry_run=args.dry_run, skip_bad=args.skip_bad))


def run_export(args: argparse.Namespace) -> int:
    from okrsite.build.builder import BuildOptions, Builder
    from okrsite.site.sheet_export import sheet_csv, split_owners

    if not _config_exists(args):
        return EXIT_USAGE
    diagnostics = Diagnostics()
    try:
        site = Builder(BuildOptions(args.config, as_of=args.as_of)).load(diagnostics)
    except BuildFailed as failed:
        return _failed(failed, False, "export failed", "; nothing was written")
    _print_diagnostics(diagnostics.sorted())
    for owner in split_owners(site):
        print(f"okrsite: warning: {owner}", file=sys.stderr)
    data = sheet_csv(site)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    config = site.config
    if any(leads_inside(args.output, own) for own in (config.path, config.content_dir, config.root / "themes",
                                                       config.output_dir, config.cache_dir)):
        print(f"okrsite: error: refusing to write the export to {args.output}: it is the site's configuration, "
              "or in its content, themes, output or cache; choose a file elsewhere (okrs.csv)", file=sys.stderr)
        return EXIT_USAGE
    try:
        args.output.write_bytes(data)
    except OSError as exc:
        print(f"okrsite: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"exported {sum(len(o.key_results) for o in site.objectives.values())} key results of "
          f"{len(site.objectives)} objectives -> {args.output}", file=sys.stderr)
    return EXIT_OK


def run_checkin(args: argparse.Namespace) -> int:
    from okrsite.commands import checkin

    objective, _, kr = args.kr.partition("/")
    problem = None
    if not objective or not kr or "/" in kr:
        problem = f"expected OBJECTIVE/KR (an objective id and a key result id), got {args.kr!r}"
    elif args.value is not None and args.zone is not None:
        problem = "give a VALUE or --zone, not both"
    elif all(x is None for x in (args.value, args.zone, args.done, args.milestone, args.confidence, args.note)):
        problem = "nothing to record: give a VALUE, --zone, --done/--not-done, --milestone, --confidence or --note"
    if problem:
        print(f"okrsite checkin: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if not _config_exists(args):
        return EXIT_USAGE
    request = checkin.Request(objective, kr, args.date or default_as_of(), value=args.value, zone=args.zone,
                              done=args.done, milestone=args.milestone, confidence=args.confidence, note=args.note,
                              date_given=args.date is not None)
    return checkin.run(request, args.config)


def run_diff(args: argparse.Namespace) -> int:
    from okrsite.commands import diff

    if not _config_exists(args):
        return EXIT_USAGE
    return diff.run(args.base, args.head, args.format, args.config)


def _text(value: str) -> str:
    """An argument that is text: a byte that is not UTF-8 (the shell's `$'\\xff'`) is refused here,
    not in the middle of writing a file."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(f"expected UTF-8 text, got {value!r}") from None
    return value


def _note(value: str) -> str | None:
    """A note; a blank one is none (`--note "$NOTE"` with NOTE unset recorded an empty update, which
    counted as the key result's last one: it was no longer stale)."""
    return _text(value) if value.strip() else None


def _number(low: float | None = None, high: float | None = None) -> Callable[[str], str]:
    def check(value: str) -> str:
        from okrsite.commands.checkin import number_text

        try:
            return number_text(value, low, high)
        except ValueError:
            from okrsite.content.schema import number_hint, share_for  # 23% -> "write the number alone (23)"

            if low is not None and high is not None:  # a share: 80% is written 0.8
                hint = f" ({share})" if (share := share_for(value)) else number_hint(value, share=True)
                raise argparse.ArgumentTypeError(f"expected a number from {low:g} to {high:g} like 0.5, got "
                                                 f"{value!r}{hint}") from None
            raise argparse.ArgumentTypeError(f"expected a number like 0.5 or 1850, got {value!r}"
                                             f"{number_hint(value)}") from None
    return check


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": run_build, "serve": run_serve, "check": run_check, "init": run_init, "hook": run_hook,
    "import": run_import, "export": run_export, "checkin": run_checkin, "diff": run_diff}


class _Parser(argparse.ArgumentParser):
    """argparse's parser (its subcommands' too), but an argument's bad value is said in one line:
    five lines of usage before "argument VALUE: expected a number like 0.5 or 1850, got '12,5': write
    a number with a dot ..." buried the line that says what to write; a mistyped command is told
    the one it likely meant, as a content file's mistyped field is. A missing or unknown argument
    still shows the usage."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("argument "):
            command = re.match(r"argument COMMAND: invalid choice: '([^']*)'", message)
            hint = suggest(command.group(1), COMMANDS) if command else ""
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message}{hint}\n")
        super().error(message)


class _CommandParser(_Parser):
    """A command's parser says itself what it does not know, under its own usage, with the option
    likely meant: argparse hands a command's unknown arguments to the top-level parser, whose
    usage ("okrsite [-h] [--version] COMMAND ...") names none of the command's options."""

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            options = [option for option in self._option_string_actions if option.startswith("--")]
            hint = next(filter(None, (suggest(word.partition("=")[0], options) for word in extras
                                      if word.startswith("--"))), "")
            self.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return parsed, extras


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="okrsite", description="Build a static OKR and project report site.")
    parser.add_argument("--version", action="version", version=f"okrsite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)
    build = commands.add_parser("build", help="build the site into the output folder")
    _add_site_options(build)
    build.add_argument("--output", type=Path, metavar="DIR", help="output folder (overrides output_dir)")
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    build.add_argument("--verbose", "-v", action="store_true", help="also print what was drawn, parsed and cached")
    build.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                       help="processes rendering pages and drawing charts (default: the number of cores; 1: all in this process)")
    serve = commands.add_parser("serve", help="build, serve and rebuild the site while you edit it")
    _add_site_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, metavar="PORT",
                       help="port to listen on (default: 8000, or the next free one)")
    serve.add_argument("--output", type=Path, metavar="DIR", help="output folder (overrides output_dir)")
    serve.add_argument("--open", action="store_true", help="open the site in the web browser")
    serve.add_argument("--poll", action="store_true",
                       help="poll for changes (for Docker, WSL and network shares, where file events are lost)")
    check = commands.add_parser("check", help="check the configuration and content, and run every check rule, "
                                               "without building the site")
    _add_site_options(check)
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="text lines (default), or to standard output: json, github (workflow annotations) or "
                            "sarif (code scanning)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors (and the json, github or "
                                                            "sarif output)")
    init = commands.add_parser("init", help="create a new site: example content, .gitignore, GitHub Pages workflow")
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                      help="folder of the new site (default: the current folder)")
    init.add_argument("--force", action="store_true",
                      help="add the starter files to a folder that is not empty (existing files are kept)")
    init.add_argument("--package", metavar="SPEC",
                      help=f"what the CI workflow installs: an exact version (default: okrsite=={__version__}) or "
                           f"a git URL at a tag or commit, e.g. git+https://github.com/<owner>/okrsite@v{__version__}")
    hook = commands.add_parser("hook", help="install or remove the git hook that rebuilds the site after each commit")
    hook.add_argument("action", choices=("install", "uninstall", "run"),
                      help="install or uninstall the post-commit hook; run: what the hook runs")
    _add_config_option(hook)
    sheet = commands.add_parser("import", help="write objective files from a spreadsheet (CSV or XLSX), "
                                               "one row per key result")
    sheet.add_argument("sheet", type=Path, metavar="SHEET", help="a .csv or .xlsx file")
    sheet.add_argument("--into", type=Path, metavar="DIR",
                       help="the content folder to write objectives/ into (default: the site's, or ./content)")
    sheet.add_argument("--period", metavar="PERIOD", help="the period of rows that name none (e.g. 2026-Q2)")
    sheet.add_argument("--sheet", dest="sheet_name", metavar="NAME", help="the worksheet to read (default: the first)")
    sheet.add_argument("--delimiter", type=_delimiter, metavar="{',',';',tab}",
                       help="the CSV delimiter (default: the one the header line holds most)")
    sheet.add_argument("--encoding", type=_encoding, metavar="NAME", help="the CSV file's encoding (default: UTF-8)")
    sheet.add_argument("--decimal-comma", action="store_true", help="numbers are written 1.234,5 (not 1,234.5)")
    sheet.add_argument("--force", action="store_true", help="replace objective files that exist")
    sheet.add_argument("--dry-run", action="store_true", help="list what would be written, write nothing")
    sheet.add_argument("--skip-bad", action="store_true",
                       help="write the objectives whose rows are all usable, leave out the others")
    sheet.add_argument("--config", type=Path, metavar="PATH",
                       help=f"the site configuration, for its content folder and periods (default: ./{CONFIG_NAME})")
    export = commands.add_parser("export", help="write the site's key results as a sheet, one row per key result")
    _add_site_options(export)
    export.add_argument("--format", choices=("csv",), default="csv", help="the sheet format (default: csv)")
    export.add_argument("--output", "-o", type=Path, metavar="FILE",
                        help="the file to write (default: standard output)")
    diff = commands.add_parser("diff", help="what changed in the OKRs between two git revisions (for a pull request)")
    diff.add_argument("base", metavar="BASE", help="the revision to compare from (a branch, tag or commit)")
    diff.add_argument("head", nargs="?", metavar="HEAD", help="the revision to compare to (default: the work tree)")
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown",
                      help="Markdown for a pull request or job summary (default), or JSON")
    _add_config_option(diff)
    checkin = commands.add_parser("checkin", help="add a check-in to a key result, in its objective's file")
    checkin.add_argument("kr", metavar="OBJECTIVE/KR", help="objective id / key result id (kr-1, kr-2 ... without ids)")
    checkin.add_argument("value", nargs="?", type=_number(), metavar="VALUE", help="the new value (metric and maintain KRs)")
    checkin.add_argument("--zone", choices=ZONES, help="the zone reached (zones KRs)")
    done = checkin.add_mutually_exclusive_group()
    done.add_argument("--done", dest="done", action="store_const", const=True, help="mark a boolean KR done")
    done.add_argument("--not-done", dest="done", action="store_const", const=False,
                      help="mark it not done (with --milestone: that milestone)")
    checkin.add_argument("--milestone", metavar="TITLE", type=_text, help="mark this milestone done (milestones KRs)")
    checkin.add_argument("--confidence", type=_number(0, 1), metavar="C", help="confidence from 0 to 1")
    checkin.add_argument("--note", metavar="TEXT", type=_note, help="a note")
    checkin.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="date of the check-in (default: today)")
    _add_config_option(checkin)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from okrsite.build.background import interrupts_raised

    try:
        with interrupts_raised(KeyboardInterrupt, signal.default_int_handler):  # Ctrl-C always stops
            if args.command == "serve":  # its threads answer pages while it waits for builds
                return COMMANDS[args.command](args)
            from okrsite.build.builder import collections_for_a_build

            with collections_for_a_build():  # every other command does nothing else meanwhile
                code = COMMANDS[args.command](args)
        sys.stdout.flush()  # here, where a reader that left is caught, not at exit
        return code
    except KeyboardInterrupt:
        print("okrsite: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left (`okrsite check | head`): stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # else Python's flush at exit fails again
        os.close(devnull)
        return EXIT_BROKEN_PIPE


def run() -> None:
    """The `okrsite` command (and `python -m okrsite`): `main`, then the process ends at once.

    Python's own ending frees each module and object in turn: 0.05-0.1 s after a build (a
    twentieth of an edit's rebuild), for memory the system takes back whole. It is skipped, as
    mypy skips it, once the output is flushed and nothing is left to wait for: no other thread,
    no child process. Otherwise, and where a process cannot be asked that, the ending is Python's."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a reader gone, a stream closed: Python's ending reports it as before
        sys.exit(code)
    if threading.active_count() == 1 and not _children_left():
        os._exit(code)
    sys.exit(code)


def _children_left() -> bool:
    """Whether this process has a child process, running or ended and not yet waited for (asked
    without waiting for one: the caller's bookkeeping stays as it was); True where it cannot ask."""
    if not hasattr(os, "waitid"):  # (macOS, Windows)
        return True
    try:
        os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:  # none at all
        return False
    return True
