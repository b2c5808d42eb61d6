"""The ``redline`` command line: one subcommand per job, like rio/fio.

Each module in this package that defines ``command`` (a click command) is a subcommand.
Exit codes scripts can trust are :data:`redline.errors.EXIT_CODES` (``redline --help`` lists them):
0 finished, 1 a bug, 2 a command-line mistake, 3 the data failed validation, 4 a file or database could
not be read or written (a failed write keeps the previous results), 5 a rule-set problem, 130 interrupted.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from ._options import main_group

__all__ = ["main"]


@main_group
def main() -> None:
    """redline: land-use supervision audits (批而未供, 供而未用, 用而不足, 三区三线, 开发强度, 卫片执法).

    Start with `redline demo --out redline-demo`, which audits the bundled example county.
    """


def _register() -> None:
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        cmd = getattr(module, "command", None)
        if isinstance(cmd, click.Command):
            main.add_command(cmd)


_register()
