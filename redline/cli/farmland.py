"""`redline farmland`: 三区三线冲突 (and, with land use, 耕地保有量) in one run.

Its options are the inputs and parameters of the two audits' specs (:class:`redline.cli._specs.SpecCommand`).
"""

from __future__ import annotations

from .audit import group_command

command = group_command("farmland", ("three_line_conflicts", "farmland_retention"), """\
三区三线冲突: overlaps of farmland, growth boundary and eco red line, in m² and 亩, slivers flagged.

With --landuse and --admin also 耕地保有量: cultivated land and PBF per unit against --targets.

Example: redline farmland --farmland jbnt.shp --growth-boundary kfbj.shp --eco-redline sthx.shp
--admin xzq.shp --out results
""")
