"""`redline farmland`: the farmland audits whose inputs are given, in one run.

三区三线冲突, 耕地保有量, and the 补 side: 占补平衡, 增减挂钩, 土地整治, 耕作层剥离, 进出平衡. Its options are the
inputs and parameters of these audits' specs (:class:`redline.cli._specs.SpecCommand`).
"""

from __future__ import annotations

from .audit import group_command

command = group_command("farmland", ("three_line_conflicts", "farmland_retention", "farmland_balance", "linkage",
                                     "consolidation_projects", "topsoil_stripping", "farmland_exchange"), """\
Farmland audits: every one whose inputs are given runs.

三区三线冲突 (--farmland, --growth-boundary, --eco-redline); with --landuse and --admin 耕地保有量 against
--targets; 占补平衡 (--farmland-taken, --farmland-added); 增减挂钩 (--linkage-demolished, --linkage-built,
--landuse, --landuse-later); 土地整治 (--consolidation); 耕作层剥离 (--approvals, --landuse, --topsoil);
进出平衡 (--landuse, --landuse-later).

Example: redline farmland --farmland jbnt.shp --growth-boundary kfbj.shp --eco-redline sthx.shp
--admin xzq.shp --out results

Example: redline farmland --farmland-taken 占用.shp --farmland-added 补充.shp --out results
""")
