"""The audit log of account administration and security events: who, what, to whom, when."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from auth_service.adapters.orm import audit_log


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        action: str,
        *,
        actor_id: uuid.UUID | None,
        target_id: uuid.UUID | None,
        at: datetime,
        **details: Any,
    ) -> None:
        self.session.execute(
            insert(audit_log).values(
                at=at, actor_id=actor_id, action=action, target_id=target_id, details=details
            )
        )

    def page(self, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Newest first."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).offset(offset).limit(limit)
        rows = [dict(row) for row in self.session.execute(query).mappings()]
        total = self.session.execute(select(func.count()).select_from(audit_log)).scalar_one()
        return rows, total
