-- T1 in DuckDB spatial: the ST_Intersects join is planned as DuckDB's SPATIAL_JOIN (an R-tree built on
-- the fly); two threads.
SELECT count(*) FILTER (WHERE area > 0) AS pairs, coalesce(sum(area), 0) AS area_m2
FROM (
  SELECT ST_Area(ST_Intersection(p.geom, a.geom)) AS area
  FROM approvals a
  JOIN parcels p ON ST_Intersects(p.geom, a.geom)
) AS t;
