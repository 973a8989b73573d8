"""No SQL is built from strings (issue 6): every statement of the application is composed with
SQLAlchemy (bound parameters) or psycopg's sql.Identifier; a text() or execute() argument is a
constant, and no f-string, %-format or .format() call assembles SQL."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "bench", "consumer", "devstack", "governance", "infra", "migrations", "models", "services",
            "tasks", "worker")
SQL_CALLS = {"text", "execute", "executemany", "exec_driver_sql", "literal_column", "SQL", "scalar", "scalars"}
SQL_WORDS = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|WHERE|AND|OR|CREATE|DROP|ALTER)\b")


def sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _template(node) -> str | None:
    """The literal text of an expression that assembles a string at run time (an f-string, a
    %-format or concatenation, a .format() or .join() call), or None for anything else; psycopg's
    sql.SQL(...).format(sql.Identifier(...)) composes safely and is not counted."""
    if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
        return " ".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        sides = [_template(side) if not isinstance(side, ast.Constant) else str(side.value)
                 for side in (node.left, node.right)]
        if any(isinstance(side, (ast.Constant, ast.JoinedStr, ast.BinOp)) for side in (node.left, node.right)):
            return " ".join(side or "" for side in sides)
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        receiver = node.func.value
        if isinstance(receiver, ast.Call) and _name(receiver.func) == "SQL":
            return None
        return str(receiver.value) if isinstance(receiver, ast.Constant) else ""
    return None


def findings(source: str, label: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, label)):
        if isinstance(node, ast.Call) and _name(node.func) in SQL_CALLS and node.args \
                and _template(node.args[0]) is not None:
            found.append(f"{label}:{node.lineno} {_name(node.func)}() of a built string")
        elif SQL_WORDS.search(_template(node) or ""):
            found.append(f"{label}:{node.lineno} SQL assembled in a string")
    return found


def test_the_scan_reads_the_application():
    assert len(sources()) > 50


def test_no_sql_is_built_from_strings():
    assert [f for path in sources() for f in findings(path.read_text(), str(path.relative_to(ROOT)))] == []


@pytest.mark.parametrize("code, bad", [
    ('session.execute(text(f"SELECT * FROM t WHERE id = {x}"))', True),
    ('conn.execute("DELETE FROM t WHERE id = %s" % x)', True),
    ('q = "SELECT a FROM t WHERE b = " + b', True),
    ('q = "UPDATE t SET a = {}".format(a)', True),
    ('session.execute(text("SELECT 1"))', False),
    ('conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))', False),
    ('conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))', False),
    ('log.info(f"job {job_id} failed")', False),
    ('plan = "\\n".join(r[0] for r in conn.execute("EXPLAIN SELECT 1 WHERE a = %s", (a,)))', False),
    ('where = " AND ".join(conditions)', True),
])
def test_the_scan_tells_built_sql_from_bound_parameters(code, bad):
    assert bool(findings(code, "probe.py")) is bad
