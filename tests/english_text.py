"""Finding English prose in text meant to be Chinese: a run of two or more English words.

A word is three or more ASCII letters standing alone: codes, ids and names joined by ``_ . / -`` or digits
(``idle.fee_rate``, ``make_valid``, ``GB/T 4754-2017``, ``jiangsu-example``, ``EPSG:4547``) are not words, and
one English word among Chinese (``redline``, ``true``) is not a run.
"""

from __future__ import annotations

import re

_CODE = r"A-Za-z0-9_./\-"
RUN = re.compile(rf"(?<![{_CODE}])[A-Za-z]{{3,}}(?:[\s,;:'\"()]+[A-Za-z]{{3,}})+(?![{_CODE}])")


def english_runs(text: str) -> list[str]:
    """The English word runs in ``text``.

    >>> english_runs("实践做法：remnants under 10 m2 are noise")
    ['remnants under', 'are noise']
    >>> english_runs("按 GB/T 4754-2017 大类，见 idle.fee_rate、make_valid；redline 约定；'price_share' = 比例")
    []
    """
    return RUN.findall(text)
