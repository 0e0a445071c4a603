"""The command line: parse arguments, run a command, print diagnostics, pick the exit code.

Exit codes: 0 success, 1 content errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from okrsite import __version__
from okrsite.config import CONFIG_NAME
from okrsite.diagnostics import BuildFailed

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-02-15, got {value!r}") from None


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=Path(CONFIG_NAME), metavar="PATH",
                        help=f"the site configuration (default: ./{CONFIG_NAME})")
    parser.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                        help="report date for expected pace and status (overrides as_of)")


def _print_diagnostics(items: Sequence[object]) -> None:
    for item in items:
        print(item, file=sys.stderr)


def _config_exists(args: argparse.Namespace) -> bool:
    if args.config.is_file():
        return True
    print(f"okrsite: error: no site configuration at {args.config} "
          f"(run it where {CONFIG_NAME} is, pass --config, or create a site with 'okrsite init')",
          file=sys.stderr)
    return False


def run_build(args: argparse.Namespace) -> int:
    from okrsite.build import BuildOptions, build

    if not _config_exists(args):
        return EXIT_USAGE
    options = BuildOptions(args.config, output=args.output, as_of=args.as_of, strict=args.strict)
    try:
        report = build(options)
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics)
        errors = sum(d.severity == "error" for d in failed.diagnostics)
        warnings = len(failed.diagnostics) - errors
        reason = f"{errors} error(s)" + (f", {warnings} warning(s) (--strict)" if args.strict and warnings else "")
        print(f"okrsite: build failed: {reason}; the previous output was left as it was", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as exc:  # e.g. the output folder cannot be written: a clear line, not a traceback
        where = f" {exc.filename}" if exc.filename else ""
        print(f"okrsite: error: cannot write the site:{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONTENT
    _print_diagnostics(report.warnings)  # warnings are problems: shown even with --quiet
    if not args.quiet:
        print(report.summary())
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"build": run_build}


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="okrsite", description="Build a static OKR and project report site.")
    parser.add_argument("--version", action="version", version=f"okrsite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser("build", help="build the site into the output folder")
    _add_site_options(build)
    build.add_argument("--output", type=Path, metavar="DIR", help="output folder (overrides output_dir)")
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("--quiet", action="store_true", help="print nothing but problems")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("okrsite: interrupted", file=sys.stderr)
        return 130
