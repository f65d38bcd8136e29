"""SIGTERM and SIGHUP end the app as File ▸ Quit does.

A desktop session logging out, ``kill``, or a closed terminal sends these. Left to their default
they end the process at once: the memo being typed and the place in the plan are lost, and the
project's lock file stays behind. Python runs its signal handlers only between bytecodes, which
never happens while Qt waits for events, so the signal also writes to a socket Qt watches
(:func:`signal.set_wakeup_fd`); that wakes the loop, the handler runs and quits it, and
``run_gui`` then closes the window's project the normal way.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication

SIGNALS = ("SIGTERM", "SIGHUP")


class _Wakeup(QObject):
    def __init__(self, app: QApplication):
        super().__init__(app)
        self.read, self.write = socket.socketpair()
        for end in (self.read, self.write):
            end.setblocking(False)
        self.notifier = QSocketNotifier(self.read.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self.drain)

    def drain(self) -> None:
        """Python's handler has run by now (it runs before this slot); empty the socket."""
        with contextlib.suppress(OSError):
            self.read.recv(512)


def quit_on_session_end(app: QApplication) -> None:
    """From now on SIGTERM and SIGHUP quit ``app``'s event loop (POSIX; elsewhere nothing)."""
    if sys.platform == "win32":
        return
    wakeup = _Wakeup(app)
    signal.set_wakeup_fd(wakeup.write.fileno(), warn_on_full_buffer=False)
    for name in SIGNALS:
        signal.signal(getattr(signal, name), lambda _signum, _frame: app.quit())
