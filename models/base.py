"""Declarative base shared by every model.

The naming convention makes every constraint and index name deterministic, so that
migrations written today still match the models tomorrow and can drop them by name.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from sqlalchemy import DateTime, MetaData, Numeric, Text, Uuid, func
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    # column_0_N_name joins every column, so two indexes starting with the same
    # column (proposals (status, end_at) and (status, start_at)) get distinct names.
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Money and voting power: numeric(30, 8), always handled as Decimal.
MONEY = Numeric(30, 8)

CreatedAt = Annotated[datetime, mapped_column(server_default=func.now())]
UpdatedAt = Annotated[datetime, mapped_column(server_default=func.now(), onupdate=func.now())]


def in_list(column: str, values: tuple[str, ...]) -> str:
    """SQL text of a CHECK that `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    type_annotation_map = {
        str: Text(),
        Decimal: MONEY,
        datetime: DateTime(timezone=True),
        uuid.UUID: Uuid(),
    }

    # Fetch server-generated values (created_at, updated_at, events.seq) with RETURNING on
    # INSERT and UPDATE, so objects stay readable after their session closes.
    __mapper_args__ = {"eager_defaults": True}
