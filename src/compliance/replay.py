"""Replay a ``check`` whose inputs have not changed, without loading the pipeline (or even typer).

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


_FORMATS = ("text", "json", "markdown", "html", "csv", "sarif", "junit", "github")
_VALUED = {"-f": "format", "--format": "format", "-o": "output", "--output": "output", "--as-of": "as_of",
           "-s": "standard", "--standard": "standard", "--rules": "rules",
           **{f"--output-{name}": f"output-{name}" for name in _FORMATS}}


def replay_argv(argv: list[str]) -> bool:
    """Replay ``compliance [--no-config] [-q] check FILE... [simple options]`` if nothing changed.

    Returns False (and does nothing) unless the command is of that simple form, no configuration
    file or ``COMPLIANCE_*`` setting could change the outcome, and every output is stored: then the
    full command line runs as usual. Writes are atomic and never go to an input file.
    """
    import os
    import sys

    args = list(argv)
    quiet = no_config = False
    while args and args[0] in ("--no-config", "-q", "--quiet"):
        quiet |= args[0] != "--no-config"
        no_config |= args[0] == "--no-config"
        args.pop(0)
    if not args or args[0] != "check":
        return False
    if any(k.startswith("COMPLIANCE_") and k != "COMPLIANCE_CACHE_DIR" for k in os.environ):
        return False
    options: dict[str, str] = {}
    files: list[Path] = []
    rest = args[1:]
    while rest:
        token = rest.pop(0)
        if token in _VALUED and rest and token not in options:
            options[_VALUED[token]] = rest.pop(0)
        elif not token.startswith("-") and token:
            files.append(Path(token))
        else:
            return False
    fmt = options.get("format", "text")
    if fmt not in _FORMATS or not files:
        return False
    if not no_config:
        from compliance.policy.discover import find_config

        if find_config(Path.cwd()) is not None:
            return False
    if Path(".compliance-waivers.yaml").is_file():
        return False
    extra = {name: options[f"output-{name}"] for name in _FORMATS if f"output-{name}" in options}
    wanted = list(dict.fromkeys([fmt, *extra]))
    key = replay_key(files, wanted, options.get("as_of"), options.get("standard"),
                     Path(options["rules"]) if "rules" in options else None)
    texts = load(key) if key else None
    if texts is None or not set(wanted) <= set(texts):
        return False
    targets = ([(fmt, Path(options["output"]))] if "output" in options else []) + [
        (name, Path(path)) for name, path in extra.items()]
    inputs = {p.resolve() for p in files}
    if any(Path(path).resolve() in inputs for _, path in targets):
        return False  # let the full command line refuse it, with its message
    if "output" not in options:
        if fmt == "text" and sys.stdout.isatty():
            return False  # colour: the full command line decides
        sys.stdout.write(texts[fmt])
    from compliance.atomic import write_text

    for name, path in targets:
        write_text(path.resolve(), texts[name])
        if not quiet:
            sys.stderr.write(f"wrote {path}\n")
    return True
