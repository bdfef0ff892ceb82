"""Generated sentences as data, so that they can be merged and translated after they are made.

A :class:`Phrase` is a ``str`` (its English text, so code and tests that read reasons as text keep
working) that also remembers how it was made: a template, which is also its gettext message id,
and the arguments filled into it. An argument is one of:

- a plain ``str``: data that is never translated (a provision id, a local term's description as the
  statute file gives it, a duration);
- a :class:`Msg`: a text that a catalogue translates (a vocabulary description, an element's
  description), optionally lower-cased after translation to continue a sentence;
- a :class:`Items`: a list joined by "and", "or", ", " or "; ";
- another :class:`Phrase`.

:func:`to_data` and :func:`from_data` turn a phrase into JSON and back; :func:`render` fills it in
with a ``gettext`` function, so that the English rendering is exactly the phrase's own text.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from typing import Any, Literal, Union

Join = Literal["and", "or", "comma", "semicolon", "plus", "or_list", "and_list"]

#: How each join reads in English; the catalogue translates the words (" and ", " or ").
JOINS: dict[str, str] = {"and": " and ", "or": " or ", "comma": ", ", "semicolon": "; ", "plus": " + ",
                         "or_list": " or ", "and_list": " and "}

Gettext = Callable[[str], str]


def _identity(text: str) -> str:
    return text


class Msg(str):
    """A text a catalogue translates (its msgid is the text itself); ``lower`` continues a sentence (``lowered``)."""

    msgid: str
    lowered: bool

    def __new__(cls, text: str, lower: bool = False) -> Msg:  # noqa: D102
        obj = super().__new__(cls, lower_first(text) if lower else text)
        obj.msgid = text
        obj.lowered = lower
        return obj


class Items(tuple):  # type: ignore[type-arg]
    """Arguments joined into one: ``Items(["a", "b"], "or")`` reads ``a or b``."""

    join: str

    def __new__(cls, items: Iterable[Arg], join: Join = "and") -> Items:  # noqa: D102
        obj = super().__new__(cls, tuple(items))
        obj.join = join
        return obj

    def __str__(self) -> str:
        return render(self)


class Phrase(str):
    """A generated sentence: its English text, the template it was made from and the arguments."""

    template: str
    args: dict[str, Arg]

    def __new__(cls, template: str, **args: Arg) -> Phrase:  # noqa: D102
        obj = super().__new__(cls, _fill(template, args, _identity))
        obj.template = template
        obj.args = args
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.template, self.args))


def _rebuild(template: str, args: dict[str, Arg]) -> Phrase:
    return Phrase(template, **args)


Arg = Union[str, Msg, Items, Phrase]  # noqa: UP007 (a runtime alias of forward references)


def lower_first(text: str) -> str:
    """Lower-case the first letter to continue a sentence, unless the first word is an acronym (``NABA``)."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def has_words(template: str) -> bool:
    """Whether a message has words outside its placeholders (``{a} {b}`` has none: nothing to translate)."""
    return any(ch.isalpha() for literal, *_ in string.Formatter().parse(template) for ch in literal)


def fields(template: str) -> list[str]:
    """The placeholder names of a template, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _fill(template: str, args: dict[str, Arg], gettext: Gettext) -> str:
    return gettext(template).format(**{k: render(v, gettext) for k, v in args.items()})


def render(arg: Arg, gettext: Gettext = _identity) -> str:
    """An argument or phrase as text, translated by ``gettext`` (identity: the English text)."""
    if isinstance(arg, Phrase):
        return _fill(arg.template, arg.args, gettext)
    if isinstance(arg, Msg):
        text = gettext(arg.msgid)
        return lower_first(text) if arg.lowered else text
    if isinstance(arg, Items):
        texts = [render(a, gettext) for a in arg]
        if arg.join in ("or_list", "and_list") and len(texts) > 2:
            return ", ".join(texts[:-1]) + gettext(JOINS[arg.join[:-5]]) + texts[-1]
        return gettext(JOINS[arg.join]).join(texts)
    return str(arg)


def to_data(arg: Arg) -> Any:
    """A phrase or argument as JSON data (the inverse of :func:`from_data`)."""
    if isinstance(arg, Phrase):
        return {"t": arg.template, "a": {k: to_data(v) for k, v in arg.args.items()}}
    if isinstance(arg, Msg):
        return {"m": arg.msgid, **({"lower": True} if arg.lowered else {})}
    if isinstance(arg, Items):
        return {"join": arg.join, "items": [to_data(a) for a in arg]}
    return str(arg)


def from_data(data: Any) -> Arg:
    """Rebuild a phrase or argument from :func:`to_data`'s JSON; refuses anything else."""
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        if set(data) == {"t", "a"} and isinstance(data["t"], str) and isinstance(data["a"], dict):
            args = {str(k): from_data(v) for k, v in data["a"].items()}
            if set(fields(data["t"])) != set(args):
                raise ValueError(f"phrase arguments {sorted(args)} do not match its template {data['t']!r}")
            return Phrase(data["t"], **args)
        if "m" in data and set(data) <= {"m", "lower"} and isinstance(data["m"], str):
            return Msg(data["m"], bool(data.get("lower", False)))
        if set(data) == {"join", "items"} and data["join"] in JOINS and isinstance(data["items"], list):
            return Items([from_data(i) for i in data["items"]], data["join"])
    raise ValueError(f"not a phrase: {data!r}")


def messages(arg: Arg) -> Iterable[str]:
    """Every catalogue message id an argument uses: templates, join words and :class:`Msg` texts."""
    if isinstance(arg, Phrase):
        if has_words(arg.template):
            yield arg.template
        for value in arg.args.values():
            yield from messages(value)
    elif isinstance(arg, Msg):
        yield arg.msgid
    elif isinstance(arg, Items):
        if len(arg) > 1 and arg.join not in ("comma", "semicolon", "plus"):
            yield JOINS[arg.join.removesuffix("_list")]
        for value in arg:
            yield from messages(value)
