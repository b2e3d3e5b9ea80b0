"""What the review pages (the findings queue and one finding) share.

The forms call the same service functions as /api/v1/findings, so every rule lives in one
place; these pages only turn forms into requests and outcomes into pages. A refused action
re-renders its page with the reason and changes nothing (the unit of work is rolled back); an
accepted one redirects (POST/redirect/GET) to a page that says what was done."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from pydantic import ValidationError

from app.api.deps import SessionDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.dashboard.forms import form_principal
from app.dashboard.render import templates
from app.errors import AppError

FINDINGS_PAGE_SIZE = 50
STATUSES = "^(open|approved|rejected|dismissed|snoozed|all)$"
SORTS = "^(severity|spend|last_seen)$"

# form value -> (label, the decision it sends, what the queue says once done)
BULK_ACTIONS: dict[str, tuple[str, dict[str, Any], str]] = {
    "approve": (
        "Approve, each for its department",
        {"decision": "approve", "scope": "department"},
        "Approved for their departments",
    ),
    "approve-company": (
        "Approve company-wide",
        {"decision": "approve", "scope": "company"},
        "Approved company-wide",
    ),
    "reject": ("Reject", {"decision": "reject"}, "Rejected"),
    "snooze": ("Snooze until the date below", {"decision": "snooze"}, "Snoozed"),
    "dismiss-not-software": (
        "Dismiss: not software",
        {"decision": "dismiss", "not_software": True},
        "Dismissed as not software",
    ),
}
# Why a finding of a bulk action was left alone, by the status the bulk route gave it (the
# redirect carries statuses, never free text, so a crafted link cannot put words on the page).
UNCHANGED_BECAUSE = {
    403: "it belongs to another department",
    404: "it no longer exists",
    409: "someone else changed it first; open it and decide again",
    422: "the rules refused it; open it to see why",
}
DONE_CODES = "^(approve|approve-company|reject|dismiss|snooze|assign|comment)$"
ACTION_LABELS = {
    "finding.approved": "approved",
    "finding.rejected": "rejected",
    "finding.dismissed": "dismissed as a wrong match",
    # what the findings service records today ("reject" + "d"); both read the same here
    "finding.rejectd": "rejected",
    "finding.dismissd": "dismissed as a wrong match",
    "finding.snoozed": "snoozed",
    "finding.assigned": "changed the owner",
    "finding.commented": "commented",
    "finding.reopened": "reopened",
}
# The API's field names as the forms label them.
FIELD_LABELS = {
    "not_software=true": "“not software”",
    "correct_vendor_id": "the right vendor",
    "snooze_until": "the snooze date",
    "cancel_by": "the cancel-by date",
    "assignee_email": "the owner's email",
    "comment": "the comment",
}

templates.env.filters["action_label"] = lambda action: ACTION_LABELS.get(action, action)


def plain(text: str) -> str:
    for name, label in FIELD_LABELS.items():
        text = text.replace(name, label)
    return text


def invalid(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        message = str(err["msg"]).removeprefix("Value error, ")
        field = ".".join(str(p) for p in err["loc"])
        parts.append(f"{field}: {message}" if field else message)
    return plain("; ".join(parts))


def refusal(exc: AppError | ValidationError) -> str:
    reason = invalid(exc) if isinstance(exc, ValidationError) else plain(exc.detail)
    return f"Nothing was changed: {reason}."


def poster(
    request: Request, session: SessionDep, csrf_token: str, back: str
) -> Principal | Response:
    """The principal behind a review form, or the page that refuses it: no CSRF token, signed
    out (back to sign-in, then to ``back``), or a role that may not decide."""
    return form_principal(request, session, csrf_token, back, Perm.FINDINGS_DECIDE)
