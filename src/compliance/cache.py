"""A persistent cache of results, keyed by content hashes, under the user's cache folder.

* Where: ``$COMPLIANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/compliance``, else ``~/.cache/compliance``.
* Off: ``--no-cache`` or ``COMPLIANCE_NO_CACHE=1``; also off, silently, when the folder cannot be created,
  is not a real folder, is owned by another user, or is writable by others (see :func:`cache_dir`).
* Data, never code: entries are bytes that the caller parses (JSON through the pydantic models);
  nothing in the cache is unpickled. Each entry carries a checksum of its payload.
* Safe against corruption: entries are written to a temporary file and renamed into place, so a
  reader sees a whole entry or none; an entry that cannot be read, fails its checksum or cannot be
  parsed is a miss (and removed).
* Safe against concurrent runs: two writers of one key write the same bytes; the last rename wins.
* Keys hash everything a result depends on: the input bytes, the name it is reported under, the
  rule set and vocabulary files, the engine's own source files and version, and the options.
"""

from __future__ import annotations

import hashlib
import os
import stat
from functools import cache
from pathlib import Path

from compliance.atomic import write_bytes

_disabled = False


def disable() -> None:
    """Turn the cache off for this process (``--no-cache``)."""
    global _disabled
    _disabled = True


def enable() -> None:
    """Turn the cache back on (unless ``COMPLIANCE_NO_CACHE`` is set)."""
    global _disabled
    _disabled = False


def cache_dir() -> Path | None:
    """The cache folder, created (mode 0700) if needed; None when caching is off or the folder is unsafe.

    The folder is used only when it is a real directory (not a symlink), owned by the user running
    the tool, and not writable by group or others; a folder the user owns with looser permissions is
    tightened to 0700 first. Anything else (a folder another local user planted, a shared
    location) turns the cache off for the run rather than trusting what is in it.
    """
    if _disabled or os.environ.get("COMPLIANCE_NO_CACHE"):
        return None
    explicit = os.environ.get("COMPLIANCE_CACHE_DIR")
    if explicit:
        folder = Path(explicit)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "compliance"
    return _checked(str(folder))


def _checked(folder: str) -> Path | None:
    """``folder`` if it is (or could be created as) a private folder of this user; None otherwise."""
    path = Path(folder)
    try:
        if not os.path.lexists(path):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or not _owned(info):
            return None
        if info.st_mode & 0o077:
            os.chmod(path, 0o700)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def _owned(info: os.stat_result) -> bool:
    """Whether the file is the current user's (always true where the system has no owners)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def digest(*parts: bytes | str) -> str:
    """A hex digest of the parts (length-prefixed, so that parts cannot run into each other)."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@cache
def engine_fingerprint() -> str:
    """A digest of the engine's own files (source, grammar, vocabulary, templates) and version."""
    root = Path(__file__).parent
    files = sorted(p for p in root.rglob("*") if p.suffix in {".py", ".lark", ".yaml", ".j2"} and p.is_file()
                   and "data" not in p.relative_to(root).parts)
    return digest(*(part for p in files for part in (str(p.relative_to(root)), p.read_bytes())))


_MAGIC = b"compliance-cache-1\n"


def _entry(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    if folder is None or not key.isalnum():
        return None
    return folder / kind / key[:2] / key


def get(kind: str, key: str) -> bytes | None:
    """The cached payload for ``key``, or None (a missing, damaged or tampered entry is a miss and removed)."""
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    check, _, payload = data[len(_MAGIC):].partition(b"\n")
    if not data.startswith(_MAGIC) or check != digest(payload).encode("ascii"):
        drop(kind, key)
        return None
    return payload


def put(kind: str, key: str, data: bytes) -> None:
    """Store ``data`` under ``key`` atomically, with its checksum; any failure leaves the cache without it."""
    path = _entry(kind, key)
    if path is None:
        return
    try:
        write_bytes(path, _MAGIC + digest(data).encode("ascii") + b"\n" + data, durable=False)
    except OSError:
        return


def drop(kind: str, key: str) -> None:
    """Remove a bad entry."""
    path = _entry(kind, key)
    if path is not None:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            return
