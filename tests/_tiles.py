"""Rotated rectangles for the overlay engine's tests: supplies, strips and footprints in a metric CRS.

A case is drawn in a frame of its own, (u, v) in metres along two axes turned by ``theta``, and each shared edge
is computed once from the same (u, v), so that neighbours share it bit for bit as bureau layers cut along a line
do; the turn keeps the vertices off round numbers.
"""

from __future__ import annotations

import numpy as np
import shapely

CRS = "EPSG:4547"
X0, Y0 = 500000.0, 3800000.0


def frame(theta: float, ox: float, oy: float):
    """A rotated frame: (u, v) in metres along two axes at angle ``theta`` -> map coordinates."""
    e1, e2 = np.array([np.cos(theta), np.sin(theta)]), np.array([-np.sin(theta), np.cos(theta)])

    def at(u, v):
        return (X0 + ox + u * e1[0] + v * e2[0], Y0 + oy + u * e1[1] + v * e2[1])

    return at


def quad(at, u0, u1, v0, v1, hole: bool = False):
    """The rectangle u0..u1 x v0..v1 of the frame ``at``; with ``hole``, less its middle half in each direction."""
    shell = [at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1)]
    holes = []
    if hole:
        du, dv = (u1 - u0) / 4, (v1 - v0) / 4
        holes = [[at(u0 + du, v0 + dv), at(u0 + du, v1 - dv), at(u1 - du, v1 - dv), at(u1 - du, v0 + dv)]]
    return shapely.Polygon(shell, holes)
