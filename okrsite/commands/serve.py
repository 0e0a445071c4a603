"""`okrsite serve`: build, serve, and rebuild the site as its sources change.

A `Preview` owns three things: the HTTP server (`okrsite.commands.server`), a
watcher thread that waits for changes to okrsite.yaml, the content folder and
the themes folder (never the output), and the builder it calls again on each
change, so a rebuild re-reads only the files that changed. The builder runs in a
process of its own (okrsite.build.host), started before any thread, so that its
builds may fork workers as `okrsite build` does. A failed build
changes nothing on disk: the server keeps serving the last good site while the
open pages show the diagnostics.

The preview never renders on its own: what it serves is what `okrsite build`
writes. The pages open in a browser are written by the build like the others,
but rendered first and served from memory while the rest of the build runs
(Builder.build's `first`), so a save shows on the page it was made for in
about the time the model takes.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
import traceback
import urllib.parse
from pathlib import Path

import watchfiles

from okrsite.build.builder import OKRSITE_CODE, BuildOptions, check_output
from okrsite.build.output import UnsafeOutput
from okrsite.build.state import input_fingerprint
from okrsite.build.host import BuildHost
from okrsite.content.config import load_config
from okrsite.diagnostics import BuildFailed, Diagnostic, Diagnostics
from okrsite.commands.server import DEFAULT_HOST, BadPath, PreviewState, PreviewServer, listen, url_parts
from okrsite.content.source import is_ignored
from okrsite.filesystem.stamps import input_stamp
from okrsite.site.themes import builtin_theme_dir

STEP_MS = 50  # a save is handled once no other change came for this long ...
DEBOUNCE_MS = 1600  # ... or after this long, when changes keep coming
CONFIG_CHECK_MS = 300  # okrsite.yaml (and with --poll every source file) is looked at this often
FileMark = tuple[int, ...]  # a file's identity (inode) and stamp (okrsite.filesystem.stamps)


class Preview:
    """Build, serve and rebuild one site until stopped. `start()`, then `stop()` (or use `with`)."""

    def __init__(self, options: BuildOptions, host: str = DEFAULT_HOST, port: int | None = None, *,
                 poll: bool = False, quiet: bool = False, step_ms: int = STEP_MS, debounce_ms: int = DEBOUNCE_MS):
        self.builder = BuildHost(options)
        self.host, self.port, self.poll, self.quiet = host, port, poll, quiet
        self.step_ms, self.debounce_ms = step_ms, debounce_ms
        self.config_path = options.config_path.resolve()
        self.root = self.config_path.parent
        output, self._sources, base, safe = self._site_folders()
        self.state = PreviewState(output, base, serving=safe)
        self._stop = threading.Event()
        self._build_lock = threading.Lock()
        self._server: PreviewServer | None = None
        self._threads: list[threading.Thread] = []
        self._code = _own_code()  # okrsite as this preview runs it

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the preview first"
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        shown = f"[{host.strip('[]')}]" if ":" in host else host
        return f"http://{shown}:{self._server.server_address[1]}/"

    def start(self) -> None:
        """Listen (PortBusy or OSError when it cannot), build once, then serve and watch."""
        self.builder.start()  # before the socket: a builder left behind never holds the port
        try:
            self._server = listen(self.host, self.port, self.state)
            seen = self._sources_now()  # taken before the build: a save during it is not lost
            self.rebuild()
            self._spawn("okrsite-http", lambda: self._server.serve_forever(poll_interval=0.1))
            self._spawn("okrsite-watch", lambda: self._watch(seen))
        except BaseException:
            self.stop()
            raise

    def wait(self) -> None:
        """Block until stop() (from another thread) or Ctrl-C (KeyboardInterrupt)."""
        while not self._stop.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching, end the event streams, close the server, stop the build process (a build
        under way is cancelled: its output folder stays as it was); join every thread."""
        self._stop.set()
        self.state.close()
        if self._server is not None:
            if any(t.name == "okrsite-http" for t in self._threads):
                self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
            self._server = None
        self.builder.stop()  # a build under way is cancelled: the watcher waiting for it is not waited for
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    def __enter__(self) -> Preview:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def rebuild(self) -> None:
        """Build with the same Builder; on failure keep the last good site and report why."""
        with self._build_lock:  # one build at a time: they share the cache and the output folder
            self._rebuild()

    def _rebuild(self) -> None:
        self.state.building()
        if _own_code() != self._code:  # the code running here would build with another version's templates
            problem = Diagnostic(str(OKRSITE_CODE), 1, 1, "error", "okrsite changed on disk since this preview started "
                                 "(an upgrade, a git pull): stop it and run okrsite serve again")
            self._say(str(problem), err=True)
            self.state.failed([problem])
            return
        try:
            looked_at = self.state.open_pages()
            report = self.builder.build(looked_at, lambda pages: self.state.show_first(pages, looked_at))
        except BuildFailed as failed:
            self._say("\n".join(map(str, failed.diagnostics)), err=True)
            errors = sum(d.severity == "error" for d in failed.diagnostics)
            serving = "still serving the last good build" if self.state.serving and self.state.output.is_dir() else \
                "nothing to serve until it builds"
            self._say(f"okrsite: build failed: {errors} error(s); {serving}", err=True)
            self.state.failed(failed.diagnostics)
            return
        except Exception as exc:  # a bug in a build must not take the preview down with it
            if self._stop.is_set():
                return  # the preview stopped, cancelling this build: nothing went wrong
            traceback.print_exc()
            self.state.failed([Diagnostic(self.config_path.name, 1, 1, "error",
                                          f"internal error while building: {exc!r}")])
            return
        for warning in report.warnings:
            self._say(str(warning), err=True)
        self._say(report.summary())
        self.state.built(report.output, report.changed)
        self.builder.between_builds()

    def _site_folders(self) -> tuple[Path, tuple[str, ...], tuple[str, ...], bool]:
        """The output folder, the folders a build reads (content, themes), as the configuration
        says (the defaults while it is broken), the path of site_url, and whether the output folder
        is one a build would write (only then is what it holds served before a build succeeds)."""
        options = self.builder.options
        config = load_config(options.config_path, Diagnostics(), output=options.output, as_of=options.as_of)
        if config is None:
            output, content = (options.output or self.root / "output").resolve(), self.root / "content"
        else:
            output, content = config.output_dir, config.content_dir
        try:
            base = url_parts(urllib.parse.urlsplit(config.site_url).path) if config and config.site_url else ()
        except BadPath:
            base = ()
        safe = False
        if config is not None:
            try:
                check_output(config, options)
                safe = True
            except UnsafeOutput:
                pass
        return output, (str(content), str(self.root / "themes")), base, safe

    def _ignored(self, _change: watchfiles.Change, path: str) -> bool:
        """Editor litter and hidden files (swap, backup, probe files, .git): what a build skips too."""
        for folder in self._sources:
            if path.startswith(folder + os.sep):
                return any(is_ignored(part) for part in os.path.relpath(path, folder).split(os.sep))
        return True

    def _folders(self) -> list[tuple[str, int, int]]:
        """The source folders there are, each with its device and inode: a folder replaced by
        another of its name (a branch switched, a backup restored) is another folder to watch, as
        file events follow the folder they were set on, wherever it moves."""
        found = []
        for folder in self._sources:
            try:
                info = os.stat(folder)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                found.append((folder, info.st_dev, info.st_ino))
        return found

    def _config_mark(self) -> FileMark | None:
        """okrsite.yaml is looked at, not watched: an editor's rename-over ends a watch on the file."""
        return _stamp(str(self.config_path))

    def _scan(self) -> dict[str, FileMark]:
        """Every source file's identity and stamp. With --poll this is how changes are found:
        watchfiles' own polling is not used, as notify's poller compares mtimes in whole seconds and
        missed a second save within the same second (watchfiles issue #319; 4 of 15 quick saves)."""
        files: dict[str, FileMark] = {}
        for folder in self._sources:
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = [d for d in dirnames if not is_ignored(d)]
                for name in filenames:
                    path = os.path.join(dirpath, name)
                    stamp = None if is_ignored(name) else _stamp(path)
                    if stamp is not None:  # (None: gone since the folder was listed)
                        files[path] = stamp
        return files

    def _batches(self, folders: list[tuple[str, int, int]]):
        """Sets of changes under `folders` as file events report them, and an empty set every
        CONFIG_CHECK_MS; with --poll (or nothing to watch yet) only the empty sets: look yourself."""
        if self.poll or not folders:
            while not self._stop.wait(CONFIG_CHECK_MS / 1000):
                yield set()
            return
        yield from watchfiles.watch(*(folder for folder, _, _ in folders),
                                    watch_filter=lambda c, p: not self._ignored(c, p), stop_event=self._stop,
                                    debounce=self.debounce_ms, step=self.step_ms, rust_timeout=CONFIG_CHECK_MS,
                                    yield_on_timeout=True, raise_interrupt=False)

    def _settled_scan(self, before: dict[str, FileMark]) -> tuple[dict[str, FileMark], set[str]]:
        """With --poll: the files now, and the paths that differ from `before`, once no change came
        for STEP_MS (so a burst of saves is one rebuild, as with file events)."""
        now, changed = self._scan(), set()
        while True:
            changed |= {path for path in set(before) | set(now) if before.get(path) != now.get(path)}
            if not changed or self._stop.wait(self.step_ms / 1000):
                return now, changed
            before, now = now, self._scan()
            if now == before:
                return now, changed

    def _sources_now(self) -> tuple[list[tuple[str, int, int]], FileMark | None,
                                    dict[str, FileMark]]:
        return self._folders(), self._config_mark(), self._scan()

    def _watch(self, seen: tuple[list[tuple[str, int, int]], FileMark | None,
                                 dict[str, FileMark]]) -> None:
        """Rebuild on changes in the content and themes folders (file events, or polling with --poll)
        and to okrsite.yaml. The output folder and its staging folders are not watched at all: a
        large site writes thousands of files per build.

        `seen` is how the sources looked before the last build. The first look after a watch
        starts compares with it, so nothing saved while building or starting to watch is lost."""
        folders, config, files = seen
        try:
            while not self._stop.is_set():
                first = True
                for changes in self._batches(folders):
                    if self._stop.is_set():
                        return
                    # (an event the last rebuild had seen the change of already: a save's writes may
                    # come in two batches, the second while that rebuild ran)
                    names = {os.path.relpath(path, self.root) for _, path in changes
                             if _stamp(path) != files.get(path)}
                    if self._config_mark() != config:
                        config = self._config_mark()
                        names.add(self.config_path.name)
                    if self.poll or first:
                        files, paths = self._settled_scan(files)
                        names |= {os.path.relpath(path, self.root) for path in paths}
                        first = False
                    moved = set(self._folders()) ^ set(folders)  # a folder came, went, or another took its place
                    names |= {os.path.relpath(folder, self.root) for folder, _, _ in moved}
                    if not names:
                        continue
                    seen = self._sources_now()
                    self._changed(names)
                    files = seen[2]  # what that rebuild read
                    if self._folders() != folders:
                        folders, config, files = seen
                        break  # a source folder came, went or moved: watch the ones there are now
        except Exception as exc:  # the server stays up; say why pages stopped reloading
            self._say(f"okrsite: error: watching for changes stopped: {exc}", err=True)

    def _changed(self, names: set[str]) -> None:
        listed = sorted(names)
        self._say(f"changed: {', '.join(listed[:3])}" + (f" and {len(listed) - 3} more" if len(listed) > 3 else ""))
        if self.config_path.name in names:
            self._sources = self._site_folders()[1]  # content_dir may have moved
        self.rebuild()

    def _spawn(self, name: str, target) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _say(self, text: str, err: bool = False) -> None:
        if not self.quiet and text:
            print(text, file=sys.stderr if err else sys.stdout, flush=True)


def _own_code() -> str:
    """okrsite's code and built-in theme, as stamps: a preview runs the code it started with."""
    return input_fingerprint({}, [OKRSITE_CODE, builtin_theme_dir()], [])


def _stamp(path: str) -> FileMark | None:
    """A file's identity and stamp (okrsite.filesystem.stamps); None when there is none."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, *input_stamp(stat)
