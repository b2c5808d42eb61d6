-- T2 in DuckDB spatial: parcels x big boundaries (5 000 vertices each). DuckDB spatial 1.5 has no
-- ST_Subdivide, so each boundary is cut by an 8 x 8 grid over its own extent (what ST_Subdivide does by
-- recursive halving, in one step): about 28 cells meet the ring, so a piece holds ~180 of the 5 000
-- vertices, and cells inside the ring are plain squares. Pieces do not overlap, so their areas sum to the
-- pair's area; a pair counts once however many pieces it touches; a parcel inside a piece is measured
-- whole (no clip), as in the PostGIS query.
WITH ext AS (
  SELECT id, geom, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0,
         (ST_XMax(geom) - ST_XMin(geom)) / 8 AS dx, (ST_YMax(geom) - ST_YMin(geom)) / 8 AS dy
  FROM boundaries
), cells AS (
  SELECT e.id, e.geom,
         ST_MakeEnvelope(e.x0 + r.i * e.dx, e.y0 + c.j * e.dy,
                         e.x0 + (r.i + 1) * e.dx, e.y0 + (c.j + 1) * e.dy) AS cell
  FROM ext e, range(8) AS r(i), range(8) AS c(j)
), pieces AS MATERIALIZED (
  SELECT id, ST_Intersection(geom, cell) AS geom FROM cells WHERE ST_Intersects(geom, cell)
)
SELECT count(*) FILTER (WHERE area > 0) AS pairs, coalesce(sum(area), 0) AS area_m2
FROM (
  SELECT p.id AS pid, s.id AS bid,
         sum(CASE WHEN ST_Within(p.geom, s.geom) THEN ST_Area(p.geom)
                  ELSE ST_Area(ST_Intersection(p.geom, s.geom)) END) AS area
  FROM pieces s
  JOIN parcels p ON ST_Intersects(p.geom, s.geom)
  GROUP BY p.id, s.id
) AS t;
