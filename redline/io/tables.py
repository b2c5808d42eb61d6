"""Attribute tables a run reads beside its layers: GDP per unit, farmland targets... (CSV or Excel).

A table parameter of an audit (:class:`redline.spec.ParamSpec` of type ``table``) is read here, so audits
receive a DataFrame and never open a file. Every cell is read as text, so administrative codes keep their
leading zeros (``0411`` stays ``0411``); the audit converts the numbers it needs and names the rows it cannot.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from ..errors import Problem, RedlineIOError, SchemaError

__all__ = ["TABLE_SUFFIXES", "read_table"]

#: the file types :func:`read_table` reads
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls")

#: the encodings a CSV is tried in, in order (Excel on Chinese Windows saves GB18030/GBK)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def read_table(source: str | os.PathLike[str] | pd.DataFrame, *, name: str,
               columns: Iterable[str] = ()) -> pd.DataFrame:
    """A CSV (UTF-8 or GB18030) or Excel table, every cell as text; a DataFrame is returned as a copy.

    Parameters
    ----------
    source : path or DataFrame
        ``.xlsx``/``.xls`` is read as Excel (first sheet), anything else as CSV.
    name : str
        What the table is (``"gdp"``, ``"targets"``): problems name it as their layer.
    columns : iterable of str
        Columns the table must have (exact names); a missing one is a :class:`~redline.errors.SchemaError`.

    A file that does not exist or cannot be opened is a :class:`~redline.errors.RedlineIOError`; a CSV in
    neither encoding a :class:`~redline.errors.SchemaError`.

    >>> read_table(pd.DataFrame({"admin_code": ["0411"]}), name="gdp").values.tolist()
    [['0411']]
    """
    if isinstance(source, pd.DataFrame):
        table = source.copy()
    else:
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise RedlineIOError(f"[{name}] table not found: {path}")
        table = _read_file(path, name)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SchemaError(Problem(layer=name, code="missing_field",
                                  message=f"the {name} table has no column {', '.join(missing)}",
                                  fix=f"add the column(s); its columns: {', '.join(map(str, table.columns))}"))
    return table


def _read_file(path: str, name: str) -> pd.DataFrame:
    try:
        if path.lower().endswith((".xlsx", ".xls")):
            return pd.read_excel(path, dtype=str)
        for enc in CSV_ENCODINGS:
            try:
                return pd.read_csv(path, dtype=str, encoding=enc)
            except UnicodeDecodeError:
                continue
    except OSError as exc:
        raise RedlineIOError(f"[{name}] cannot read {path}: {exc}") from exc
    raise SchemaError(Problem(layer=name, code="encoding", message=f"cannot decode {path}",
                              fix="save the table as UTF-8 or GB18030 CSV"))  # pragma: no cover
