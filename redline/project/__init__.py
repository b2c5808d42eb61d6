"""项目红线审查 (用地预审 / 报批): the land one project red line takes and what its approval depends on.

Public API (pure functions of GeoDataFrames, keyword-only options):

- :func:`landuse_table` -> ``project_landuse``: the 报批 地类面积表, one row per project and 三调 class with the
  standard's subtotals (农用地 with 其中耕地, 建设用地, 未利用地) and the 国有 / 集体 split;
- :func:`check` -> ``project_checks``: 永久基本农田 (须国务院批准, 《土地管理法》第三十五条、第四十四条), 耕地
  (占补平衡), 生态保护红线 (有限人为活动), 城镇开发边界外 and by zone, planned use mismatch;
- :func:`standard_check` -> ``project_standard``: the area the investment and floor area justify against the
  local investment-intensity floor and the FAR floor, the 核减 area and rate, 标准厂房 below the minimum;
- applied to what was already granted: :func:`pbf_approval_level` -> ``pbf_approval_level`` (approvals on PBF
  without the State Council's approval) and :func:`supply_outside_boundary` -> ``supply_outside_boundary``.

The layer kinds ``projects`` (项目用地红线) and ``plan`` (国土空间规划 用地用海) are declared in
:mod:`redline.project._schema`. `redline project` runs the first three.
"""

from __future__ import annotations

from .checks import SPEC as CHECK_SPEC
from .checks import check
from .granted import LEVEL_SPEC, OUTSIDE_SPEC, pbf_approval_level, supply_outside_boundary
from .landuse import SPEC as LANDUSE_SPEC
from .landuse import landuse_table, ownership_of
from .standard import SPEC as STANDARD_SPEC
from .standard import standard_check

__all__ = ["SPECS", "check", "landuse_table", "ownership_of", "pbf_approval_level", "standard_check",
           "supply_outside_boundary"]

SPECS = (LANDUSE_SPEC, CHECK_SPEC, STANDARD_SPEC, LEVEL_SPEC, OUTSIDE_SPEC)
