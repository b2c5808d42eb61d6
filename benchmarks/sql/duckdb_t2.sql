-- T2 in DuckDB spatial: DuckDB spatial 1.5 has no ST_Subdivide, so the big boundaries are joined whole.
SELECT count(*) FILTER (WHERE area > 0) AS pairs, coalesce(sum(area), 0) AS area_m2
FROM (
  SELECT ST_Area(ST_Intersection(p.geom, b.geom)) AS area
  FROM boundaries b
  JOIN parcels p ON ST_Intersects(p.geom, b.geom)
) AS t;
