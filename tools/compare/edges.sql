-- Edge table for pgr_dijkstraCost, built from osm2pgrouting's `ways` + `configuration`.
-- Costs follow fastroad's routing contract, computed here rather than taken from
-- osm2pgrouting's cost_s / reverse_cost_s:
--   seconds = length on the WGS-84 ellipsoid (metres) / (class speed km/h / 3.6)
--   a closed direction is -1 (pgRouting skips edges with a negative cost).
-- osm2pgrouting writes the closed direction of a zero-length oneway segment as -0.0,
-- which pgRouting treats as open; deciding from the `oneway` column avoids that.

DROP TABLE IF EXISTS od_edges;
CREATE TABLE od_edges AS
SELECT w.gid                                        AS id,
       w.source,
       w.target,
       c.tag_value                                  AS class,
       c.maxspeed                                   AS kmh,
       w.oneway,
       ST_Length(w.the_geom::geography, true)       AS len_m,      -- true = spheroid
       ST_Length(w.the_geom::geography, false)      AS len_sphere_m, -- diagnostic only
       w.length_m                                   AS o2p_length_m,
       w.cost_s                                     AS o2p_cost_s,
       w.reverse_cost_s                             AS o2p_reverse_cost_s,
       w.cost                                       AS o2p_cost,
       w.reverse_cost                               AS o2p_reverse_cost,
       NULL::double precision                       AS cost,
       NULL::double precision                       AS reverse_cost
FROM ways w
JOIN configuration c ON c.tag_id = w.tag_id;

UPDATE od_edges SET
    cost         = CASE WHEN oneway = 'REVERSED' THEN -1 ELSE len_m / (kmh / 3.6) END,
    reverse_cost = CASE WHEN oneway = 'YES'      THEN -1 ELSE len_m / (kmh / 3.6) END;

ALTER TABLE od_edges ADD PRIMARY KEY (id);
ANALYZE od_edges;

-- Sanity report: how our costs relate to osm2pgrouting's own columns.
\echo 'oneway values:'
SELECT oneway, count(*) FROM od_edges GROUP BY 1 ORDER BY 1;
\echo 'edges whose open/closed direction differs from the sign of osm2pgrouting cost/reverse_cost:'
SELECT count(*) FILTER (WHERE (cost < 0) <> (o2p_cost < 0))                 AS fwd_sign_differs,
       count(*) FILTER (WHERE (reverse_cost < 0) <> (o2p_reverse_cost < 0)) AS rev_sign_differs,
       count(*) FILTER (WHERE len_m = 0)                                    AS zero_length,
       count(*) FILTER (WHERE len_m = 0 AND oneway IN ('YES', 'REVERSED'))  AS zero_length_oneway
FROM od_edges;
\echo 'max relative difference of our seconds vs osm2pgrouting cost_s, and of lengths:'
SELECT max(abs(abs(o2p_cost_s) - len_m / (kmh / 3.6)) / nullif(len_m / (kmh / 3.6), 0)) AS max_rel_cost_s,
       max(abs(o2p_length_m - len_m) / nullif(len_m, 0))                                AS max_rel_length
FROM od_edges;
\echo 'classes without a speed (should be none):'
SELECT class, count(*) FROM od_edges WHERE kmh IS NULL OR kmh <= 0 GROUP BY 1;
