"""Match rules: a descriptor pattern -> a vendor, or -> not software."""

from __future__ import annotations

import re

from sqlmodel import Session

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.errors import NotFound, Unprocessable
from app.models import MatchRule, MatchRuleCreate, Vendor


def create(session: Session, data: MatchRuleCreate, actor: Principal) -> MatchRule:
    if data.kind == "regex":
        try:
            re.compile(data.pattern)
        except re.error as exc:
            raise Unprocessable(f"pattern is not a valid regular expression: {exc}") from None
    if data.vendor_id is not None and session.get(Vendor, data.vendor_id) is None:
        raise Unprocessable(f"vendor {data.vendor_id} does not exist")
    row = MatchRule.model_validate(data, update={"created_by": actor.name})
    session.add(row)
    session.flush()
    audit_service.record(
        session, actor, "rule.created", "match_rule", row.id, after=data.model_dump()
    )
    return row


def delete(session: Session, rule_id: int, actor: Principal) -> MatchRule:
    row = session.get(MatchRule, rule_id)
    if row is None:
        raise NotFound(f"match rule {rule_id} does not exist")
    before = MatchRuleCreate.model_validate(row).model_dump()
    session.delete(row)
    audit_service.record(session, actor, "rule.deleted", "match_rule", rule_id, before=before)
    return row
