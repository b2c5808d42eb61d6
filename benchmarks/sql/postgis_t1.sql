-- T1: parcels x approvals, intersection area of every overlapping pair (PostGIS, as an expert writes it).
-- Both tables carry a GiST index on geom and fresh statistics (ANALYZE). A parcel wholly inside an
-- approval contributes its own area: ST_Intersection is skipped for it.
SELECT count(*) FILTER (WHERE area > 0) AS pairs, coalesce(sum(area), 0) AS area_m2
FROM (
  SELECT CASE WHEN ST_Within(p.geom, a.geom) THEN ST_Area(p.geom)
              ELSE ST_Area(ST_Intersection(p.geom, a.geom)) END AS area
  FROM approvals a
  JOIN parcels p ON ST_Intersects(p.geom, a.geom)
) AS t;
