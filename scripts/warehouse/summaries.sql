-- govgate summary documents for `ab_test` and `feedback`, computed where the records live.
--
-- The S7P6 checks need only sufficient statistics: per arm, the count, mean and sample
-- variance of the outcome and of each guardrail (and the co-moments of outcome and
-- covariate for CUPED); per feedback source, counts and the newest timestamps in a window.
-- Means and variances come from the engine's `avg` and `var_samp` (computed stably: a sum
-- of squares would lose the digits of a latency's variance). Placeholders are filled as in
-- histograms.sql: the `-- dialect` lines first, then the query's parameters.
--
-- A value that is null, NaN or infinite is absent, as in govgate's reading of records; an
-- outcome that is present but NaN or infinite is counted in `not_numeric` (govgate counts
-- it as an outcome that is not a number). The arm is the variant's value as text.
--
-- dialect duckdb finite_y: isfinite(y)
-- dialect spark  finite_y: NOT isnan(y) AND abs(y) < CAST('Infinity' AS DOUBLE)
-- dialect duckdb finite_g: isfinite(g)
-- dialect spark  finite_g: NOT isnan(g) AND abs(g) < CAST('Infinity' AS DOUBLE)
-- dialect duckdb finite_x: isfinite(x)
-- dialect spark  finite_x: NOT isnan(x) AND abs(x) < CAST('Infinity' AS DOUBLE)
-- dialect duckdb text: VARCHAR
-- dialect spark  text: STRING
-- dialect duckdb time_of_text: epoch(TRY_CAST({timestamp} AS TIMESTAMPTZ))
-- dialect spark  time_of_text: CAST(unix_micros(try_cast({timestamp} AS TIMESTAMP)) AS DOUBLE) / 1000000
--
-- A timestamp column of RFC 3339 text (or dates, or a TIMESTAMP column) is read with
-- `{time_of_text}`; a column of UNIX seconds is `CAST({timestamp} AS DOUBLE)` instead.

-- name: ab_arms   (parameters: {variant}, {outcome}; relation `records`)
WITH r AS (SELECT CAST({variant} AS {text}) AS arm, CAST({outcome} AS DOUBLE) AS y FROM records),
     f AS (SELECT arm, y, CASE WHEN y IS NOT NULL AND {finite_y} THEN y END AS v FROM r)
SELECT arm,
       count(*) AS records,
       count(v) AS n,
       avg(v) AS mean,
       var_samp(v) AS variance,
       count(CASE WHEN v = 1 THEN 1 END) AS ones,
       count(CASE WHEN v <> 0 AND v <> 1 THEN 1 END) AS other,
       count(CASE WHEN y IS NOT NULL AND v IS NULL THEN 1 END) AS not_numeric
FROM f
GROUP BY arm
ORDER BY arm;

-- name: ab_guardrail   (parameters: {variant}, {field}; relation `records`)
WITH r AS (SELECT CAST({variant} AS {text}) AS arm, CAST({field} AS DOUBLE) AS g FROM records),
     f AS (SELECT arm, CASE WHEN g IS NOT NULL AND {finite_g} THEN g END AS v FROM r)
SELECT arm, count(v) AS n, avg(v) AS mean, var_samp(v) AS variance
FROM f
GROUP BY arm
ORDER BY arm;

-- name: ab_covariate   (parameters: {variant}, {outcome}, {covariate}; relation `records`)
WITH r AS (SELECT CAST({variant} AS {text}) AS arm, CAST({outcome} AS DOUBLE) AS y,
                  CAST({covariate} AS DOUBLE) AS x FROM records),
     f AS (SELECT arm,
                  CASE WHEN y IS NOT NULL AND {finite_y} THEN y END AS y,
                  CASE WHEN x IS NOT NULL AND {finite_x} THEN x END AS x
           FROM r),
     p AS (SELECT arm,
                  CASE WHEN x IS NOT NULL THEN y END AS py,
                  CASE WHEN y IS NOT NULL THEN x END AS px,
                  CASE WHEN y IS NOT NULL AND x IS NULL THEN 1 ELSE 0 END AS without
           FROM f)
SELECT arm, count(py) AS n, avg(px) AS mean_x, avg(py) AS mean_y,
       var_samp(px) AS var_x, var_samp(py) AS var_y, covar_samp(px, py) AS cov_xy,
       sum(without) AS without
FROM p
GROUP BY arm
ORDER BY arm;

-- name: feedback_newest   (parameters: {relation}, {time}: the timestamp as UNIX seconds)
SELECT max({time}) AS newest FROM {relation};

-- name: feedback_window   (parameters: {relation}, {time}, {event}: TRUE or `{field} IS NOT NULL`, {now}: UNIX seconds, {in_window}: TRUE or `t >= now - max_age`)
WITH r AS (SELECT {time} AS t, {event} AS e FROM {relation})
SELECT count(*) AS records,
       count(CASE WHEN t IS NULL THEN 1 END) AS no_timestamp,
       count(CASE WHEN t > {now} THEN 1 END) AS after_now,
       max(t) AS newest,
       max(CASE WHEN e AND t <= {now} THEN t END) AS newest_event,
       count(CASE WHEN e AND t <= {now} AND {in_window} THEN 1 END) AS events_in_window,
       count(CASE WHEN t <= {now} AND {in_window} THEN 1 END) AS records_in_window
FROM r;
