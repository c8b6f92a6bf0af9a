-- govgate histogram documents from a warehouse (DuckDB dialect; BigQuery, Spark SQL and
-- Postgres have the same functions under their own names).
--
-- Two relations, `reference` and `production`, hold the field as a column ({field}). A
-- numeric field whose REFERENCE has more than 20 distinct values is binned as Evidently
-- bins it, with numpy's Sturges edges over both windows together:
--   n      values in both windows, range = max - min
--   width  range / (log2(n) + 1)            (at least 1 for an integer column)
--   k      ceil(range / width) bins          (1 bin over [v - 0.5, v + 0.5] when constant)
--   edge_i i * (range / k) + min, the last edge exactly max
-- and a value falls in [edge_i, edge_i+1), the last bin closed. Any other field is counted
-- per distinct value (query 2).

-- name: numeric_bins   (parameters: {field}, {min_width}: 1 for an integer column, else 0)
WITH ref AS (SELECT CAST({field} AS DOUBLE) AS x FROM reference
             WHERE {field} IS NOT NULL AND isfinite(CAST({field} AS DOUBLE))),
     cur AS (SELECT CAST({field} AS DOUBLE) AS x FROM production
             WHERE {field} IS NOT NULL AND isfinite(CAST({field} AS DOUBLE))),
     pooled AS (SELECT 'reference' AS side, x FROM ref UNION ALL SELECT 'production', x FROM cur),
     spec AS (SELECT min(x) AS lo, max(x) AS hi, count(*) AS n FROM pooled),
     shape AS (
       SELECT CASE WHEN hi = lo THEN lo - 0.5 ELSE lo END AS first_edge,
              CASE WHEN hi = lo THEN hi + 0.5 ELSE hi END AS last_edge,
              CASE WHEN hi = lo THEN 1
                   ELSE CAST(ceil((hi - lo) / greatest((hi - lo) / (log2(n) + 1.0), {min_width})) AS BIGINT)
              END AS k
       FROM spec),
     edges AS (
       SELECT i, k, CASE WHEN i = k THEN last_edge ELSE i * ((last_edge - first_edge) / k) + first_edge END AS e
       FROM shape, range(0, k + 1) AS t(i)),
     bins AS (SELECT i, k, e AS lower, lead(e) OVER (ORDER BY i) AS upper FROM edges)
SELECT s.side, b.i, b.lower, b.upper, count(p.x) AS n
FROM bins b
CROSS JOIN (VALUES ('reference'), ('production')) AS s(side)
LEFT JOIN pooled p
  ON p.side = s.side AND p.x >= b.lower AND (p.x < b.upper OR (b.i = b.k - 1 AND p.x <= b.upper))
WHERE b.upper IS NOT NULL
GROUP BY s.side, b.i, b.lower, b.upper
ORDER BY s.side, b.i;

-- name: value_counts   (parameters: {field})
SELECT 'reference' AS side, {field} AS value, count(*) AS n FROM reference
WHERE {field} IS NOT NULL GROUP BY {field}
UNION ALL
SELECT 'production', {field}, count(*) FROM production
WHERE {field} IS NOT NULL GROUP BY {field};
