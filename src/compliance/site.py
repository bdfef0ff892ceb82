"""Write a folder of generated pages (``compare -o DIR``) without clobbering anything the user owns.

* A manifest (``.compliance-manifest.json``) lists each file the tool wrote, with its SHA-256.
* A file in the folder that the manifest does not list, or that changed since it was written, is
  never overwritten unless ``force`` is given; a symlink or anything but a regular file is never
  replaced, ``force`` or not.
* Pages the tool wrote earlier and no longer generates are removed (if unchanged since).
* Every check happens before anything is touched, and the new files are built in a temporary
  sibling folder first: a refused run, an error or an interrupt leaves the folder as it was.
  The files are then moved in one rename each, the manifest last.

Imports nothing heavy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from compliance.atomic import UnsafeTarget, write_bytes
from compliance.checkpoint import reached

MANIFEST = ".compliance-manifest.json"
_MANIFEST_BYTES = 1_000_000


class SiteConflict(OSError):
    """Some files in the output folder are not the tool's to overwrite; nothing was written."""


@dataclass
class SiteResult:
    """What one write did."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # stale pages the user changed: left alone


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _regular(path: Path) -> os.stat_result | None:
    """The file's status if it is a regular file (not followed through a symlink), else None."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def _manifest(folder: Path) -> dict[str, str]:
    """The files (name -> SHA-256) the tool wrote into ``folder`` last time; empty if none or unreadable."""
    path = folder / MANIFEST
    info = _regular(path)
    if info is None or info.st_size > _MANIFEST_BYTES:
        return {}
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def _ours(path: Path, recorded: str | None) -> bool:
    """Whether ``path`` is a regular file whose bytes are the ones the manifest recorded."""
    if recorded is None or _regular(path) is None:
        return False
    try:
        return _sha(path.read_bytes()) == recorded
    except OSError:
        return False


def write_site(folder: Path, pages: dict[str, bytes], *, force: bool = False, mkdir: bool = False) -> SiteResult:
    """Write ``pages`` (file name -> bytes) into ``folder``; see the module docstring for the guarantees.

    Raises:
        UnsafeTarget: ``folder`` is a symlink or a file, or its parent is missing (without ``mkdir``),
            or a page's place holds a symlink or something other than a regular file.
        SiteConflict: A page would overwrite a file the tool did not write (without ``force``).
        OSError: Writing failed; the folder is as it was.
    """
    for name in pages:
        if not name or name != Path(name).name or name in (".", "..", MANIFEST):
            raise ValueError(f"not a page name: {name!r}")
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise UnsafeTarget(f"{folder} is a symbolic link; refusing to write through it")
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise UnsafeTarget(f"{folder} is a file; this output is a folder of pages")
    if info is None and not folder.parent.is_dir():
        if not mkdir:
            raise UnsafeTarget(f"folder {folder.parent} does not exist (create it, or pass --mkdir)")
        folder.parent.mkdir(parents=True, exist_ok=True)

    old = _manifest(folder) if info is not None else {}
    conflicts: list[str] = []
    for name in pages:
        path = folder / name
        try:
            here = os.lstat(path)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(here.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(here.st_mode) else "not a regular file"
            raise UnsafeTarget(f"{path} is {kind}; refusing to replace it")
        if not force and not _ours(path, old.get(name)):
            conflicts.append(name)
    if conflicts:
        shown = ", ".join(conflicts[:3]) + (f" and {len(conflicts) - 3} more" if len(conflicts) > 3 else "")
        raise SiteConflict(f"{folder} holds files that compliance did not write, or that changed since: {shown}; "
                           "nothing was written (move them, or pass --force to overwrite)")
    result = SiteResult(written=sorted(pages))
    stale = [name for name in sorted(old) if name not in pages and name != MANIFEST]
    for name in stale:
        (result.removed if _ours(folder / name, old[name]) else result.kept).append(name)

    manifest = json.dumps({"generator": "compliance", "files": {n: _sha(d) for n, d in sorted(pages.items())}},
                          indent=2, sort_keys=True).encode("utf-8") + b"\n"
    build = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        for name, data in pages.items():
            write_bytes(build / name, data)
        write_bytes(build / MANIFEST, manifest)
        reached("site-built")
        if info is None:
            os.chmod(build, 0o777 & ~_umask())
            os.rename(build, folder)  # a new folder appears whole
            return result
        with _no_interrupt():  # the moves take milliseconds: Ctrl-C waits for them, so no site is half old
            for name in pages:
                os.replace(build / name, folder / name)
                reached("site-page-moved")
            for name in result.removed:
                (folder / name).unlink(missing_ok=True)
            os.replace(build / MANIFEST, folder / MANIFEST)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return result


@contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold SIGINT back (where the system allows it) and deliver it when the block is done."""
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
