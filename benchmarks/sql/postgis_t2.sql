-- T2: parcels x big boundaries (5 000 vertices each). The boundaries are cut with ST_Subdivide into
-- pieces of at most 256 vertices, so each intersection test and clip works on a small polygon and the
-- parcels' GiST index is probed with small boxes. Pieces do not overlap, so the pieces' areas sum to the
-- pair's area; a pair counts once however many pieces it touches.
WITH pieces AS MATERIALIZED (
  SELECT b.id, ST_Subdivide(b.geom, 256) AS geom FROM boundaries b
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
