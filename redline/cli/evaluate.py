"""`redline evaluate`: evaluation at the scales bureaus report — per development zone (开发区土地集约利用评价) and per
township and county over two periods (区域建设用地节约集约利用评价, TD/T 1018).

Its options are the inputs and parameters of the two audits' specs (:class:`redline.cli._specs.SpecCommand`);
each audit runs when its inputs are given.
"""

from __future__ import annotations

from .audit import group_command

command = group_command("evaluate", ("zone_indicators", "region_evaluation"), """\
节约集约评价: per development zone and per township and county over two periods.

With --zones: each zone's 土地开发率, 供应率, 建成率, 工业用地率, 容积率, 投入强度, 批而未供率, 闲置土地率, 尚可供应年限
(and, under a local rule set such as --rules qixia-example, the 40 % idle-share test).
With --admin --landuse --landuse-base and --param stats=统计表.xlsx --param base_year=Y0 --param year=Y1: each
township's 单位GDP建设用地 and its change, elasticities, 存量供地比例, a composite index and the ranking.

\b
Examples:
  redline evaluate --zones 开发区.shp --approvals bp.shp --supplies gd.shp --buildings jz.shp --out results
  redline evaluate --admin 乡镇.shp --landuse DLTB.shp --landuse-base DLTB_2020.shp --param stats=统计表.xlsx \\
      --param base_year=2020 --param year=2025 --out results
""")
