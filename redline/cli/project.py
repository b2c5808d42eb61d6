"""`redline project`: one project red line's 地类面积表, its checks and the land-use standard, in one run.

Its options are the inputs and parameters of the three audits' specs (:class:`redline.cli._specs.SpecCommand`).
"""

from __future__ import annotations

from .audit import group_command

command = group_command("project", ("project_check", "project_landuse", "project_standard"), """\
项目红线审查 (用地预审 / 报批): the land a project red line takes and what its approval depends on.

Always: 永久基本农田 (须国务院批准), 生态保护红线, 城镇开发边界外 and by zone, planned use, with the layers
given. With --landuse also the 报批 地类面积表 and 耕地 taken. 用地标准 (投资强度, 容积率, 核减) with a rule set
that has the local thresholds (e.g. --rules jiangsu-project-example).

Example: redline project --projects 项目红线.shp --landuse DLTB.shp --farmland jbnt.shp --out results
""")
