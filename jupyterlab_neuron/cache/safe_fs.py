"""File-system access that cannot leave a cache root.

Every path below a root is opened one component at a time relative to its
parent's file descriptor with ``O_NOFOLLOW``: a version or entry folder that
is (or was swapped for) a symbolic link is refused instead of followed, so
nothing outside the root can be read, renamed or removed. Names always come
from a scan and are checked to be single path components.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0)


class UnsafePathError(OSError):
    """A name is not a single path component, or a folder on the way is a link."""


def check_name(name: str) -> str:
    """``name`` if it is one plain path component, else :class:`UnsafePathError`."""
    if not name or name in (".", "..") or "/" in name or "\0" in name or os.sep in name:
        raise UnsafePathError(f"Not a plain file name: {name!r}")
    return name


def open_root(path: str) -> int:
    """A descriptor of the root folder itself (the root may be a link: it is configured)."""
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def open_subdir(parent_fd: int, name: str) -> int:
    """A descriptor of folder ``name`` inside ``parent_fd``, refusing symbolic links."""
    try:
        return os.open(check_name(name), _DIR_FLAGS, dir_fd=parent_fd)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):  # a link, or not a folder
            raise UnsafePathError(error.errno, f"{name} is not a plain folder") from error
        raise


@contextmanager
def opened_path(root: str, *names: str) -> Iterator[int]:
    """Descriptor of ``root/names...`` opened component by component without following links."""
    fds = [open_root(root)]
    try:
        for name in names:
            fds.append(open_subdir(fds[-1], name))
        yield fds[-1]
    finally:
        for fd in reversed(fds):
            os.close(fd)


def read_file_tail(dir_fd: int, name: str, max_bytes: int) -> tuple[bytes, bool] | None:
    """The last ``max_bytes`` of regular file ``name`` and whether it was cut.

    ``None`` when the file is missing, a link, not a regular file, or has other
    hard links: neither kind of link in an entry makes the server read a file
    elsewhere (a hard link may name any file of the file system the user can't).
    """
    try:
        fd = os.open(check_name(name), _FILE_FLAGS, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return None
        start = max(0, info.st_size - max_bytes)
        os.lseek(fd, start, os.SEEK_SET)
        chunks: list[bytes] = []
        remaining = max_bytes
        while remaining > 0:
            chunk = os.read(fd, remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks), start > 0
    finally:
        os.close(fd)


def remove_tree_at(dir_fd: int, name: str) -> None:
    """Remove ``name`` inside ``dir_fd``: a link or file is unlinked, a folder is
    removed recursively without following any link inside it."""
    info = os.stat(check_name(name), dir_fd=dir_fd, follow_symlinks=False)
    if stat.S_ISDIR(info.st_mode):
        # Python's fd-based rmtree never follows links below the top folder.
        if sys.version_info >= (3, 11):
            shutil.rmtree(name, dir_fd=dir_fd)
        else:  # pragma: no cover - Python 3.10 has no rmtree(dir_fd=)
            remove_folder_by_descriptors(dir_fd, name)
    else:
        os.unlink(name, dir_fd=dir_fd)


def remove_folder_by_descriptors(dir_fd: int, name: str) -> None:
    """Remove folder ``name`` inside ``dir_fd`` and all it holds, through descriptors
    only (no path through ``/proc``, so macOS too), never following a link."""
    fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
    try:
        with os.scandir(fd) as entries:
            children = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
        for child, is_folder in children:
            if is_folder:
                remove_folder_by_descriptors(fd, child)
            else:
                os.unlink(child, dir_fd=fd)  # files and links alike: a link is never followed
    finally:
        os.close(fd)
    os.rmdir(name, dir_fd=dir_fd)
