"""Table definitions of the auth database."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from platform_common.outbox import outbox_table


class Base(DeclarativeBase):
    metadata = MetaData()


outbox = outbox_table(Base.metadata)
