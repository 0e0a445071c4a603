"""The progress line: shown on a terminal for long builds, never in logs."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from okrsite.commands.progress import Progress


def test_progress_waits_then_rewrites_one_line_and_clears_it() -> None:
    out = io.StringIO()
    quick = Progress(out, show_after=60)
    quick("reading")
    assert out.getvalue() == ""  # a quick build shows nothing
    slow = Progress(out, show_after=0)
    slow("drawing 12 charts (30 from the cache)")
    slow.clear()
    text = out.getvalue()
    assert text.startswith("\r\x1b[K[") and "drawing 12 charts (30 from the cache)" in text
    assert text.endswith("\r\x1b[K")


def test_a_build_on_a_terminal_ends_with_just_the_summary(small_site: Path) -> None:
    """Under a pseudo-terminal the line is cleared; the summary is the last thing printed."""
    main, child = pty.openpty()
    result = subprocess.run([sys.executable, "-m", "okrsite", "build"], cwd=small_site, stdout=child,
                            stderr=child, timeout=120)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    text = b"".join(chunks).decode()
    assert result.returncode == 0
    shown = text.rstrip().split("\n")[-1].split("\r\x1b[K")[-1]  # the last line as the terminal shows it
    assert shown.startswith("built ")


def test_a_build_in_a_log_prints_no_progress_codes(small_site: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "okrsite", "build"], cwd=small_site,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "\x1b" not in result.stdout + result.stderr
    assert result.stdout.startswith("built ")
