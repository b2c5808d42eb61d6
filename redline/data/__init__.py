"""Data files shipped with redline: the example county (example_county.gpkg, see SOURCE.txt), the cited land-use code tables and the Xi County outline.

A package only so that setuptools ships it as such; nothing here is imported.
"""
