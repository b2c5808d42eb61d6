"""卫片执法 land-change imagery: transition matrices, change patches, and judging each patch.

- :func:`transitions`: the transition matrix (转移矩阵) of two classified rasters, in pixels, m² and 亩;
- :func:`change_patches`: polygons of connected changed pixels (变化图斑), found block by block;
- :func:`judge_patches`: each patch judged against approvals, supplies and permanent basic farmland,
  the register (登记表) a bureau fills in.
"""

from __future__ import annotations

from ._specs import SPECS
from .judge import JUDGEMENT_LABELS_ZH, JUDGEMENTS, judge_patches
from .patches import PATCH_COLUMNS, change_patches
from .transitions import Transitions, transitions

__all__ = ["SPECS", "JUDGEMENTS", "JUDGEMENT_LABELS_ZH", "PATCH_COLUMNS", "Transitions", "change_patches", "judge_patches",
           "transitions"]
