from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel
from sqlmodel import select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.classification import service as classification_service
from app.findings import reclassify as reclassify_service
from app.kit.pagination import paginate
from app.models import MatchRule, MatchRuleCreate, MatchRulePublic
from app.rules import service

router = APIRouter(prefix="/match-rules", tags=["match rules"])


class MatchRuleCreated(MatchRulePublic):
    reclassified: dict[str, Any]


@router.get("", response_model=Page[MatchRulePublic])
def list_rules(
    session: SessionDep,
    page: PageDep,
    _: Annotated[Principal, Depends(require(Perm.RULES_READ))],
) -> Page[MatchRulePublic]:
    """User rules, applied before the catalog in ascending priority."""
    rows, cursor = paginate(session, select(MatchRule), page, [MatchRule.id])  # type: ignore[list-item]
    return Page(items=[MatchRulePublic.model_validate(r) for r in rows], next_cursor=cursor)


@router.post("", response_model=MatchRuleCreated, status_code=status.HTTP_201_CREATED)
def create_rule(
    data: MatchRuleCreate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.RULES_WRITE))],
) -> MatchRuleCreated:
    """Create a rule (`vendor_id` null = "not software") and re-classify the history it
    touches. `contains` and `exact` rules re-check only rows containing the pattern."""
    row = service.create(session, data, principal)
    session.flush()
    classification_service.invalidate_cache()
    result = reclassify_service.reclassify(
        session, descriptor_contains=data.pattern if data.kind != "regex" else None
    )
    session.commit()
    return MatchRuleCreated.model_validate(row, update={"reclassified": result.as_dict()})


class BaseDeleted(BaseModel):
    id: int
    reclassified: dict[str, Any]


@router.delete("/{rule_id}", response_model=BaseDeleted)
def delete_rule(
    rule_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.RULES_WRITE))],
) -> BaseDeleted:
    """Delete a rule and re-classify the rows it had decided."""
    row = service.delete(session, rule_id, principal)
    session.flush()
    classification_service.invalidate_cache()
    result = reclassify_service.reclassify(
        session, descriptor_contains=row.pattern if row.kind != "regex" else None
    )
    session.commit()
    return BaseDeleted(id=rule_id, reclassified=result.as_dict())
