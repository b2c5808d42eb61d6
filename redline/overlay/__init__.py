"""overlay audits (filled by their issue)."""

SPECS: tuple = ()
