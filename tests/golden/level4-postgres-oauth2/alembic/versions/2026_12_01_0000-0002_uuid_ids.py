"""pack 0.4.0: random UUID ids, values unique per owner, decimal amounts

Tables that pack 0.1-0.3 created get the schema that 0001 and the add_* revisions create now:
- `id` becomes a random UUID (version 4), so ids cannot be walked;
- a unique field becomes unique per owner (`UNIQUE(owner_id, <field>)`): one user's value no
  longer blocks every other user;
- a `decimal` field stored as a float becomes `NUMERIC(12, 2)`.
Each table is inspected first and only what differs is changed: on a database that 0001 and the
add_* revisions of pack 0.4.0 or later created, this revision does nothing. The rows are kept
(each gets a new id). A table of your own with a foreign key to a resource's `id` stops it with
an error before anything changes: convert that key in a revision of your own first.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 00:00:00
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import context, op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


@dataclass(frozen=True)
class Resource:
    table: str
    unique: tuple[str, ...] = ()
    decimal: tuple[str, ...] = ()


# The resources' tables, in the order the revisions create them.
RESOURCES = [
    Resource(
        "tasks",
        unique=("title",),
        decimal=(),
    ),
]


def upgrade() -> None:
    if context.is_offline_mode():
        raise RuntimeError("revision 0002 inspects the database: run it online, not with --sql")
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    present = [r for r in RESOURCES if inspector.has_table(r.table)]
    integer_ids = [r.table for r in present if is_integer(inspector, r.table)]
    refuse_foreign_keys_to(inspector, integer_ids)
    for table in integer_ids:
        give_uuid_ids(bind, table)
    for resource in present:
        make_unique_per_owner(sa.inspect(bind), resource)
        store_decimals(sa.inspect(bind), resource)


def downgrade() -> None:
    """Nothing: the schema this revision brings is the one 0001 and the add_* revisions create
    now, which their downgrades drop."""


def is_integer(inspector: sa.Inspector, table: str) -> bool:
    column = next(c for c in inspector.get_columns(table) if c["name"] == "id")
    return isinstance(column["type"], sa.Integer)


def refuse_foreign_keys_to(inspector: sa.Inspector, tables: list[str]) -> None:
    """Stops before any change when a table refers to an id that is about to change."""
    for other in inspector.get_table_names():
        for key in inspector.get_foreign_keys(other):
            if key["referred_table"] in tables:
                raise RuntimeError(
                    f"{other}.{', '.join(key['constrained_columns'])} refers to "
                    f"{key['referred_table']}.id, which revision 0002 turns into a UUID: "
                    "convert that column in a revision of your own before this one"
                )


def give_uuid_ids(bind: sa.Connection, table: str) -> None:
    """A new random UUID for every row, in place of its integer id."""
    op.add_column(table, sa.Column("uuid_id", sa.Uuid(), nullable=True))
    rows = sa.table(table, sa.column("id", sa.Integer()), sa.column("uuid_id", sa.Uuid()))
    old_ids = bind.execute(sa.select(rows.c.id)).scalars().all()
    if old_ids:
        bind.execute(
            rows.update()
            .where(rows.c.id == sa.bindparam("old_id"))
            .values(uuid_id=sa.bindparam("new_id")),
            [{"old_id": old, "new_id": uuid.uuid4()} for old in old_ids],
        )
    with op.batch_alter_table(table) as batch:
        batch.drop_column("id")  # and the primary key on it
        batch.alter_column("uuid_id", new_column_name="id", existing_type=sa.Uuid(), nullable=False)
    with op.batch_alter_table(table) as batch:
        batch.create_primary_key(f"pk_{table}", ["id"])


def make_unique_per_owner(inspector: sa.Inspector, resource: Resource) -> None:
    """UNIQUE(field) becomes UNIQUE(owner_id, field)."""
    constraints = inspector.get_unique_constraints(resource.table)
    for field in resource.unique:
        alone = [c["name"] for c in constraints if c["column_names"] == [field] and c["name"]]
        if not alone:
            continue
        with op.batch_alter_table(resource.table) as batch:
            for name in alone:
                batch.drop_constraint(name, type_="unique")
            batch.create_unique_constraint(
                f"uq_{resource.table}_owner_id_{field}", ["owner_id", field]
            )


def store_decimals(inspector: sa.Inspector, resource: Resource) -> None:
    """A float column of a decimal field becomes NUMERIC(12, 2), its values rounded to cents."""
    floats = {c["name"] for c in inspector.get_columns(resource.table) if isinstance(c["type"], sa.Float)}
    for field in resource.decimal:
        if field not in floats:
            continue
        if op.get_bind().dialect.name == "sqlite":  # PostgreSQL rounds in the USING below
            column = sa.column(field, sa.Float())
            op.execute(sa.table(resource.table, column).update().values({field: sa.func.round(column, 2)}))
        with op.batch_alter_table(resource.table) as batch:
            batch.alter_column(
                field,
                existing_type=sa.Float(),
                type_=sa.Numeric(precision=12, scale=2),
                postgresql_using=f"round({field}::numeric, 2)",
            )
