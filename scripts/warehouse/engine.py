"""The SQL engines the warehouse scripts run on, and the query files they share with govgate.

A query file (histograms.sql, summaries.sql) holds named queries (`-- name: NAME`) and the
dialect shims (`-- dialect ENGINE PLACEHOLDER: TEXT`); `{placeholder}` in a query is filled
with the engine's text, then with the query's parameters. govgate's `rubric sql` embeds the
same files and renders them the same way.

DuckDB (`pip install duckdb`) runs in process. Spark (`pip install "pyspark>=4,<5"`, a Java
17 runtime) runs a local session, `local[2]`, in UTC with ANSI SQL on (Spark 4's default).
"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ENGINES = ("duckdb", "spark")


def load(name):
    """(queries, shims) of a query file: {name: text}, {engine: {placeholder: text}}."""
    text = open(os.path.join(HERE, name), encoding="utf-8").read()
    queries, shims, current, buf = {}, {e: {} for e in ENGINES}, None, []
    for line in text.splitlines():
        m = re.match(r"^-- dialect (\w+)\s+(\w+): (.*)$", line)
        if m:
            shims.setdefault(m.group(1), {})[m.group(2)] = m.group(3).strip()
            continue
        if line.startswith("-- name: "):
            if current:
                queries[current] = "\n".join(buf).strip()
            current, buf = line.split()[2], []
        elif current and not line.startswith("--"):
            buf.append(line)
    if current:
        queries[current] = "\n".join(buf).strip()
    return queries, shims


def render(query, shims, **params):
    """Fills the dialect's placeholders (whose text may hold parameters), then the
    parameters; a placeholder left unfilled is an error rather than SQL the engine would
    misread."""
    params = {k: str(v) for k, v in params.items()}

    def filler(values):
        def fill(m):
            key = m.group(1)
            if key not in values:
                raise KeyError(f"query placeholder {{{key}}} has no value")
            return values[key]

        return fill

    pattern = r"\{(\w+)\}"
    once = re.sub(pattern, lambda m: shims.get(m.group(1), m.group(0)), query)
    return re.sub(pattern, filler(params), once)


def reader_sql(engine, path):
    """How the engine reads a records file: JSON Lines (.jsonl, .ndjson, .json) or Parquet."""
    lower = path.lower()
    if engine == "duckdb":
        quoted = path.replace("'", "''")
        if lower.endswith(".parquet"):
            return f"read_parquet('{quoted}')"
        return f"read_json_auto('{quoted}', format='newline_delimited')"
    raise ValueError(engine)


class DuckDB:
    name = "duckdb"

    def __init__(self):
        import duckdb

        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")

    def register(self, relation, path):
        self.con.execute(f"CREATE OR REPLACE VIEW {relation} AS SELECT * FROM {reader_sql('duckdb', path)}")

    def rows(self, sql):
        return self.con.execute(sql).fetchall()

    def column_type(self, relation, field):
        """'integer', 'float', 'boolean', 'text', 'timestamp' or 'other' (None: no such column)."""
        try:
            t = self.rows(f"SELECT typeof({field}) FROM {relation} LIMIT 1")
        except Exception:
            return None
        if not t:
            return None
        t = t[0][0].upper()
        if t in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT"):
            return "integer"
        if t in ("DOUBLE", "FLOAT") or t.startswith("DECIMAL"):
            return "float"
        if t == "BOOLEAN":
            return "boolean"
        if t == "VARCHAR":
            return "text"
        if t.startswith("TIMESTAMP") or t == "DATE":
            return "timestamp"
        return "other"

    def close(self):
        self.con.close()


_SPARK = None


def spark_session():
    """One Spark session per process (starting one takes seconds). Under spark-submit (the
    gateway is already up) the session is spark-submit's, with its --master; run as a plain
    Python script, a local one, `local[2]`."""
    global _SPARK
    if _SPARK is None:
        from pyspark.sql import SparkSession

        builder = SparkSession.builder
        if "PYSPARK_GATEWAY_PORT" not in os.environ:
            builder = builder.master("local[2]")
        _SPARK = (
            builder.appName("govgate-warehouse")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
            .getOrCreate()
        )
        _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


class Spark:
    name = "spark"

    def __init__(self, session=None):
        """`session`: a SparkSession to use (a Databricks notebook's `spark`)."""
        self.spark = session or spark_session()
        self.frames = {}

    def register_frame(self, relation, df):
        """A DataFrame as a relation (a table already in the workspace, say)."""
        df.createOrReplaceTempView(relation)
        self.frames[relation] = df

    def register(self, relation, path):
        reader = self.spark.read
        if path.lower().endswith(".parquet"):
            df = reader.parquet(path)
        else:
            # JSON Lines; timestamps stay text (as govgate reads them) unless a query casts
            df = reader.option("inferTimestamp", "false").option("prefersDecimal", "false").json(path)
        df.createOrReplaceTempView(relation)
        self.frames[relation] = df

    def rows(self, sql):
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def column_type(self, relation, field):
        from pyspark.sql import types as T

        dtype = self.frames[relation].schema
        for part in field.split("."):
            if not isinstance(dtype, T.StructType) or part not in dtype.names:
                return None
            dtype = dtype[part].dataType
        if isinstance(dtype, (T.LongType, T.IntegerType, T.ShortType, T.ByteType)):
            return "integer"
        if isinstance(dtype, (T.DoubleType, T.FloatType, T.DecimalType)):
            return "float"
        if isinstance(dtype, T.BooleanType):
            return "boolean"
        if isinstance(dtype, T.StringType):
            return "text"
        if isinstance(dtype, (T.TimestampType, T.DateType)):
            return "timestamp"
        return "other"

    def close(self):
        pass


def connect(engine):
    if engine == "duckdb":
        return DuckDB()
    if engine == "spark":
        return Spark()
    raise SystemExit(f"unknown engine `{engine}` (expected duckdb or spark)")
