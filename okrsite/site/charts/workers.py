"""Where charts are drawn: a pool of processes for many, one background process for a few.

Importing matplotlib and drawing the first chart take about half a second. When
a rebuild misses only a few charts (one edited objective), a forked process draws
them while the build renders its pages, so that half second is not waited for.
The bytes of a chart never depend on which process drew it.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from okrsite.build import background
from okrsite.build.background import Helper, Pending
from okrsite.site.charts.files import ChartJob, Made, made_files

Progress = Callable[[str], None] | None  # told what is being drawn, on long builds
Result = tuple[Made, ...] | str  # a job's files (ChartJob.files' order), or why its image could not be drawn

MIN_PER_WORKER = 40  # with automatic --jobs, fewer misses than this per worker are drawn by one process
BATCHES_PER_WORKER = 4
# charts in a batch at most: the pool's last batches end unevenly, one worker drawing alone while the
# other is done, and that tail grows with a batch (a 5,000-objective site's 8 batches were ~6,500 charts each)
MAX_BATCH = 400


def _draw_batch(jobs: Sequence[ChartJob]) -> list[Result]:
    """The one place that imports the drawing module (and so matplotlib); a drawing library
    that cannot be loaded fails every chart, each with a warning, and no build. Each image drawn
    is made into its files, stored in the chart cache by this process."""
    try:
        from okrsite.site.charts import draw
    except Exception as exc:  # noqa: BLE001 - ImportError, or matplotlib failing to start
        return [f"{type(exc).__name__}: {exc}"] * len(jobs)
    images = draw.draw_many([job.spec for job in jobs])
    return [image if isinstance(image, str) else made_files(job, image) for job, image in zip(jobs, images)]


def draw_here(jobs: Sequence[ChartJob]) -> list[Result]:
    """The jobs drawn in this process, when it has loaded what draws (`load_drawing`: the preview's
    build process); each an error when it has not, rather than a second of importing."""
    if "okrsite.site.charts.draw" not in sys.modules:
        return ["the drawing library is not loaded in this process"] * len(jobs)
    return _draw_batch(jobs)


def load_drawing() -> None:
    """The first work of the build's drawing process (the builder forks it as the build starts):
    import what draws charts and PDFs, matplotlib with it (0.7 s), and get it ready, while the build
    reads the content, so that its jobs (an edit's few charts, a changed scorecard PDF) find it loaded. The
    preview's builder process runs it too, once, while it waits (okrsite.build.host)."""
    try:
        from okrsite.site.charts import draw, draw_scorecard, pdf_page  # noqa: F401

        pdf_page.ready()  # first: a PDF needs no matplotlib
        draw.ready()
    except Exception:  # noqa: BLE001 - each job reports it, as _draw_batch does
        pass


@dataclass
class Drawing:
    """Charts being drawn: `pending.result()` waits for them, in the order of the jobs."""

    pending: Pending[list[Result]]
    workers: int  # processes drawing (0: nothing to draw)


def start_drawing(to_draw: Sequence[ChartJob], jobs: int | None, progress: Progress = None,
                  drawer: Helper[Any] | None = None) -> Drawing:
    """Draw charts in a pool when there are many, in a background process when a few (the
    build's drawing process, `drawer`, when it has one: matplotlib is loaded there already),
    else here."""
    if not to_draw:
        return Drawing(Pending(list), 0)
    workers = _workers(jobs, len(to_draw))
    if workers > 1:
        results, workers = _draw_in_pool(to_draw, workers, progress)
        return Drawing(Pending(lambda: results), workers)
    if drawer is not None:  # without a process of its own (--jobs 1), it draws them here when asked
        return Drawing(drawer.later(_draw_batch, list(to_draw)), 1)
    return Drawing(background.start(lambda: _draw_batch(to_draw), fork=jobs != 1), 1)


def _workers(jobs: int | None, misses: int) -> int:
    if jobs is None:
        return max(1, min(os.cpu_count() or 1, misses // MIN_PER_WORKER))
    return max(1, min(jobs, misses))


def _pool_context() -> Any:
    """forkserver where there is one (workers fork from a server that has matplotlib loaded), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["okrsite.site.charts.draw"])
        _start_forkserver()
        return context
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _safe_path() -> Iterator[None]:
    """The processes the pool starts meanwhile (its forkserver, spawned workers: `python -c`) import
    nothing from the current folder, which `-c` puts first on the module path: builds run in the
    site folder, where a numpy.py or yaml.py is content, never code (PYTHONSAFEPATH, Python 3.11).
    Set only meanwhile: a publish command keeps the environment it was given."""
    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before


def _start_forkserver() -> None:
    """The forkserver, started (once a process) ignoring Ctrl-C: an ignored signal stays ignored
    through exec, and Python then installs no handler of its own, so it and the workers it forks
    leave Ctrl-C to the build, which ends them (each printed a traceback, some while Python was
    still starting). A Ctrl-C in the few milliseconds of the start itself is lost."""
    from multiprocessing import forkserver

    if threading.current_thread() is not threading.main_thread():  # (only the main thread sets handlers)
        forkserver.ensure_running()
        return
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, handler)


def _leave_ctrl_c_to_the_build() -> None:
    """A chart worker ignores Ctrl-C, as the forkserver's do (`_start_forkserver`; spawned ones from
    their start on): it is the build's, which ends the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _draw_in_pool(to_draw: Sequence[ChartJob], workers: int, progress: Progress) -> tuple[list[Result], int]:
    count = max(workers * BATCHES_PER_WORKER, math.ceil(len(to_draw) / MAX_BATCH))
    size = math.ceil(len(to_draw) / count)
    batches = [list(to_draw[i:i + size]) for i in range(0, len(to_draw), size)]
    try:
        results: list[Result] = []
        pool: ProcessPoolExecutor | None = None
        try:
            with background.cancel_held(), _safe_path():  # every worker started is in the pool's list when a cancel comes
                pool = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                                           initializer=_leave_ctrl_c_to_the_build)
                drawn = pool.map(_draw_batch, batches)  # (submits every batch: the workers start)
            for batch in drawn:
                results += batch
                if progress:
                    progress(f"drawing charts: {len(results):,} of {len(to_draw):,} ({workers} processes)")
        except BaseException:  # Ctrl-C, a cancelled preview build, a broken pool: the batches are not waited for
            if pool is not None:
                _stop_workers(pool)
            raise
        pool.shutdown()
        return results, workers
    except (OSError, BrokenProcessPool):  # no worker processes here (sandbox, no /dev/shm): draw in-process
        return _draw_batch(to_draw), 1


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now, their batches unfinished (shutdown() waits for those under way:
    seconds each). Python 3.14's pool has terminate_workers(); before it, its processes are an
    attribute of its own."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
