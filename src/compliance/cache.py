"""A persistent cache of results, keyed by content hashes, under the user's cache folder.

* Where: ``$COMPLIANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/compliance``, else ``~/.cache/compliance``.
* Off: ``--no-cache`` or ``COMPLIANCE_NO_CACHE=1``; also off, silently, when the folder cannot be created.
* Safe against corruption: entries are written to a temporary file and renamed into place, so a
  reader sees a whole entry or none; an entry that cannot be read or parsed is a miss (and removed).
* Safe against concurrent runs: two writers of one key write the same bytes; the last rename wins.
* Keys hash everything a result depends on: the input bytes, the name it is reported under, the
  rule set and vocabulary files, the engine's own source files and version, and the options.
"""

from __future__ import annotations

import hashlib
import os
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
    """The cache folder, created if needed; None when caching is off or impossible."""
    if _disabled or os.environ.get("COMPLIANCE_NO_CACHE"):
        return None
    explicit = os.environ.get("COMPLIANCE_CACHE_DIR")
    if explicit:
        folder = Path(explicit)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "compliance"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


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


def tree_fingerprint(folder: Path) -> str:
    """A digest of every YAML file under ``folder`` (e.g. a rule set), names and contents."""
    files = sorted(p for p in folder.rglob("*.yaml") if p.is_file())
    return digest(*(part for p in files for part in (str(p.relative_to(folder)), p.read_bytes())))


def get(kind: str, key: str) -> bytes | None:
    """The cached bytes for ``key``, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / kind / key[:2] / key
    try:
        return path.read_bytes()
    except OSError:
        return None


def put(kind: str, key: str, data: bytes) -> None:
    """Store ``data`` under ``key`` atomically; any failure just leaves the cache without it."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        write_bytes(folder / kind / key[:2] / key, data)
    except OSError:
        return


def drop(kind: str, key: str) -> None:
    """Remove a bad entry."""
    folder = cache_dir()
    if folder is not None:
        (folder / kind / key[:2] / key).unlink(missing_ok=True)
