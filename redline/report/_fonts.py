"""A CJK-capable font for the report's charts, or none (the charts then label in English/codes).

matplotlib draws a missing glyph as an empty box (tofu) and warns; the report never lets that
happen: when no font covering Chinese is found, chart text is English and non-ASCII category
labels are replaced by short codes explained in the page text (which the browser renders with
its own fonts).
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess

log = logging.getLogger("redline")

#: families tried in order: Debian/Ubuntu packages, then Windows and macOS system fonts
PREFERRED = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "DengXian", "PingFang SC", "Hiragino Sans GB",
    "Heiti SC", "STHeiti", "Sarasa Gothic SC", "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback",
)
_PROBE = "批而未供亩"

__all__ = ["PREFERRED", "cjk_font"]


def _covers(path: str, text: str = _PROBE) -> bool:
    try:
        from matplotlib.ft2font import FT2Font

        font = FT2Font(path)
        cmap = font.get_charmap()
        return all(ord(ch) in cmap for ch in text)
    except Exception:  # a broken or unreadable font file is simply not used
        return False


def _fc_list_files() -> list[str]:
    """Font files fontconfig knows to cover Chinese (fresh installs matplotlib's cache has not seen)."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, registered with matplotlib; or None."""
    from matplotlib import font_manager

    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for name in PREFERRED:
        if name in by_name and _covers(by_name[name]):
            return name
    # fonts installed after matplotlib built its cache, or with names not in the list above
    for path in _fc_list_files():
        if not _covers(path):
            continue
        try:
            font_manager.fontManager.addfont(path)
            name = font_manager.FontProperties(fname=path).get_name()
        except Exception:  # pragma: no cover - unusual font files
            continue
        log.debug("report charts use CJK font %s (%s)", name, path)
        return name
    log.info("no font covering Chinese found: report charts label in English; install fonts-noto-cjk "
             "or fonts-wqy-microhei for Chinese chart labels")
    return None
