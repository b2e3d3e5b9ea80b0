"""Optional Slack-compatible webhook: a high or critical finding appeared, or a team registered
a tool. Sent after the commit, off the request thread, retried on failure; never carries
secrets (only names, amounts and links)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlmodel import Session, col, select
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from app.config import get_settings
from app.findings import severity
from app.models import Department, Finding, Registration, Vendor
from connectors.money import format_minor

log = logging.getLogger("shadowspend.notify")


@dataclass(frozen=True, slots=True)
class Delivery:
    """How a message goes out: over ``transport`` (None: the network; tests pass an
    ``httpx.MockTransport``, as ``httpx.Client(transport=)`` takes one), in a background thread
    unless ``background`` is False."""

    transport: httpx.BaseTransport | None = None
    background: bool = True


class _Retryable(Exception):
    pass


@retry(
    retry=retry_if_exception_type(_Retryable),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    reraise=True,
)
def _post(url: str, payload: dict[str, Any], transport: httpx.BaseTransport | None) -> None:
    try:
        with httpx.Client(timeout=httpx.Timeout(5.0), transport=transport) as client:
            response = client.post(url, json=payload)
    except httpx.TransportError as exc:
        raise _Retryable(str(exc)) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise _Retryable(f"webhook answered {response.status_code}")
    if response.status_code >= 400:
        log.warning("webhook refused the message: HTTP %s", response.status_code)


def send(payload: dict[str, Any], delivery: Delivery = Delivery()) -> None:
    url = get_settings().webhook_url
    if not url:
        return

    def run() -> None:
        try:
            _post(url, payload, delivery.transport)
        except Exception as exc:
            log.warning("webhook delivery failed after retries: %s", exc.__class__.__name__)

    if delivery.background:
        threading.Thread(target=run, name="shadowspend-webhook", daemon=True).start()
    else:
        run()


def findings_alert(
    session: Session, finding_ids: Iterable[int], delivery: Delivery = Delivery()
) -> dict[str, Any] | None:
    """Send one message for the high/critical findings among these ids; returns the payload."""
    ids = list(finding_ids)
    if not ids or not get_settings().webhook_url:
        return None
    rows = session.exec(
        select(Finding, Vendor, Department)
        .join(Vendor, col(Vendor.id) == Finding.vendor_id, isouter=True)
        .join(Department, col(Department.id) == Finding.department_id, isouter=True)
        .where(col(Finding.id).in_(ids), col(Finding.severity).in_(["high", "critical"]))
    ).all()
    if not rows:
        return None
    lines = [
        f"• *{_name(f, v)}* bought by {d.name if d else 'an unknown department'}: "
        f"{f.severity}, {format_minor(f.total_reporting_minor, f.reporting_currency)} "
        f"{f.reporting_currency} (finding #{f.id}) — "
        + "; ".join(severity.words(f.severity_reasons)[:3])
        for f, v, d in rows
    ]
    payload = {
        "text": f"shadowspend: {len(rows)} high-severity software purchase(s) outside IT",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}],
    }
    send(payload, delivery)
    return payload


def _name(f: Finding, vendor: Vendor | None) -> str:
    return vendor.name if vendor else f"{f.candidate_name} (unrecognised software)"


def registration_alert(
    session: Session, registration: Registration, delivery: Delivery = Delivery()
) -> dict[str, Any] | None:
    if not get_settings().webhook_url:
        return None
    dept = session.get(Department, registration.department_id)
    vendor = session.get(Vendor, registration.vendor_id) if registration.vendor_id else None
    name = vendor.name if vendor else registration.name_as_typed
    payload = {
        "text": (
            f"shadowspend: {dept.name if dept else 'a team'} registered *{name}*"
            f"{' for ' + registration.purpose if registration.purpose else ''}"
        )
    }
    send(payload, delivery)
    return payload
