"""The migration history builds the schema the models describe (SPEC 3).

Each test runs against its own freshly created database, dropped at the end of the module.
"""

from __future__ import annotations

import os
import re
import uuid
from decimal import Decimal
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy import CheckConstraint, Engine, create_engine, inspect
from sqlalchemy.engine import make_url

import models
from infra.config import get_settings, reset_settings
from infra.db import reset_engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def database_url(stack) -> Iterator[str]:
    """A new, empty database on the test server; dropped when the module is done."""
    server = make_url(stack.admin_url).set(drivername="postgresql")
    name = f"gov_schema_{uuid.uuid4().hex}"
    admin = server.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        reset_engine()
        with psycopg.connect(admin, autocommit=True) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def alembic_config(database_url: str) -> Iterator[Config]:
    """An Alembic config whose env.py sees DATABASE_URL = the test database."""
    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url
    reset_settings()
    reset_engine()
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    try:
        yield config
    finally:
        if saved is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = saved
        reset_settings()
        reset_engine()


@pytest.fixture
def engine(alembic_config: Config) -> Iterator[Engine]:
    engine = create_engine(get_settings().sqlalchemy_url)
    yield engine
    engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def _predicate(where: str) -> str:
    """An index predicate without what Postgres adds when it prints one back."""
    return re.sub(r"[()]|::text", "", where).strip()


def _words(check_sql: str) -> list[str]:
    """The quoted words of a CHECK, in order: its vocabulary when it is an IN list."""
    return re.findall(r"'([^']*)'", check_sql)


def test_upgrade_from_empty_database_reaches_head(alembic_config: Config, engine: Engine) -> None:
    command.downgrade(alembic_config, "base")
    assert _tables(engine) == set()

    command.upgrade(alembic_config, "head")

    assert _tables(engine) == set(models.Base.metadata.tables)
    with engine.connect() as conn:
        head = ScriptDirectory.from_config(alembic_config).get_current_head()
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_models_match_migrated_schema(alembic_config: Config, engine: Engine) -> None:
    command.upgrade(alembic_config, "head")

    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diffs = compare_metadata(context, models.Base.metadata)

    assert diffs == []


def test_check_constraints_and_partial_indexes_match_models(
    alembic_config: Config, engine: Engine
) -> None:
    # compare_metadata ignores CHECK constraints and index predicates; compare them here. The
    # migrations keep literal word lists (frozen in time, see governance.vocabulary) while the
    # models build theirs from the vocabularies: the head must hold the words defined today.
    command.upgrade(alembic_config, "head")
    inspector = inspect(engine)

    for table in models.Base.metadata.sorted_tables:
        expected_checks = {
            c.name: _words(str(c.sqltext)) for c in table.constraints if isinstance(c, CheckConstraint)
        }
        actual_checks = {c["name"]: _words(c["sqltext"]) for c in inspector.get_check_constraints(table.name)}
        assert actual_checks == expected_checks, table.name

        expected_where = {
            i.name: _predicate(str(i.dialect_options["postgresql"]["where"]))
            for i in table.indexes
            if i.dialect_options["postgresql"]["where"] is not None
        }
        actual_where = {
            i["name"]: _predicate(i["dialect_options"]["postgresql_where"])
            for i in inspector.get_indexes(table.name)
            if "postgresql_where" in i.get("dialect_options", {})
        }
        assert actual_where == expected_where, table.name


def test_downgrade_to_base_leaves_no_tables(alembic_config: Config, engine: Engine) -> None:
    command.upgrade(alembic_config, "head")

    command.downgrade(alembic_config, "base")

    assert _tables(engine) == set()
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is None


def test_upgrade_again_after_downgrade(alembic_config: Config, engine: Engine) -> None:
    command.upgrade(alembic_config, "head")
    command.downgrade(alembic_config, "base")

    command.upgrade(alembic_config, "head")

    assert _tables(engine) == set(models.Base.metadata.tables)


def test_0008_records_the_snapshot_total_of_the_proposals_already_activated(alembic_config: Config,
                                                                            engine: Engine) -> None:
    from sqlalchemy import text

    command.downgrade(alembic_config, "base")
    command.upgrade(alembic_config, "0007_hardening")
    dao, voted, empty, draft = (uuid.uuid4() for _ in range(4))
    with engine.begin() as conn:
        conn.execute(text("""INSERT INTO daos (id, slug, name, dao_type, owner_subject_id, owner_subject_type)
                             VALUES (:d, :s, :s, 'community', 'user:o', 'user')"""), {"d": dao, "s": f"d-{dao.hex}"})
        for proposal, activated in ((voted, "now()"), (empty, "now()"), (draft, "NULL")):
            conn.execute(text(f"""INSERT INTO proposals (id, dao_id, slug, title, created_by, activated_at)
                                  VALUES (:p, :d, :s, 't', 'user:o', {activated})"""),
                         {"p": proposal, "d": dao, "s": f"p-{proposal.hex}"})
        conn.execute(text("""INSERT INTO proposal_voters (id, proposal_id, subject_id, subject_type, power, weight)
                             VALUES (gen_random_uuid(), :p, 'user:a', 'user', 2, 1.41421356),
                                    (gen_random_uuid(), :p, 'user:b', 'user', 3, 1.73205081)"""), {"p": voted})

    command.upgrade(alembic_config, "0008_vote_path")

    with engine.connect() as conn:
        totals = dict(conn.execute(text("SELECT id, snapshot_total_weight FROM proposals")).all())
    assert totals == {voted: Decimal("3.14626437"), empty: Decimal(0), draft: None}
    command.upgrade(alembic_config, "head")
