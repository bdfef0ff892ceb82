"""Replay a ``check`` whose inputs have not changed, without loading the pipeline.

A one-shot ``compliance check FILE -f json -o out.json`` re-run after an unrelated edit should
cost no more than reading the file. When a run is *replayable* (explicit statute files, no
thresholds, waivers or baseline, cache on), its rendered outputs are stored under a key that hashes
everything they depend on: the engine's files, the rule-set files, every input file's bytes and
name, the date, the standard, the loader limits and the formats. A later run with the same key
writes the stored outputs instead of checking again. Nothing here imports YAML, Lark, pydantic or
Jinja.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from compliance import cache
from compliance.limits import current as current_limits

_KIND = "outputs"


def replay_key(files: list[Path] | None, formats: list[str], as_of: str | None, standard: str | None,
               rules_dir: Path | None) -> str | None:
    """The key of a replayable run, or None when the run must go through the pipeline."""
    if not files or cache.cache_dir() is None:
        return None
    from compliance.resources import bundled_rules_dir

    parts: list[bytes | str] = [cache.engine_fingerprint(), cache.tree_fingerprint(rules_dir or bundled_rules_dir()),
                                as_of or dt.date.today().isoformat(), standard or "", repr(current_limits()),
                                ",".join(formats)]
    limit = current_limits().file_bytes
    for path in files:
        try:
            if str(path) == "-" or not path.is_file() or path.stat().st_size > limit:
                return None
            parts += [str(path), path.read_bytes()]
        except OSError:
            return None
    return cache.digest(*parts)


def load(key: str) -> dict[str, str] | None:
    """The stored outputs (format -> text) of a run, or None."""
    data = cache.get(_KIND, key)
    if data is None:
        return None
    try:
        outputs = json.loads(data)
    except ValueError:
        cache.drop(_KIND, key)
        return None
    if not isinstance(outputs, dict) or not all(isinstance(v, str) for v in outputs.values()):
        cache.drop(_KIND, key)
        return None
    return outputs


def store(key: str, outputs: dict[str, str]) -> None:
    """Store the outputs of a run."""
    cache.put(_KIND, key, json.dumps(outputs, ensure_ascii=False).encode("utf-8"))
