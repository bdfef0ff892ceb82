"""The typer application, its root options (config, quiet, verbose, version) and the entry point."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from compliance.cli.common import EXIT_CODES, EXIT_INTERNAL, TERMINAL, fail
from compliance.cli.conventions import CONFIG_META, HELP_OPTIONS, Typer

app = Typer(
    name="compliance",
    help="Check anti-trafficking legislation against international victim-protection standards.\n\n" + EXIT_CODES
    + "\n\nSettings come from flags, then COMPLIANCE_* environment variables, then .compliance.yaml or "
    "[tool.compliance] in pyproject.toml (found by walking up from the working directory).",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": HELP_OPTIONS},
)

#: The parameters of each command that a configuration file may set.
_CONFIGURABLE = {
    "check": {"files", "rules_dir", "standard", "as_of", "fmt", "fail_under", "fail_on", "fail_on_area",
              "fail_on_requirement", "waivers", "baseline", "exit_zero"},
    "compare": {"files", "rules_dir", "standard", "as_of"},
    "diff": {"rules_dir", "standard"},
    "validate": {"rules_dir"},
    "rules": {"rules_dir"},
    "explain": {"rules_dir", "standard"},
    "corpus": {"rules_dir"},
    "init": {"rules_dir"},
}


def _version(value: bool) -> None:
    if value:
        from compliance.version import __version__

        typer.echo(f"compliance {__version__}")
        raise typer.Exit()


def _apply_limits(from_file: dict[str, int], source: Path | None = None) -> None:
    """Loader limits: ``COMPLIANCE_MAX_*`` environment variables over the configuration file.

    A configuration file belongs to the repository being checked, which may be anyone's pull
    request: it can only *lower* a built-in cap (a higher value is ignored, with a warning). Only
    the person running the tool (an environment variable) can raise one.
    """
    import os

    from compliance.limits import NAMES, Limits, set_limits

    builtin = Limits()
    changes = {}
    for field, value in from_file.items():
        cap = getattr(builtin, field)
        if value > cap:
            setting = next(k for k, v in NAMES.items() if v == field)
            variable = "COMPLIANCE_" + setting.upper().replace("-", "_")
            TERMINAL.warn(f"{source}: {setting} = {value} is above the built-in {cap}; a configuration file can "
                          f"only lower limits (set {variable} to raise it)")
            continue
        changes[field] = value
    for setting, field in NAMES.items():
        variable = "COMPLIANCE_" + setting.upper().replace("-", "_")
        raw = os.environ.get(variable)
        if raw is None:
            continue
        try:
            changes[field] = int(raw)
            if changes[field] < 1:
                raise ValueError
        except ValueError:
            fail([f"error: {variable}={raw!r}: expected a whole number of at least 1"])
    if changes:
        set_limits(**changes)
        TERMINAL.debug(f"limits: {changes}")


def _apply_config(ctx: typer.Context, explicit: Path | None) -> None:
    """Find and read the configuration file; make its values the defaults of each command."""
    from compliance.policy.discover import find_config

    path = explicit or find_config(Path.cwd())
    if path is None:
        TERMINAL.debug("config: none found")
        _apply_limits({})
        return
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        path = path.relative_to(Path.cwd())
    from compliance.cli.common import errors_of
    from compliance.errors import ComplianceError, ErrorList
    from compliance.policy.config import defaults, load_config

    try:
        loaded = load_config(path)
    except (ComplianceError, ErrorList) as exc:
        fail(errors_of(exc))
    _apply_limits(loaded.config.limits(), path)
    values = defaults(loaded)
    TERMINAL.debug(f"config: {path}")
    ctx.meta[CONFIG_META] = path
    table: dict[str, Any] = {cmd: {k: v for k, v in values.items() if k in keys} for cmd, keys in _CONFIGURABLE.items()}
    table["baseline"] = {"create": {k: v for k, v in values.items()
                                    if k in {"files", "rules_dir", "standard", "as_of"}}}
    ctx.default_map = table


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", envvar="COMPLIANCE_CONFIG", exists=True, dir_okay=False, metavar="FILE",
        help="Read settings from this file (.compliance.yaml or pyproject.toml) instead of searching.")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore configuration files.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the report and errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also say which files and settings are used.")]
    = False,
) -> None:
    """Check anti-trafficking legislation against international victim-protection standards."""
    TERMINAL.quiet, TERMINAL.verbose = quiet, verbose and not quiet
    from compliance import cache
    from compliance.limits import reset

    reset()
    cache.enable()
    if no_config or ctx.invoked_subcommand == "lsp":  # the language server reads each workspace's own config
        _apply_limits({})
    else:
        _apply_config(ctx, config)
    from compliance.checkpoint import reached

    reached("configured")


def main() -> None:
    """Run the CLI; turn any unexpected exception into a one-line message and exit code 3."""
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # usage errors: the click (typer-vendored) exception prints itself
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        sys.exit(getattr(exc, "exit_code", 2))
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except SystemExit:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # typer's sign of a closed stdout pipe (EPIPE)
            raise BrokenPipeError from None  # the entry point's to handle (compliance.entry), not exit 1
        raise
    except BrokenPipeError:
        raise
    except Exception as exc:
        sys.stderr.write(f"internal error: {type(exc).__name__}: {exc} (please report this)\n")
        sys.exit(EXIT_INTERNAL)
    if code == 130:  # typer turns Ctrl-C inside a command into a silent Exit(130)
        sys.stderr.write("interrupted\n")
    sys.exit(code if isinstance(code, int) else 0)
