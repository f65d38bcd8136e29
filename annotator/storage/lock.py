"""One writer per project: an OS-level lock on a sidecar ``<project>.lock`` file.

Two Plan Annotator windows writing the same SQLite file would not corrupt it (SQLite serialises
writers) but each would show stale data and their undo stacks would fight. The lock is taken with
``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows: the operating system releases it when
the process dies, however it dies, so a crash never leaves a project locked for good. The file
holds the holder's pid, host and start time so the refusal can say who has the project open.

A clean release deletes the file, so closing a project leaves nothing beside it. Deleting races
with a process that has just opened the old file and locks it after we let go: that process then
holds a lock on a file no longer in the folder, so :func:`acquire_project_lock` checks, once the
lock is held, that the path still names the file it locked, and starts again if not. The file is
deleted while still locked, so no one can lock it between the deletion and the release. (On
Windows an open file cannot be deleted; the file stays there, empty.)
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from annotator.core.errors import ProjectError
from annotator.storage.projectfile import is_new_project_file

# On Windows the lock covers one byte far past the text, so a second process can still read who
# holds it (msvcrt locks are mandatory: a locked byte cannot be read).
_WIN_LOCK_OFFSET = 1 << 20


class ProjectLockedError(ProjectError):
    """The project is open in another Plan Annotator process (``pid`` on ``host`` if known)."""

    def __init__(self, message: str, *, source: str, pid: int | None, host: str | None):
        super().__init__(message, source=source)
        self.pid = pid
        self.host = host


class ReadOnlyLocationError(ProjectError):
    """The lock file cannot be created because the project's folder or medium is read-only.

    ``medium`` is True for a read-only file system (nothing can change the file there).
    """

    def __init__(self, message: str, *, source: str, medium: bool):
        super().__init__(message, source=source)
        self.medium = medium


#: Why a lock file cannot be created on read-only media or in a folder we may not write.
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def lock_path(project: str | os.PathLike[str]) -> Path:
    """The sidecar lock file of ``project`` (``<name>.lock`` beside it)."""
    p = Path(project)
    return p.with_name(p.name + ".lock")


class ProjectLock:
    """A held project lock; :meth:`release` (or leaving a ``with`` block, or dying) frees it."""

    def __init__(self, project: Path, fd: int):
        self.project = project
        self.path = lock_path(project)
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        """True until :meth:`release` is called."""
        return self._fd is not None

    def release(self) -> None:
        """Free the lock; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # a stale holder's details must not outlive the lock
        if sys.platform != "win32" and _names(self.path, fd):
            with contextlib.suppress(OSError):
                os.unlink(self.path)  # while still locked: see the module docstring
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> ProjectLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:
        # Only a safety net: the lock is also freed when the process exits.
        if getattr(self, "_fd", None) is not None:
            # At interpreter exit module globals may already be gone; the OS frees the lock.
            with contextlib.suppress(Exception):
                self.release()


def acquire_project_lock(path: str | os.PathLike[str]) -> ProjectLock:
    """Lock the project at ``path`` for this process, or raise.

    A file that is not a project is refused first (:class:`ProjectError`), so no lock file is
    ever left beside a text file or another program's database. Raises
    :class:`ProjectLockedError` naming the holder's pid when another process holds the lock, and
    :class:`ReadOnlyLocationError` when the lock file cannot be created because the folder or the
    medium is read-only (the caller may then open the project read-only).
    """
    project = Path(path)
    is_new_project_file(project)
    while True:
        lock = _lock_once(project)
        if lock is not None:
            return lock


def _names(target: Path, fd: int) -> bool:
    """Whether ``target`` is still the file open as ``fd`` (not deleted, not replaced)."""
    try:
        here, there = os.fstat(fd), os.stat(target)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _lock_once(project: Path) -> ProjectLock | None:
    """Lock the project's lock file, or raise; None if the file was deleted under us (retry)."""
    target = lock_path(project)
    try:
        fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        message = (
            f"cannot create the lock file {target.name}: {exc.strerror or exc} "
            "(is the folder read-only?)"
        )
        if exc.errno in _READ_ONLY_ERRNOS:
            raise ReadOnlyLocationError(
                message, source=str(project), medium=exc.errno == errno.EROFS
            ) from exc
        raise ProjectError(message, source=str(project)) from exc
    try:
        locked = _try_lock(fd)
    except OSError as exc:
        os.close(fd)
        raise ProjectError(
            f"cannot lock the project: {exc.strerror or exc}", source=str(project)
        ) from exc
    if not locked:
        holder = _read_holder(fd)
        os.close(fd)
        pid = holder.get("pid") if isinstance(holder.get("pid"), int) else None
        host = holder.get("host") if isinstance(holder.get("host"), str) else None
        who = f"pid {pid}" if pid is not None else "another process"
        if host and host != socket.gethostname():
            who += f" on {host}"
        raise ProjectLockedError(
            f"already open in another Plan Annotator window ({who}); "
            "close it there, or open this project read-only",
            source=str(project),
            pid=pid,
            host=host,
        )
    if sys.platform != "win32" and not _names(target, fd):
        # The holder released and deleted the file between our open and our lock.
        _unlock(fd)
        os.close(fd)
        return None
    _write_holder(fd)
    return ProjectLock(project, fd)


def read_lock_holder(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The details the current (or last) holder wrote, ``{}`` if none can be read."""
    try:
        fd = os.open(lock_path(path), os.O_RDONLY)
    except OSError:
        return {}
    try:
        return _read_holder(fd)
    finally:
        os.close(fd)


def holder_gone(path: str | os.PathLike[str]) -> bool:
    """The lock file beside ``path`` was left by a process of this machine that has ended (a
    crash, a kill): nobody holds the project. False when unsure (another host, no pid, the
    process still there, or its pid reused by another): the caller then treats it as held."""
    holder = read_lock_holder(path)
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname() or not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid() or sys.platform == "win32":  # Windows' os.kill would end the process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, someone else's (EPERM), or a platform without signal 0
        return False
    return False


def _write_holder(fd: int) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
    data = json.dumps(info).encode()
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
    except OSError:
        pass  # the lock itself is held; only the message to a second window gets vaguer


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, 4096)
        value = json.loads(data.decode("utf-8")) if data else {}
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class _SharedLock:
    """One process-wide hold on a project's lock, shared by every Project this process opens.

    The lock keeps *other processes* out; inside one process several connections to the same
    file are ordinary SQLite use (a dialog's worker, a test reopening the project).
    """

    def __init__(self, key: Path, lock: ProjectLock):
        self.key = key
        self.lock = lock
        self.count = 1

    def release(self) -> None:
        self.count -= 1
        if self.count == 0:
            _SHARED.pop(self.key, None)
            self.lock.release()


_SHARED: dict[Path, _SharedLock] = {}


def acquire_shared_lock(path: str | os.PathLike[str]) -> _SharedLock:
    """Like :func:`acquire_project_lock`, but re-entrant within this process (reference counted)."""
    key = Path(path).resolve()
    shared = _SHARED.get(key)
    if shared is not None:
        shared.count += 1
        return shared
    shared = _SharedLock(key, acquire_project_lock(path))
    _SHARED[key] = shared
    return shared
