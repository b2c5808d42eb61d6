"""Units bureaus think in. 1 亩 (mu) = 10000/15 m^2; 1 公顷 (ha) = 15 亩 = 10000 m^2."""

from __future__ import annotations

M2_PER_MU = 10000.0 / 15.0
M2_PER_HA = 10000.0
MU_PER_HA = 15.0


def m2_to_mu(m2):
    """Square metres to 亩 (works on scalars, arrays and Series)."""
    return m2 / M2_PER_MU


def mu_to_m2(mu):
    """亩 to square metres."""
    return mu * M2_PER_MU
