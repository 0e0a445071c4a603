"""Work done in a forked process beside the build (okrsite.build.background): a result nobody
asks for any more never keeps its process alive."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from okrsite.build import background

REPO = Path(__file__).resolve().parent.parent

# The build dies (killed, or its preview stopped mid-build) while its forked process sends a
# result larger than a pipe holds: the send must fail, not wait for a reader that is gone.
DIES_UNASKED = """
import multiprocessing, os
from okrsite.build import background
pending = background.{start}(lambda: b"x" * 5_000_000)
print(multiprocessing.active_children()[0].pid, flush=True)
os._exit(0)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has ended: only its exit status is left


@pytest.mark.parametrize("start", ["start", "helper"])
def test_a_result_nobody_will_read_ends_its_process(start: str) -> None:
    out = subprocess.run([sys.executable, "-c", DIES_UNASKED.format(start=start)], capture_output=True, text=True,
                         timeout=60, cwd=REPO, check=True)
    pid = int(out.stdout)
    deadline = time.monotonic() + 20
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(pid), "the forked process still waits to send its result"


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value


def _fails_elsewhere(home: int) -> int:
    if os.getpid() != home:
        raise RuntimeError("only in the build's process")
    return home


def test_a_helper_does_its_later_jobs_in_its_own_process_in_turn() -> None:
    """What the first work imports (matplotlib, for the PDFs) serves the charts drawn after it."""
    with background.helper(lambda: os.getpid()) as helper:
        second, third = helper.later(_pid_and, 2), helper.later(_pid_and, 3)
        assert third.result()[1] == 3 and second.result()[1] == 2  # asked out of turn, each gets its own
        first = helper.result()
    assert first != os.getpid() and second.result()[0] == third.result()[0] == first


def test_work_wanted_late_yields_the_processor_to_the_build() -> None:
    """A helper whose results are wanted late runs at a lower priority (niceness LATER more), with
    every job sent to it after; other work keeps the build's, and the build's own process its own."""
    mine = os.nice(0)
    with background.helper(lambda: (os.getpid(), os.nice(0)), later=True) as helper:
        pid, niceness = helper.result()
        assert pid != os.getpid() and niceness == min(19, mine + background.LATER)
        assert helper.later(os.nice, 0).result() == niceness
    with background.start(lambda: os.nice(0)) as pending:
        assert pending.result() == mine
    assert os.nice(0) == mine


def test_a_job_the_helper_cannot_do_is_done_in_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    with background.helper(lambda: os.getpid()) as helper:
        assert helper.later(_fails_elsewhere, os.getpid()).result() == os.getpid()
    dead = background.helper(lambda: os._exit(1))  # the process dies: its work and jobs are done here
    assert dead.later(_pid_and, 1).result() == (os.getpid(), 1)
    dead.stop()
    monkeypatch.setattr(background, "can_fork", lambda: False)  # and without a process, all is done here
    alone = background.helper(lambda: os.getpid())
    assert alone.result() == os.getpid() and alone.later(_pid_and, 4).result() == (os.getpid(), 4)


# The helper is busy sending a first answer larger than a pipe holds while the build sends it a
# large job: were the job sent, each would wait for the other to read, forever.
BOTH_SEND = """
import time
from okrsite.build import background
helper = background.helper(lambda: time.sleep(0.5) or b"x" * 5_000_000)
job = helper.later(len, b"y" * 1_000_000)
print(job.result(), len(helper.result()), flush=True)
helper.stop()
"""


def test_a_job_too_large_to_send_to_a_busy_helper_never_waits_for_it() -> None:
    out = subprocess.run([sys.executable, "-c", BOTH_SEND], capture_output=True, text=True, timeout=60,
                         cwd=REPO, check=True)
    assert out.stdout.split() == ["1000000", "5000000"]


def _slow_len(data: bytes) -> int:
    time.sleep(60)
    return len(data)


@pytest.mark.skipif(not background.can_fork(), reason="no process can be forked here")
def test_a_job_too_large_for_the_pipe_runs_apart_and_ends_with_the_helper() -> None:
    """A build that fails before asking stops its helper: a job sent to a process of its own
    (too large for the pipe) must not go on running."""
    helper = background.helper(lambda: None)
    helper.later(_slow_len, b"y" * (background.PIPE_ROOM + 1))
    assert len(multiprocessing.active_children()) == 2  # the helper, and the large job's own process
    started = time.monotonic()
    helper.stop()
    assert multiprocessing.active_children() == [] and time.monotonic() - started < 10


def test_a_helper_sends_no_more_than_a_quarter_of_a_small_pipe_buffer() -> None:
    """macOS gives a socket pair 8 KB: a job that would fill it waits for a helper that may be
    waiting too, so the room left for jobs follows the buffer."""
    import multiprocessing
    import socket

    ours, theirs = multiprocessing.Pipe()
    with socket.socket(fileno=os.dup(ours.fileno())) as pipe:
        pipe.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        small = pipe.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    assert background._room(ours) == small // 4 < background.PIPE_ROOM
    ours.close()
    theirs.close()


def _deaf() -> int:
    """As a process forked at the moment a SIGTERM came: the signal is lost (Python clears what a
    new child has pending), so it goes on waiting for jobs."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return os.getpid()


@pytest.mark.parametrize("kind", ["helper", "pending"])
def test_a_process_that_missed_its_sigterm_is_killed_rather_than_waited_for(monkeypatch: pytest.MonkeyPatch,
                                                                             tmp_path: Path, kind: str) -> None:
    """A build that failed at once (a YAML alias in its own value) stopped its drawing process as
    it was being forked: the SIGTERM was lost, and the build (a test run under xdist, stop 42 and
    43) waited for it forever."""
    monkeypatch.setattr(background, "END_WAIT", 0.2)
    if kind == "helper":
        with background.helper(_deaf) as helper:
            pid = helper.result()  # it has ignored SIGTERM: it waits for jobs
    else:
        told = tmp_path / "pid"
        started = background.start(lambda: (told.write_text(str(_deaf())), time.sleep(60)))
        deadline = time.monotonic() + 10
        while not told.exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # until it ignores SIGTERM, and sleeps
        time.sleep(0.1)
        pid = int(told.read_text())
        started.stop()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}") and \
            open(f"/proc/{pid}/stat").read().split(") ")[1][0] != "Z":
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split(") ")[1][0] == "Z"


@pytest.mark.parametrize("interrupt", [("KeyboardInterrupt", "signal.default_int_handler", "signal.SIGINT"),
                                       ("host.Cancelled", "host._cancel", "background.CANCEL")],
                         ids=["ctrl-c", "preview-cancel"])
@pytest.mark.parametrize("then", ["for _ in range(1_000_000): pass", "pass"], ids=["work-goes-on", "block-ends"])
def test_an_interrupt_that_lands_where_python_ignores_exceptions_still_stops_the_work(interrupt: tuple[str, ...],
                                                                                     then: str) -> None:
    """Ctrl-C, and the preview's stop cancelling its build, raise an exception from a signal. One
    that landed in a weakref callback or a `__del__` (importlib's module locks have one) was printed
    as an ignored exception, with a traceback, and the build went on. It is raised again where the
    build unwinds (at the block's end, when it ends first)."""
    kind, handler, number = interrupt
    script = f"""
import os, signal
from okrsite.build import background, host

class ModuleLock:
    def __del__(self):
        os.kill(os.getpid(), {number})
        for _ in range(10_000):  # the signal's handler runs here, inside __del__
            pass

signal.signal({number}, {handler})
try:
    with background.interrupts_raised({kind}, {handler}):
        ModuleLock()  # made and collected at once
        {then}  # the build goes on, or the block ends before the timer
    print("went on")
except {kind}:
    print("stopped")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert (done.stdout.strip(), done.stderr) == ("stopped", "")


def test_the_interrupt_hook_leaves_a_caller_s_own_alarm_alone() -> None:
    """The block takes SIGALRM only to raise an interrupt again: a timer the caller had set still
    goes off, with the caller's handler (the block's end cancelled every timer)."""
    import signal

    rang: list[int] = []
    before = signal.signal(signal.SIGALRM, lambda number, frame: rang.append(number))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with background.interrupts_raised(KeyboardInterrupt, signal.default_int_handler):
            pass
        deadline = time.monotonic() + 2
        while not rang and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    assert rang == [signal.SIGALRM]


def test_worker_processes_start_with_a_cancel_held_back_also_when_it_is_raised_again() -> None:
    """A cancel raised again by the interrupt hook's timer (SIGALRM) waits, as the cancel itself
    does, until every worker process started is known, so that the build's unwinding ends them."""
    import signal

    with background.cancel_held():
        held = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert {background.CANCEL, signal.SIGALRM} <= held
    assert not {background.CANCEL, signal.SIGALRM} & signal.pthread_sigmask(signal.SIG_BLOCK, [])
