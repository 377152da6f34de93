"""Runs a generated run.sql on an engine and reads the result tables back.

- duckdb: the duckdb dialect, executed as written;
- bigquery / snowflake: parsed by sqlglot in that dialect (a syntax error or
  an unknown function fails), transpiled to DuckDB, executed there;
- spark: executed in a local Spark session (local[2]).

Every engine reads the same orders: a table `orders` with columns
customer_id (text), order_date (DATE) and amount (exact decimal).
"""

import datetime
import decimal
import re
import sys

INSTALL = "python3 -m pip install -r tests/sql/requirements.txt (pinned versions)"


def need(module):
    try:
        return __import__(module)
    except ImportError:
        sys.stderr.write(f"the SQL checks need the Python package {module!r}, which is not installed: {INSTALL}\n")
        sys.exit(3)


def statements(sql):
    """The statements of a generated script (each ends with `;` at a line end)."""
    out = []
    for part in re.split(r";[ \t]*\n", sql):
        body = "\n".join(line for line in part.splitlines() if not line.strip().startswith("--")).strip()
        if body:
            out.append(body)
    return out


class DuckEngine:
    def __init__(self, read=None):
        self.duckdb = need("duckdb")
        self.read = read
        if read:
            self.sqlglot = need("sqlglot")

    def exact_numeric(self, node):
        """BigQuery's NUMERIC is DECIMAL(38, 9); sqlglot writes a bare DECIMAL,
        which DuckDB reads as DECIMAL(18, 3): keep the warehouse's type."""
        exp = self.sqlglot.exp
        if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.DECIMAL and not node.expressions:
            return exp.DataType.build("DECIMAL(38, 9)")
        return node

    def load(self, csv_path, date_type="DATE"):
        """Every column as text; with `date_type`, the date and amount typed
        (DATE or TIMESTAMPTZ, DECIMAL(38,6)) as a warehouse would hold them."""
        self.con = self.duckdb.connect()
        typed = ""
        if date_type:
            typed = (f" REPLACE (CAST(order_date AS {date_type}) AS order_date, "
                     "CAST(amount AS DECIMAL(38,6)) AS amount)")
        self.con.execute(
            f"CREATE TABLE orders AS SELECT *{typed} FROM read_csv(?, header = true, all_varchar = true, "
            "quote = '\"', escape = '\"')",
            [str(csv_path)],
        )

    def run(self, sql):
        for stmt in statements(sql):
            if self.read:
                # parse strictly in the warehouse's dialect, then write DuckDB
                tree = self.sqlglot.parse_one(stmt, read=self.read, error_level=self.sqlglot.ErrorLevel.RAISE)
                stmt = tree.transform(self.exact_numeric).sql(dialect="duckdb")
            try:
                self.con.execute(stmt)
            except Exception as e:  # show the statement that failed
                raise RuntimeError(f"{e}\n--- statement ---\n{stmt}") from e

    def table(self, name):
        cur = self.con.execute(f"SELECT * FROM {name}")
        cols = [c[0] for c in cur.description]
        return cols, cur.fetchall()


class SparkEngine:
    def __init__(self, warehouse):
        need("pyspark")
        from pyspark.sql import SparkSession

        self.spark = (
            SparkSession.builder.master("local[2]")
            .appName("cpm-sql-check")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.warehouse.dir", str(warehouse))
            .config("spark.sql.legacy.createHiveTableByDefault", "false")
            .config("spark.sql.ansi.enabled", "true")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")

    def load(self, csv_path, date_type="DATE"):
        # every column as text; a quoted cell may hold a line break
        df = self.spark.read.csv(str(csv_path), header=True, multiLine=True)
        if date_type:
            df = df.withColumn("order_date", df["order_date"].cast(date_type))
            df = df.withColumn("amount", df["amount"].cast("DECIMAL(38,6)"))
        df.createOrReplaceTempView("orders")

    def run(self, sql):
        for stmt in statements(sql):
            try:
                self.spark.sql(stmt)
            except Exception as e:
                raise RuntimeError(f"{e}\n--- statement ---\n{stmt}") from e

    def table(self, name):
        df = self.spark.table(name)
        return df.columns, [tuple(r) for r in df.collect()]

    def close(self):
        self.spark.stop()


def normalise(value):
    """A value read from an engine, as the comparison sees it."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return value.normalize() if value != 0 else decimal.Decimal(0)
    return value
