"""Builders for the revisions in ``versions/``: columns as the models declare them, and tables
whose keys, unique constraints and indexes are named by the metadata's naming convention
(:data:`signing.db.NAMING_CONVENTION`), so that a revision lists what it adds and nothing else.

Alembic loads every file in ``versions/`` as a revision; this module lives beside it. A
revision keeps its tables as module constants; :func:`table_steps` makes its ``upgrade`` and
``downgrade`` when adding them is all it does. Every column is NOT NULL unless
``nullable=True``, as in the models.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from alembic import op

from signing.db import UTCDateTime

__all__ = [
    "Column",
    "Table",
    "binary",
    "boolean",
    "create_tables",
    "date",
    "drop_tables",
    "enum",
    "integer",
    "json",
    "moment",
    "numeric",
    "string",
    "table",
    "table_steps",
    "text",
]


@dataclass(frozen=True)
class Column:
    """A column to create: a fresh :class:`sqlalchemy.Column` is made for each table built, so
    a revision may keep its tables as module constants."""

    name: str
    type_: Callable[[], sa.types.TypeEngine]
    nullable: bool

    def build(self) -> sa.Column:
        return sa.Column(self.name, self.type_(), nullable=self.nullable)


def integer(name: str, *, nullable: bool = False) -> Column:
    return Column(name, sa.Integer, nullable)


def string(name: str, length: int, *, nullable: bool = False) -> Column:
    return Column(name, functools.partial(sa.String, length=length), nullable)


def text(name: str, *, nullable: bool = False) -> Column:
    return Column(name, sa.Text, nullable)


def boolean(name: str, *, nullable: bool = False) -> Column:
    return Column(name, sa.Boolean, nullable)


def json(name: str, *, nullable: bool = False) -> Column:
    return Column(name, sa.JSON, nullable)


def date(name: str, *, nullable: bool = False) -> Column:
    return Column(name, sa.Date, nullable)


def binary(name: str, *, nullable: bool = False) -> Column:
    return Column(name, sa.LargeBinary, nullable)


def numeric(name: str, precision: int, scale: int, *, nullable: bool = False) -> Column:
    return Column(name, functools.partial(sa.Numeric, precision=precision, scale=scale), nullable)


def moment(name: str, *, nullable: bool = False) -> Column:
    """A UTC timestamp (:class:`signing.db.UTCDateTime`)."""
    return Column(name, functools.partial(UTCDateTime, timezone=True), nullable)


def enum(name: str, type_name: str, values: str, length: int, *, nullable: bool = False) -> Column:
    """An enum stored as a string column (``native_enum=False``, as every model enum here);
    ``values`` are the member names, separated by spaces."""
    members = values.split()
    return Column(
        name,
        functools.partial(sa.Enum, *members, name=type_name, native_enum=False, length=length),
        nullable,
    )


@dataclass(frozen=True)
class Table:
    """One table of a revision: its columns and what the naming convention names."""

    name: str
    columns: tuple[Column, ...]
    #: column -> ``"table.column"`` it refers to (``fk_<table>_<column>_<referred table>``).
    references: Mapping[str, str] = field(default_factory=dict)
    primary_key: str = "id"
    #: Unique constraints, each its columns separated by spaces (``uq_<table>_<columns>``).
    unique: tuple[str, ...] = ()
    #: Columns with an index of their own (``ix_<table>_<column>``).
    indexes: tuple[str, ...] = ()
    #: Indexes named by hand: name -> columns separated by spaces.
    named_indexes: Mapping[str, str] = field(default_factory=dict)

    def index_columns(self) -> dict[str, list[str]]:
        """Every index of the table: name -> columns."""
        found = {f"ix_{self.name}_{column}": [column] for column in self.indexes}
        found.update({name: columns.split() for name, columns in self.named_indexes.items()})
        return found

    def constraints(self) -> list[sa.Constraint]:
        made: list[sa.Constraint] = [
            sa.ForeignKeyConstraint(
                [column],
                [target],
                name=op.f(f"fk_{self.name}_{column}_{target.split('.')[0]}"),
            )
            for column, target in sorted(self.references.items())
        ]
        made.append(sa.PrimaryKeyConstraint(self.primary_key, name=op.f(f"pk_{self.name}")))
        for columns in self.unique:
            names = columns.split()
            made.append(sa.UniqueConstraint(*names, name=op.f(f"uq_{self.name}_{'_'.join(names)}")))
        return made


def table(
    name: str,
    *columns: Column,
    references: Mapping[str, str] | None = None,
    primary_key: str = "id",
    unique: Iterable[str] = (),
    indexes: Iterable[str] = (),
    named_indexes: Mapping[str, str] | None = None,
) -> Table:
    """A table; without a column named ``primary_key`` it starts with an integer ``id``, the
    primary key of most tables."""
    if primary_key not in {column.name for column in columns}:
        columns = (integer(primary_key), *columns)
    return Table(
        name,
        columns,
        references=dict(references or {}),
        primary_key=primary_key,
        unique=tuple(unique),
        indexes=tuple(indexes),
        named_indexes=dict(named_indexes or {}),
    )


def create_tables(tables: Iterable[Table]) -> None:
    """Create ``tables`` in order (a table after those it refers to), each with its indexes."""
    for spec in tables:
        columns = [column.build() for column in spec.columns]
        op.create_table(spec.name, *columns, *spec.constraints())
        for index, columns in spec.index_columns().items():
            op.create_index(op.f(index), spec.name, columns, unique=False)


def drop_tables(tables: Iterable[Table]) -> None:
    """Drop ``tables`` (as given to :func:`create_tables`) in reverse order, indexes first."""
    for spec in reversed(list(tables)):
        for index in reversed(list(spec.index_columns())):
            op.drop_index(op.f(index), table_name=spec.name)
        op.drop_table(spec.name)


def table_steps(*tables: Table) -> tuple[Callable[[], None], Callable[[], None]]:
    """``upgrade`` and ``downgrade`` of a revision that only adds ``tables``::

    upgrade, downgrade = table_steps(SPECIMENS)
    """

    def upgrade() -> None:
        create_tables(tables)

    def downgrade() -> None:
        drop_tables(tables)

    return upgrade, downgrade
