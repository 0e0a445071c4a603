"""A Builder in a process of its own, for a caller that runs threads (the preview).

A build renders big pages and makes okrs.json and the search index in forked
processes, but a process that runs threads (the preview's HTTP server and watcher)
must not fork. So the preview starts its builder in a process of its own, forked
while it still has one thread: that process runs no thread, so each of its builds
forks as `okrsite build` does, and it keeps the builder's caches (documents, the
template environment, digests) between builds. Where no process can be forked,
the builder runs in the caller's process, as before: the output is the same.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Collection
from multiprocessing.connection import Connection
from typing import Any

from okrsite.build.background import CANCEL, can_fork, end_process, interrupts_raised
from okrsite.build.builder import BuildOptions, Builder, BuildReport, ShowFirst, collections_for_a_build
from okrsite.diagnostics import BuildFailed


class Cancelled(BaseException):
    """A build the preview's stop cancelled (in the host, as Ctrl-C cancels `okrsite build`: no
    process left behind, the output as it was); where the caller waited for it, a RuntimeError."""


class BuildHost:
    """`build()` as Builder.build (a BuildReport, or BuildFailed), run by the host process when
    there is one; `stop()` ends it, cancelling a build under way."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self._builder: Builder | None = None  # when the builds run in this process
        self._built: BuildReport | None = None  # ... its last build, until between_builds()
        self._drawing_loaded = False  # ... and whether it has loaded what draws
        self._channel: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._stopped = False  # a build asked for after stop() starts no new host
        self._building = False  # a build is under way in the host: stop() cancels it at once
        self._lock = threading.Lock()

    @property
    def separate(self) -> bool:
        """Whether the builds run in a process of their own."""
        return self._process is not None

    def build(self, first: Collection[str] = (), show_first: ShowFirst | None = None) -> BuildReport:
        """Builder.build, `show_first` called here (in this process) with the pages shown first."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("the build process was stopped")
            if self._process is None and self._builder is None:
                self.start()
            self._building = self._builder is None
        if self._builder is not None:
            self._built = self._builder.build(first, show_first)
            return self._built
        assert self._channel is not None
        try:
            self._channel.send(("build", tuple(first) if show_first is not None else ()))
            outcome, value = self._channel.recv()
            while outcome == "first":  # the pages looked at, before the build's outcome
                assert show_first is not None
                show_first(value)
                outcome, value = self._channel.recv()
        except (EOFError, OSError) as exc:
            raise RuntimeError(f"the build process ended: {exc!r}") from None
        finally:
            self._building = False
        if outcome == "failed":
            raise BuildFailed(value)
        if outcome == "error":
            raise RuntimeError(f"the build failed in its process:\n{value}")
        return value  # type: ignore[no-any-return]

    def between_builds(self) -> None:
        """After a build is shown, what the builder does while the preview waits for a save: the
        host process does it on its own; a builder in this process does it now."""
        if self._builder is not None and self._built is not None:
            self._drawing_loaded = _between_builds(self._builder, self._built, self._drawing_loaded)
            self._built = None

    def stop(self) -> None:
        """End the host: at once when it waits for a request; a build under way is cancelled
        (SIGUSR1: the build unwinds as on Ctrl-C), so that stopping the preview does not wait for
        a long build to end. A caller waiting for that build gets a RuntimeError."""
        with self._lock:
            self._stopped = True
            building = self._building
        if self._process is None:
            return
        atexit.unregister(self.stop)
        assert self._channel is not None
        try:
            self._channel.send("stop")
        except OSError:
            pass
        if not building:
            self._process.join(0.2)  # between builds it ends at once; a build that just ended is cancelled
        if self._process.is_alive() and self._process.pid is not None:
            try:
                os.kill(self._process.pid, CANCEL)
            except ProcessLookupError:
                pass
            self._process.join(10)
        end_process(self._process)
        self._channel.close()
        self._process = self._channel = None

    def start(self) -> None:
        """Fork the host while this process runs no other thread (and, for the preview, before it
        opens its socket, which a host that outlived it would hold); else build here."""
        if not can_fork():
            self._builder = Builder(self.options)
            return
        context = multiprocessing.get_context("fork")
        self._channel, theirs = context.Pipe()
        # Not a daemon: it forks workers of its own. Stopped at exit, before multiprocessing joins it.
        self._process = context.Process(target=_host, args=(self.options, theirs, self._channel),
                                        name="okrsite-builder")
        self._process.start()
        theirs.close()
        atexit.register(self.stop)


def _host(options: BuildOptions, channel: Connection, callers: Connection) -> None:
    """The host process: one build per request ("build", the open pages), until asked to stop or
    the caller is gone. The open pages, rendered ahead of the rest, are sent as ("first", pages)
    before the build's outcome.

    After the first build that shows charts, while the preview waits for a save, it loads what
    draws them (matplotlib, 0.7 s of CPU): each later build forks its drawing process from here
    with it loaded, instead of importing it again on a core the build needs. After each build it
    reads the git history, so that the next build reads only what a save changed (in its own
    process: no fork, and no wait for one). When the first build found the site built already
    (nothing to do, so nothing worked out), it primes the builder (`Builder.prime`: what a build
    starts from, nothing written), so that the first save is rebuilt as quickly as the next ones.
    (The search index's words of unchanged texts are kept in the cache folder:
    okrsite.site.search.index_files.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's: it stops this process
    signal.signal(CANCEL, _cancel)  # ... cancelling a build under way (BuildHost.stop)
    callers.close()  # the caller's end, copied by the fork: else its death (kill) would never reach recv()
    try:
        with interrupts_raised(Cancelled, _cancel):
            _serve(Builder(options), channel)
    except Cancelled:
        pass
    finally:
        signal.signal(CANCEL, signal.SIG_IGN)  # one that comes late finds no build, nor a handler


def _cancel(_signal: int, _frame: object) -> None:
    signal.signal(CANCEL, signal.SIG_IGN)  # once: the build's unwinding is not cut short again
    raise Cancelled


def _serve(builder: Builder, channel: Connection) -> None:
    """The host's builds, one a request (see _host)."""
    drawing_loaded = False
    while True:
        try:
            request = channel.recv()
        except (EOFError, OSError):
            return
        if not isinstance(request, tuple) or request[0] != "build":
            return
        first = request[1]
        outcome: tuple[str, Any]
        try:
            with collections_for_a_build():  # this process runs no thread: it only builds
                outcome = ("ok", builder.build(first, (lambda pages: channel.send(("first", pages))) if first else None))
        except BuildFailed as failed:
            outcome = ("failed", failed.diagnostics)
        except Exception:  # noqa: BLE001 - a bug in a build is reported by the caller, which goes on
            outcome = ("error", traceback.format_exc())
        try:
            channel.send(outcome)
        except OSError:  # the caller is gone
            return
        if outcome[0] == "ok":
            with collections_for_a_build():
                drawing_loaded = _between_builds(builder, outcome[1], drawing_loaded)


def _between_builds(builder: Builder, report: BuildReport, drawing_loaded: bool) -> bool:
    """What the preview's builder does after a build, while the preview waits for a save (see
    _host), wherever it runs; whether what draws is loaded now."""
    if not drawing_loaded and report.charts_drawn + report.charts_cached:
        from okrsite.site.charts import workers

        workers.load_drawing()
        drawing_loaded = True
    try:
        builder.keep_history()
        if report.up_to_date:  # the site was built before: nothing held yet for the first save
            builder.prime()
    except Exception:  # noqa: BLE001 - the next build does the same work, and reports what fails
        pass
    return drawing_loaded
