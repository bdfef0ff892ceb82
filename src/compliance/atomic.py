"""Write files safely: never through a symlink, never over anything but a regular file, atomically.

* A reader (or a crash, or Ctrl-C) sees the old file or the whole new one, never half of it: the
  data goes to a temporary file in the same folder, is flushed to disk (``fsync``), then renamed
  over the target.
* The target is never followed: a symlink at the target is refused (it could point at
  ``~/.bashrc``), and so is anything that is not a regular file (a folder, a device, a pipe).
* A missing parent folder is an error unless the caller asks for it (``mkdir=True``): a typo in
  ``-o reprots/x.html`` should not create folders silently.
* An existing file keeps its permission bits; a new one gets those the umask gives.

Used for reports, sites, baselines and cache entries. Imports nothing heavy.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from compliance.checkpoint import reached


class UnsafeTarget(OSError):
    """The target is a symlink or not a regular file, or its folder is missing; nothing was written."""


def check_target(target: Path, *, mkdir: bool = False) -> int | None:
    """Refuse an unsafe target; return the permission bits of the regular file there, if any.

    Raises:
        UnsafeTarget: ``target`` is a symlink or not a regular file, or its folder does not exist
            (and ``mkdir`` is false) or is not a folder.
    """
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise UnsafeTarget(f"{target} is a symbolic link; refusing to write through it")
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise UnsafeTarget(f"{target} is {kind}; refusing to replace it")
        return stat.S_IMODE(info.st_mode)
    parent = target.parent
    if not parent.exists():
        if not mkdir:
            raise UnsafeTarget(f"folder {parent} does not exist (create it, or pass --mkdir)")
    elif not parent.is_dir():
        raise UnsafeTarget(f"{parent} is not a folder")
    return None


def write_bytes(target: Path, data: bytes, *, mkdir: bool = True, durable: bool = True) -> None:
    """Replace ``target`` with ``data`` atomically (and durably unless ``durable`` is false), refusing unsafe targets.

    Raises:
        UnsafeTarget: See :func:`check_target` (nothing is written).
        OSError: The write itself failed (full disk, no permission); the target is untouched.
    """
    mode = check_target(target, mkdir=mkdir)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        reached("before-rename")
        os.replace(tmp, target)  # replaces the name: a symlink planted meanwhile is replaced, not followed
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_text(target: Path, text: str, *, mkdir: bool = True) -> None:
    """Replace ``target`` with ``text`` (UTF-8) atomically; see :func:`write_bytes`."""
    write_bytes(target, text.encode("utf-8"), mkdir=mkdir)
