"""The errors redline raises, in one place.

Every error a user can cause subclasses :class:`RedlineError` *and* the built-in
exception it refines (``ValueError`` for bad data, ``OSError`` for unreadable
sources), so callers that already catch built-ins keep working.

Validation collects every problem before raising: a :class:`ValidationError`
carries a list of :class:`Problem` records, each naming the layer, the feature
ids concerned, what is wrong and how to fix it.

Each error maps to one exit code of the ``redline`` command (:data:`EXIT_CODES`,
:func:`exit_code`); ``redline --help`` lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "EXIT_CODES",
    "CRSError",
    "EncodingError",
    "GeometryError",
    "Problem",
    "RedlineError",
    "RedlineIOError",
    "RulesError",
    "SchemaError",
    "ValidationError",
    "exit_code",
]

#: how many feature ids a message lists before it says "and N more"
MAX_IDS_SHOWN = 10


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input layer.

    Parameters
    ----------
    layer : str
        The layer's name as the user knows it (e.g. ``"approvals"`` or a file name).
    code : str
        A stable machine-readable code, e.g. ``"invalid_geometry"``, ``"missing_field"``.
    message : str
        What is wrong, in plain language.
    ids : tuple
        The feature ids concerned (may be empty for layer-level problems).
    fix : str
        What the user can do about it.
    fatal : bool
        ``True`` when the run cannot go on; ``False`` when the features were
        repaired or set aside (and listed in the rejected table).
    """

    layer: str
    code: str
    message: str
    ids: tuple = field(default_factory=tuple)
    fix: str = ""
    fatal: bool = True

    def __str__(self) -> str:
        text = f"[{self.layer}] {self.message}"
        if self.ids:
            shown = ", ".join(str(i) for i in self.ids[:MAX_IDS_SHOWN])
            more = len(self.ids) - MAX_IDS_SHOWN
            text += f" (feature ids: {shown}{f' and {more} more' if more > 0 else ''})"
        if self.fix:
            text += f" -- fix: {self.fix}"
        return text


class RedlineError(Exception):
    """Base class of every error redline raises on purpose."""


class RedlineIOError(RedlineError, OSError):
    """A source cannot be opened or read, or an output cannot be written."""


class _ProblemsError(RedlineError, ValueError):
    """An error that carries one or more :class:`Problem` records."""

    def __init__(self, problems: Problem | str | Iterable[Problem], *, layer: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(layer=layer or "input", code="error", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: Sequence[Problem] = tuple(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found:"]
        lines += [f"  {n}. {p}" for n, p in enumerate(self.problems, 1)]
        return "\n".join(lines)


class ValidationError(_ProblemsError):
    """Input layers failed validation; ``.problems`` lists every problem found."""


class SchemaError(ValidationError):
    """Required fields are missing or cannot be parsed."""


class CRSError(ValidationError):
    """A layer has no CRS, or CRSs cannot be reconciled, or a CRS cannot measure area."""


class GeometryError(ValidationError):
    """Geometries are invalid, empty or of the wrong type (and strict mode forbids repair)."""


class EncodingError(ValidationError):
    """A text attribute cannot be decoded with the detected or given encoding."""


class RulesError(_ProblemsError):
    """A rule set cannot be found, parsed, or lacks a threshold an audit needs."""


#: The exit codes of the ``redline`` command, and what each means (``redline --help`` lists them).
EXIT_CODES: dict[int, str] = {
    0: "the run finished (findings or not; features an audit could not judge are counted in the summary and notes)",
    1: "an unexpected error: a bug (run again with -v and report it with the traceback)",
    2: "the command line is wrong (unknown option, missing argument, bad option value)",
    3: "the input data failed validation (every problem is listed; nothing was written)",
    4: "a file or database could not be read or written (a failed write keeps the previous results)",
    5: "the rule set is missing, broken or lacks a threshold",
    130: "interrupted (Ctrl-C); the previous results are kept",
}


def exit_code(exc: BaseException) -> int:
    """The exit code for an error that ended a command (see :data:`EXIT_CODES`).

    >>> exit_code(RedlineIOError("cannot write"))
    4
    >>> exit_code(PermissionError("read-only"))
    4
    >>> exit_code(SchemaError("missing field")), exit_code(RulesError("no such rule set"))
    (3, 5)
    >>> exit_code(ValueError("bad date")), exit_code(KeyError("bug"))
    (2, 1)
    """
    if isinstance(exc, ValidationError):
        return 3
    if isinstance(exc, RulesError):
        return 5
    if isinstance(exc, OSError):  # RedlineIOError, and any read or write the OS refused
        return 4
    if isinstance(exc, ValueError):  # bad option values that click could not check
        return 2
    if isinstance(exc, KeyboardInterrupt):
        return 130
    return 1
