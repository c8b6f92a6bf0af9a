-- govgate histogram documents, computed where the records live.
--
-- One query text for every engine: the few places where SQL dialects differ are
-- placeholders, filled per dialect by the `-- dialect` lines below (govgate `rubric sql` and
-- scripts/warehouse/histograms.py read this file the same way; govgate embeds it).
--
-- Two relations, `reference` and `production`, hold the field as a column ({field}; a dotted
-- name reaches into a struct). A numeric field whose REFERENCE has more than 20 distinct
-- finite values is binned as Evidently bins it, with numpy's Sturges edges over both
-- windows together:
--   n      finite values in both windows, range = max - min
--   width  range / (log2(n) + 1)            (at least 1 for an integer column)
--   k      ceil(range / width) bins          (1 bin over [v - 0.5, v + 0.5] when constant)
--   edge_i i * (range / k) + min, the last edge exactly max
-- and a value falls in [edge_i, edge_i+1), the last bin closed (query `numeric_bins`). A
-- numeric field with at most 20 distinct reference values is counted per value
-- (`numeric_values`), any other field per category (`category_values`). A value that is
-- null, NaN or infinite is missing: a document's `missing` is its records minus the values
-- counted.
--
-- dialect duckdb finite_x: isfinite(x)
-- dialect spark  finite_x: NOT isnan(x) AND abs(x) < CAST('Infinity' AS DOUBLE)
-- dialect duckdb log2_n: log2(n)
-- dialect spark  log2_n: CASE WHEN (n & (n - 1)) = 0 THEN round(log2(n)) ELSE log2(n) END
-- dialect duckdb bin_indices: unnest(generate_series(0, k))
-- dialect spark  bin_indices: explode(sequence(CAST(0 AS BIGINT), k))
-- dialect duckdb text: VARCHAR
-- dialect spark  text: STRING
--
-- Why the Spark shims: Spark has no isfinite, and NaN compares greater than every number
-- there; its log2 is ln(x)/ln(2), one unit in the last place off at powers of two (log2 of
-- 2^29 comes out 29.000000000000004, one bin more than numpy), so an exact power of two is
-- rounded; it spells a range of integers `explode(sequence(…))`.

-- name: numeric_bins   (parameters: {field}; {min_width}: 1 for an integer column, else 0)
WITH pooled AS (
       SELECT 'reference' AS side, CAST({field} AS DOUBLE) AS x FROM reference
       UNION ALL
       SELECT 'production' AS side, CAST({field} AS DOUBLE) AS x FROM production),
     finite AS (SELECT side, x FROM pooled WHERE x IS NOT NULL AND {finite_x}),
     spec AS (SELECT min(x) AS lo, max(x) AS hi, count(*) AS n FROM finite),
     shape AS (
       SELECT CASE WHEN hi = lo THEN lo - 0.5 ELSE lo END AS first_edge,
              CASE WHEN hi = lo THEN hi + 0.5 ELSE hi END AS last_edge,
              CASE WHEN hi = lo THEN CAST(1 AS BIGINT)
                   ELSE CAST(ceil((hi - lo) / greatest((hi - lo) / ({log2_n} + 1.0), {min_width})) AS BIGINT)
              END AS k
       FROM spec),
     indices AS (SELECT {bin_indices} AS i, k, first_edge, last_edge FROM shape),
     edges AS (
       SELECT i, k, CASE WHEN i = k THEN last_edge ELSE i * ((last_edge - first_edge) / k) + first_edge END AS e
       FROM indices),
     bins AS (SELECT i, k, e AS lower, lead(e) OVER (ORDER BY i) AS upper FROM edges),
     sides AS (SELECT 'reference' AS side UNION ALL SELECT 'production' AS side)
SELECT s.side, b.i, b.lower, b.upper, count(f.x) AS n
FROM bins b
CROSS JOIN sides s
LEFT JOIN finite f
  ON f.side = s.side AND f.x >= b.lower AND (f.x < b.upper OR (b.i = b.k - 1 AND f.x <= b.upper))
WHERE b.upper IS NOT NULL
GROUP BY s.side, b.i, b.lower, b.upper
ORDER BY s.side, b.i;

-- name: numeric_values   (parameters: {field})
WITH pooled AS (
       SELECT 'reference' AS side, CAST({field} AS DOUBLE) AS x FROM reference
       UNION ALL
       SELECT 'production' AS side, CAST({field} AS DOUBLE) AS x FROM production)
SELECT side, x AS value, count(*) AS n
FROM pooled
WHERE x IS NOT NULL AND {finite_x}
GROUP BY side, x
ORDER BY side, x;

-- name: category_values   (parameters: {field})
WITH pooled AS (
       SELECT 'reference' AS side, CAST({field} AS {text}) AS value FROM reference
       UNION ALL
       SELECT 'production' AS side, CAST({field} AS {text}) AS value FROM production)
SELECT side, value, count(*) AS n
FROM pooled
WHERE value IS NOT NULL
GROUP BY side, value
ORDER BY side, value;

-- name: distinct_reference   (parameters: {field}): finite distinct values of the reference
WITH r AS (SELECT CAST({field} AS DOUBLE) AS x FROM reference)
SELECT count(DISTINCT x) AS distinct_values FROM r WHERE x IS NOT NULL AND {finite_x};

-- name: records   (the records of each window)
SELECT 'reference' AS side, count(*) AS n FROM reference
UNION ALL
SELECT 'production' AS side, count(*) AS n FROM production;
