"""Work a forked process does while the build goes on, its result sent back.

The build's main process is the slow lane of a rebuild: drawing a few charts
(importing matplotlib alone takes half a second) or making okrs.json and the feed
can run beside it on the other core. A fork inherits the model, so nothing is
pickled on the way in. Where no process can be forked (threads are running, as in
the preview, or the platform has no fork) or the process dies, the work is done
in this process when its result is asked for: the result is the same either way.
A Helper is such a process that stays for more jobs once its first work is done
(the build's drawing process: matplotlib loaded, then a changed scorecard PDF and
the few charts an edit draws).
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# The signal that cancels a build in the preview's build process (okrsite.build.host): the build
# unwinds there as on Ctrl-C.
CANCEL = signal.SIGUSR1
END_WAIT = 5.0  # seconds a process asked to end has before it is killed


@contextlib.contextmanager
def cancel_held() -> Iterator[None]:
    """A cancel (or Ctrl-C) that comes meanwhile waits until the block is done: while worker
    processes are started, so that every one started is known, and ended, when the build unwinds
    (a worker started but not yet known outlived the build, and printed a traceback)."""
    held = hasattr(signal, "pthread_sigmask")
    # SIGALRM: a cancel raised again (interrupts_raised)
    signals = {CANCEL, signal.SIGALRM, signal.SIGINT} if held else set()
    if held:
        signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        if held:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)


@contextlib.contextmanager
def interrupts_raised(kind: type[BaseException], handler: Callable[[int, Any], None]) -> Iterator[None]:
    """An interrupt (`kind`, raised by a signal's `handler`: Ctrl-C, the preview's cancel) that
    lands where Python ignores exceptions (a weakref callback, `__del__`: importlib's module locks
    have one) is printed as a traceback, and the work goes on. Within the block it is raised again
    a moment later, where the work unwinds: by a one-shot SIGALRM timer, as a signal sent from the
    hook would be handled in the hook, and ignored again. The timer and SIGALRM's handler are the
    block's only once it has used them, and are given back at its end; an interrupt still waiting
    for its timer then is raised there."""
    if not hasattr(signal, "setitimer"):
        yield
        return
    previous = sys.unraisablehook
    alarm: list[Any] = []  # SIGALRM's handler and timer before the first use, once used

    def again(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, kind):
            previous(unraisable)
            return
        if not alarm:
            alarm.append((signal.getsignal(signal.SIGALRM), signal.getitimer(signal.ITIMER_REAL)))
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, 0.001)

    sys.unraisablehook = again
    try:
        yield
    finally:
        sys.unraisablehook = previous
        if alarm:
            waiting = signal.setitimer(signal.ITIMER_REAL, 0)[0] > 0
            (before, timer), = alarm
            signal.signal(signal.SIGALRM, before)
            signal.setitimer(signal.ITIMER_REAL, *timer)
            if waiting and sys.exc_info()[0] is None:
                raise kind


def can_fork() -> bool:
    """Forking a process that runs other threads (the preview server) is unsafe."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Pending(Generic[T]):
    """A result on its way; `result()` waits for it (and computes it here if it cannot come)."""

    def __init__(self, work: Callable[[], T], receiver: Connection | None = None,
                 process: multiprocessing.process.BaseProcess | None = None) -> None:
        self._work, self._receiver, self._process = work, receiver, process
        self._done = False
        self._result: T | None = None

    def result(self) -> T:
        if not self._done:
            self._result = self._receive() if self._receiver else self._work()
            self._done = True
        return self._result  # type: ignore[return-value]

    def _receive(self) -> T:
        assert self._receiver is not None and self._process is not None
        try:
            value: T = self._receiver.recv()
        except (EOFError, OSError):  # the process died or failed: do the work here, errors and all
            value = self._work()
        except BaseException:  # Ctrl-C while waiting: the process must not outlive the build
            end_process(self._process)
            raise
        finally:
            self._receiver.close()
            self._process.join()
        return value

    def __enter__(self) -> Pending[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """The build failed before asking: end the process, leave nothing behind (done for a
        `with` block at its end; nothing to do once the result has come)."""
        if self._process is not None and not self._done:
            end_process(self._process)
            if self._receiver is not None:
                self._receiver.close()
            self._done = True


def end_process(process: multiprocessing.process.BaseProcess) -> None:
    """End a forked process and wait for it. A SIGTERM that comes while it is being forked is lost
    (Python clears the signals a new child has pending: a build that failed at once hung in the
    join), so one that is still there after a while is killed."""
    if process.is_alive():
        process.terminate()
    process.join(END_WAIT)
    if process.is_alive():
        process.kill()
        process.join()


def _send(work: Callable[[], T], channel: Connection, theirs: Connection) -> None:
    # Ctrl-C is the build's, which stops this process; and with the build's end of the pipe closed
    # here, a build that dies unasked makes a send blocked on a full pipe fail instead of hang.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    theirs.close()
    try:
        channel.send(work())
    except Exception:  # noqa: BLE001 - the caller does the work again, and reports what fails
        pass
    finally:
        channel.close()


def _forked(target: Callable[[Callable[[], T], Connection, Connection], None], work: Callable[[], T],
            duplex: bool, later: bool) -> tuple[Connection, multiprocessing.process.BaseProcess] | None:
    """A process forked to run `target(work, its end of a pipe, ours)`, with our end; None when
    none can be. `later`: its result is wanted late in the build, so it yields the processor."""
    if not can_fork():
        return None
    context = multiprocessing.get_context("fork")
    try:
        ours, theirs = context.Pipe(duplex=duplex)  # when not duplex, ours receives and theirs sends
        process = context.Process(target=_started, args=(target, later, work, theirs, ours), daemon=True)
        process.start()
    except OSError:
        return None
    theirs.close()
    return ours, process


def _started(target: Callable[[Callable[[], T], Connection, Connection], None], later: bool,
             work: Callable[[], T], theirs: Connection, ours: Connection) -> None:
    """`target` in the forked process; when its result is wanted `later`, at a lower priority: on
    two cores the build's own process, the slow lane, had to share one with such work (the drawing
    process importing matplotlib), and came to its end later (an edit at 1,000 objectives: ~0.2 s)."""
    if later:
        with contextlib.suppress(OSError):
            os.nice(LATER)
    target(work, theirs, ours)


LATER = 10  # how much lower: at 10 (a tenth of the weight) the build's process keeps ~90% of a shared core


def start(work: Callable[[], T], fork: bool = True) -> Pending[T]:
    """Start `work` in a forked process when allowed and possible; else it runs when asked."""
    forked = _forked(_send, work, duplex=False, later=False) if fork else None
    return Pending(work, *forked) if forked else Pending(work)


class _Failed:
    """What a helper process answers for a job that raised: the job is done again here."""


def _serve(work: Callable[[], object], channel: Connection, theirs: Connection) -> None:
    """A helper process: its first work, then each job the build sends, until the build is done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in _send
    theirs.close()
    try:
        while True:
            try:
                answer = work()
            except Exception:  # noqa: BLE001 - the build does the job again, and reports what fails
                answer = _Failed()
            channel.send(answer)
            job, args = channel.recv()
            work = functools.partial(job, *args)
    except (EOFError, OSError):  # the build has ended, or stopped this process
        pass
    finally:
        channel.close()


# Bytes of jobs a helper may be sent before it has answered them: far less than a pipe (a socket
# pair) holds, so that sending never waits while the helper, busy, cannot read.
PIPE_ROOM = 32_000


def _room(channel: Connection) -> int:
    """PIPE_ROOM, or less where the pipe's buffers are small (a quarter of the smaller: Linux gives
    ~200 KB, macOS 8 KB); 0 when they cannot be read (every job then has a process of its own)."""
    try:
        with socket.socket(fileno=os.dup(channel.fileno())) as pipe:
            smaller = min(pipe.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF),
                          pipe.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    except OSError:
        return 0
    return min(PIPE_ROOM, smaller // 4)


class Helper(Generic[T]):
    """A forked process that does the work it was started with (`result()`), then stays to do
    more for the build, one job after another (`later()`), so that what its jobs import
    (matplotlib: half a second) is imported once. Without a process, each job is done here
    when its result is asked for; so is a job that failed there, or that a dead process left.
    """

    def __init__(self, work: Callable[[], T], channel: Connection | None = None,
                 process: multiprocessing.process.BaseProcess | None = None) -> None:
        self._channel, self._process = channel, process
        self._sent = 1  # jobs sent (the first went with the fork)
        self._arrived = 0  # answers received
        self._answers: dict[int, object] = {}  # received, not yet asked for
        self._unanswered = 0  # bytes of the jobs sent that are not answered yet (at most `_room`)
        self._room = _room(channel) if channel is not None else 0
        self._others: list[Pending[object]] = []  # jobs too large for the pipe, each in a process of its own
        self._first: Pending[T] = Pending(lambda: self._answer(0, work))

    def result(self) -> T:
        return self._first.result()

    def later(self, job: Callable[..., R], *args: object) -> Pending[R]:
        """`job(*args)`, done by the process once its earlier jobs are (`job` a module-level
        function, `args` picklable); its result when asked for."""
        here = functools.partial(job, *args)
        if self._channel is None:
            return Pending(here)
        data = ForkingPickler.dumps((job, args))
        if self._unanswered + len(data) > self._room:  # sending could wait for the busy helper, which
            own = start(here)  # may itself wait to send its answer: a process of its own instead,
            self._others.append(own)  # stopped with the helper
            return own
        try:
            self._channel.send_bytes(data)
        except OSError:  # the process is gone
            self.stop()
            return Pending(here)
        number, self._sent = self._sent, self._sent + 1
        self._unanswered += len(data)
        return Pending(lambda: self._answer(number, here, len(data)))

    def _answer(self, number: int, here: Callable[[], R], size: int = 0) -> R:
        """The process's answer to job `number` (earlier answers kept for their askers), or the
        job done here when the process did not do it. `size`: the job's bytes in the pipe."""
        self._unanswered -= size
        while self._arrived <= number and self._channel is not None:
            try:
                self._answers[self._arrived] = self._channel.recv()
                self._arrived += 1
            except Exception:  # noqa: BLE001 - it died, or sent what cannot be read: the rest is done here
                self.stop()
            except BaseException:  # Ctrl-C while waiting: the process must not outlive the build
                self.stop()
                raise
        answer = self._answers.pop(number, _Failed())
        return here() if isinstance(answer, _Failed) else answer  # type: ignore[return-value]

    def __enter__(self) -> Helper[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """End the process, and those of jobs too large for its pipe (once the build is done with
        them, or has failed)."""
        for other in self._others:
            other.stop()
        if self._process is not None and self._channel is not None:
            end_process(self._process)
            self._channel.close()
        self._process = self._channel = None


def helper(work: Callable[[], T], fork: bool = True, later: bool = False) -> Helper[T]:
    """A Helper started with `work`, in a forked process when allowed and possible; `later`: its
    results are wanted late in the build, so it yields the processor to the build."""
    forked = _forked(_serve, work, duplex=True, later=later) if fork else None
    return Helper(work, *forked) if forked else Helper(work)
