"""Command-line conventions every command follows: ``-h``, readable help, suggestions, errors in our words.

Typer builds help pages and value errors from Python types and pydantic messages (``<list[Path]>``,
``<int range>``, ``Value error, 'pdf' is not one of …``, ``Input should be less than or equal to
100``) and suggests unknown options by a loose match over long names only. The command and group
classes here replace those with readable metavars (``FILE...``, ``DATE``, ``0-100``), the choices
written out in the help text, suggestions among every option of the command, and messages that
name the flag, environment variable or configuration file the value came from.

They subclass typer's command classes and catch the exceptions of its vendored click
(``typer._click``): the reason ``pyproject.toml`` bounds typer to a tested range, and
tests/test_cli_conventions.py pins each behaviour.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any, TypeVar

import typer
from typer._click.core import Context, Parameter, ParameterSource
from typer._click.exceptions import BadParameter, NoSuchOption
from typer._click.formatting import HelpFormatter
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

F = TypeVar("F", bound=Callable[..., Any])

#: ``-h`` is ``--help`` everywhere; ``--help`` comes first, so "Try '... --help'" keeps its spelling.
HELP_OPTIONS = ["--help", "-h"]
#: Where the root callback leaves the configuration file it read (``ctx.meta`` is shared by all contexts).
CONFIG_META = "compliance.config"
#: How close (difflib ratio, option names without dashes) a misspelt option must be to be suggested.
CUTOFF = 0.75


def choices_of(param: Parameter) -> list[str]:
    """The values a choice parameter accepts, as typed on the command line (empty if it takes any)."""
    descriptor = getattr(param, "type_descriptor", None)
    found = descriptor.choices if descriptor is not None else None
    return [str(c.value) if isinstance(c, Enum) else str(c) for c in found or ()]


def long_name(param: Parameter) -> str:
    """The name a user knows a parameter by: its longest option name, or an argument's metavar."""
    if isinstance(param, TyperOption) and param.opts:
        return max(param.opts, key=len)
    return param.metavar or (param.name or "").upper()


def _derived_metavar(param: Parameter) -> str | None:
    """A readable metavar for a parameter declared without one (``None`` for flags)."""
    if isinstance(param, TyperArgument):
        return (param.name or "value").upper()
    if not isinstance(param, TyperOption) or param.is_flag or param.count:
        return None
    values = choices_of(param)
    if values:
        return "|".join(values) if len(values) <= 3 else long_name(param).lstrip("-").upper()
    descriptor = param.type_descriptor
    if descriptor.is_path:
        return {"file": "FILE", "dir": "DIR"}.get(descriptor.path_type, "PATH")
    if descriptor.is_ranged and param.min is not None and param.max is not None:
        return f"{param.min}-{param.max}"
    if descriptor.annotation in (int, float):
        return "N"
    return "TEXT"


def readable_metavars(params: Iterable[Parameter]) -> None:
    """Give every value-taking parameter declared without a metavar a readable one (in place)."""
    for param in params:
        if param.metavar is None:
            param.metavar = _derived_metavar(param)


def _with_choices(param: Parameter, text: str) -> str:
    """The help text of a choice parameter, with its choices written out after the author's help."""
    values = choices_of(param)
    metavar = param.metavar or ""
    if not values or set(values) <= set(metavar.split("|")):
        return text
    listing = f"{metavar}: {', '.join(values)}."
    base = getattr(param, "help", None) or ""
    if base and text.startswith(base):
        return f"{base} {listing}{text[len(base):]}"
    return f"{listing}  {text}" if text else listing


def _readable_range(param: Parameter, text: str) -> str:
    """Typer's ``[...; 0<=x<=100]`` help extra as words, or dropped when the metavar already says it."""
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if (low is None and high is None) or getattr(param, "count", False):
        return text
    typed = f"x>={low}" if high is None else f"x<={high}" if low is None else f"{low}<=x<={high}"
    words = (f"at least {low}" if high is None else f"at most {high}" if low is None else f"{low} to {high}")
    if param.metavar == f"{low}-{high}":
        words = ""
    text = text.replace(f"; {typed}]", f"; {words}]" if words else "]")
    return text.replace(f"  [{typed}]", f"  [{words}]" if words else "")


def help_records(command: TyperCommand | TyperGroup,
                 ctx: Context) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (name, help) rows of a command's arguments and options, without Python type names."""
    arguments: list[tuple[str, str]] = []
    options: list[tuple[str, str]] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        name, text = record
        if isinstance(param, TyperArgument):
            name = (param.metavar or name) + ("..." if param.nargs != 1 else "")
            arguments.append((name, _with_choices(param, _readable_range(param, text))))
        else:
            options.append((name, _with_choices(param, _readable_range(param, text))))
    return arguments, options


def _format_options(command: TyperCommand | TyperGroup, ctx: Context, formatter: HelpFormatter) -> None:
    arguments, options = help_records(command, ctx)
    if arguments:
        with formatter.section("Arguments"):
            formatter.write_dl(arguments)
    if options:
        with formatter.section("Options"):
            formatter.write_dl(options)


def close_options(typed: str, names: Iterable[str]) -> list[str]:
    """The long option names (at most three) that ``typed`` may have meant, best first.

    Names are compared without their dashes, so the shared ``--`` does not make every name look close:
    difflib matches at :data:`CUTOFF` or better (and within 0.1 of the best), then names that begin with
    what was typed, then names that have it as a whole word (``--json`` -> ``--output-json``).

    >>> close_options("--formt", ["--format", "--fail-on", "-f"])
    ['--format']
    >>> close_options("--bogus", ["--jobs", "--format"])
    []
    """
    bare = typed.lstrip("-").lower()
    longs = {n.lstrip("-").lower(): n for n in sorted(set(names)) if n.startswith("--")}
    if len(bare) < 2:
        return []
    scored = sorted(((difflib.SequenceMatcher(None, bare, b).ratio(), b) for b in longs), reverse=True)
    best = scored[0][0] if scored else 0.0
    close = [b for ratio, b in scored if ratio >= CUTOFF and ratio >= best - 0.1]
    starts = sorted((b for b in longs if b.startswith(bare)), key=len)
    words = sorted((b for b in longs if bare in b.split("-")), key=len)
    return [longs[b] for b in dict.fromkeys([*close, *starts, *words])][:3]


def _option_names(command: Any, ctx: Context) -> list[str]:
    return [n for p in command.get_params(ctx) if isinstance(p, TyperOption) for n in (*p.opts, *p.secondary_opts)]


def _unknown_option(exc: NoSuchOption, ctx: Context) -> NoSuchOption:
    """``No such option: --x``, with the options it may have meant, or where the option belongs."""
    typed = exc.option_name
    message = f"No such option: {typed}"
    parent = ctx.parent
    while parent is not None:
        if typed in _option_names(parent.command, parent):
            return NoSuchOption(typed, f"{message}. It is an option of '{parent.command_path}': "
                                       f"put it before '{ctx.info_name}'.", ctx=ctx)
        parent = parent.parent
    close = close_options(typed, _option_names(ctx.command, ctx))
    if close:
        message += ". Did you mean " + (close[0] if len(close) == 1 else
                                        ", ".join(close[:-1]) + " or " + close[-1]) + "?"
    return NoSuchOption(typed, message, ctx=ctx)


def _where(ctx: Context | None, param: Parameter) -> str:
    """The flag, environment variable or configuration file a parameter's value came from."""
    flag = long_name(param)
    source = ctx.get_parameter_source(param.name) if ctx is not None and param.name else None
    if source is ParameterSource.ENVIRONMENT and param.envvar:
        names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar)
        used = next((n for n in names if n in os.environ), names[0])
        return f"{used} (the environment variable for {flag})"
    if source is ParameterSource.DEFAULT_MAP and ctx is not None:
        return f"{flag.lstrip('-')!r} in {ctx.meta.get(CONFIG_META, 'the configuration file')}"
    return f"'{flag}'"


def given_as(name: str, flag: str) -> str:
    """Where the running command's parameter ``name`` got its value, for an error: ``flag``, a variable or a key.

    A value from the configuration file is named by the file's position of the key where it can be
    found (``.compliance.yaml:3:11: standard``), else by the file and the key.
    """
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    source = ctx.get_parameter_source(name) if ctx is not None else None
    if ctx is None or source is None:
        return flag
    param = next((p for p in ctx.command.params if p.name == name), None)
    if source is ParameterSource.ENVIRONMENT and param is not None and param.envvar:
        names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar)
        return next((n for n in names if n in os.environ), names[0])
    config = ctx.meta.get(CONFIG_META)
    if source is ParameterSource.DEFAULT_MAP and config is not None:
        key = flag.lstrip("-")
        if str(config).endswith((".yaml", ".yml")):
            from compliance.errors import ComplianceError, ErrorList
            from compliance.loader import load_yaml

            try:
                return f"{load_yaml(config).span((key,))}: {key}"
            except (ComplianceError, ErrorList, OSError):
                pass
        return f"{config}: {key}"
    return flag


def _in_our_words(param: Parameter, problem: dict[str, Any]) -> str:
    """One pydantic problem with a command-line value, said the way the tool says things."""
    value = problem.get("input")
    kind = str(problem.get("type", ""))
    values = choices_of(param)
    if values:
        metavar = param.metavar or ""
        noun = metavar.lower() if metavar.isalpha() else "value"
        close = difflib.get_close_matches(str(value), values, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown {noun} {value!r}{hint} ({noun}s: {', '.join(values)})"
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    number = "a whole number" if annotation is int else "a number"
    if kind.startswith(("int_", "float_")):
        return f"{value!r} is not {number}"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        span = (f"from {low} to {high}" if low is not None and high is not None
                else f"of at least {low}" if low is not None else f"of at most {high}")
        return f"{value} is out of range: use {number} {span}"
    if kind.startswith("bool"):
        return f"{value!r} is not true or false (use true/false, 1/0, yes/no or on/off)"
    message = str(problem.get("msg", "")).removeprefix("Value error, ")
    if message.startswith("Input should be "):
        message = f"invalid value {value!r}: expected {message.removeprefix('Input should be ')}"
    return message


def reworded(exc: BadParameter) -> BadParameter | None:
    """The same error in our words, pointing at where the value came from; ``None`` if not a pydantic one."""
    from pydantic import ValidationError

    cause = exc.__cause__
    if exc.param is None or not isinstance(cause, ValidationError):
        return None
    problems = cause.errors()
    problem: dict[str, Any] = dict(problems[0]) if problems else {}
    return BadParameter(_in_our_words(exc.param, problem), ctx=exc.ctx, param=exc.param,
                        param_hint=_where(exc.ctx, exc.param))


@contextmanager
def _own_words(ctx: Context) -> Iterator[None]:
    try:
        yield
    except NoSuchOption as exc:
        raise _unknown_option(exc, ctx) from None
    except BadParameter as exc:
        better = reworded(exc)
        if better is None:
            raise
        raise better from None


class Command(TyperCommand):
    """A typer command with readable help and errors (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readable_metavars(self.params)

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        """Arguments and options without Python type names, choices written out."""
        _format_options(self, ctx, formatter)

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        """The usage line in click's own convention: ``[OPTIONS] FILE [OUT]``, ``...`` for many."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or (param.name or "").upper()
                pieces.append((name if param.required else f"[{name}]") + ("..." if param.nargs != 1 else ""))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        """Parse, saying unknown options and bad values in our words."""
        with _own_words(ctx):
            return super().parse_args(ctx, args)


class Group(TyperGroup):
    """A typer group (the root, ``baseline``, ``import``) with the same conventions as :class:`Command`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readable_metavars(self.params)

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        """Options without Python type names, then the commands."""
        _format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        """Parse the group's own options, saying unknown options and bad values in our words."""
        with _own_words(ctx):
            return super().parse_args(ctx, args)


class Typer(typer.Typer):
    """A :class:`typer.Typer` whose groups and commands follow the conventions; plain (non-rich) help."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", Group)
        kwargs.setdefault("rich_markup_mode", None)
        kwargs.setdefault("pretty_exceptions_enable", False)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        """Register a command (a :class:`Command` unless ``cls`` says otherwise)."""
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)
