"""Work a forked process does while the build goes on, its result sent back.

The build's main process is the slow lane of a rebuild: drawing a few charts
(importing matplotlib alone takes half a second) or making okrs.json and the feed
can run beside it on the other core. A fork inherits the model, so nothing is
pickled on the way in. Where no process can be forked (threads are running, as in
the preview, or the platform has no fork) or the process dies, the work is done
in this process when its result is asked for: the result is the same either way.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

T = TypeVar("T")


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
            self._process.terminate()
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
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            if self._receiver is not None:
                self._receiver.close()
            self._done = True


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


def start(work: Callable[[], T], fork: bool = True) -> Pending[T]:
    """Start `work` in a forked process when allowed and possible; else it runs when asked."""
    if not fork or not can_fork():
        return Pending(work)
    context = multiprocessing.get_context("fork")
    try:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_send, args=(work, sender, receiver), daemon=True)
        process.start()
    except OSError:
        return Pending(work)
    sender.close()
    return Pending(work, receiver, process)
