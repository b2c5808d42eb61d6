"""`redline intensity`: 土地开发强度 per administrative unit (and growth-boundary use).

Its options are the inputs and parameters of the two audits' specs (:class:`redline.cli._specs.SpecCommand`),
and ``--code-field X``, shorthand for ``--field landuse.land_use_code=X``.
"""

from __future__ import annotations

from ._specs import FieldAlias
from .audit import group_command

CODE_FIELD = FieldAlias("code_field", "landuse", "land_use_code",
                        "The land-use code column when it is not DLBM/地类编码 (= --field landuse.land_use_code=X).")

command = group_command("intensity", ("development_intensity", "growth_boundary_use"), """\
土地开发强度: construction land ÷ total area per unit, with the 30 % warning line.

With --growth-boundary also how much of each growth boundary is built.

Example: redline intensity --landuse DLTB.shp --admin XZQ.shp --gdp gdp.csv --out results
""", aliases=(CODE_FIELD,))
