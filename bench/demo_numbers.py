"""The demo company's headline figures, read through the API as a CIO's dashboard reads them.

    python bench/demo_numbers.py            # loads the demo (seed 7) into a fresh SQLite file

Prints the severity distribution of open findings (and any high or critical one under 500 a
year), whether ``sort=severity`` ever lists a lower label before a higher one, the redundancy
headline with its groups, and the head of the renewals list. It reads only the API's answers,
so run at another revision it prints the same figures for that revision (fields that revision
lacks print as None).
"""

from __future__ import annotations

import collections
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent / "shadowspend"
RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def _load(folder: Path) -> None:
    os.environ.update(
        SHADOWSPEND_DATABASE_URL=f"sqlite:///{folder / 'demo.db'}",
        SHADOWSPEND_SECRET_KEY_FILE=str(folder / "secret.key"),
        SHADOWSPEND_SCHEDULER_MODE="off",
        SHADOWSPEND_LOG_LEVEL="WARNING",
    )
    for command in (["migrate"], ["demo"]):
        subprocess.run([BIN, *command], check=True, capture_output=True)


def _pages(client: Any, path: str, headers: dict[str, str], **params: Any) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        query = {**params, "limit": 1000, **({"cursor": cursor} if cursor else {})}
        body = client.get(path, params=query, headers=headers).json()
        if isinstance(body, list):  # revisions whose list was a bare array
            return body
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="ss-demo-numbers-"))
    _load(folder)
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from app import db
    from app.api_keys import service as api_keys_service
    from app.main import create_app
    from app.models import Role

    with Session(db.get_engine()) as session:
        _, key = api_keys_service.create_key(session, name="numbers", role=Role.ADMIN)
        session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    client = TestClient(create_app())

    found = _pages(client, "/api/v1/findings", headers, status="open", sort="severity")
    labels = collections.Counter(f["severity"] for f in found)
    severe = [f for f in found if f["severity"] in ("high", "critical")]
    print(f"open findings: {len(found)}  " + ", ".join(f"{k} {labels[k]}" for k in RANK))
    print(f"high or critical: {len(severe)} ({len(severe) / max(1, len(found)):.0%})")
    cheap = [f for f in severe if (f["annual_run_rate_minor"] or 0) < 50_000]
    print(
        f"high or critical under 500 a year: {len(cheap)}",
        [(f["vendor"]["name"], f["annual_run_rate"]) for f in cheap[:5]],
    )
    order = [RANK[f["severity"]] for f in found]
    print(
        "sort=severity, a lower label before a higher one:",
        sum(a < b for a, b in itertools.pairwise(order)),
    )

    report = client.get("/api/v1/insights/redundancy", headers=headers).json()
    print(
        "redundancy headline:",
        report["total_estimated_saving_minor"] / 100,
        report["reporting_currency"],
        "from",
        report["period_from"],
        "to",
        report["period_to"],
    )
    for group in (report.get("functions") or report.get("categories") or [])[:8]:
        tools = [t["vendor"]["name"] + ("*" if t["sanctioned"] else "") for t in group["tools"]]
        saving = (group.get("estimate") or {}).get(
            "saving_minor", group.get("estimated_saving_minor")
        )
        print(
            f"  {group.get('label') or group.get('category')}: {', '.join(tools)}  saving {saving}"
        )

    renewals = _pages(client, "/api/v1/subscriptions/renewals", headers)
    print(f"renewals in the next 90 days: {len(renewals)}")
    for r in renewals[:5]:
        value = r.get("annual_value_minor", r.get("annual_run_rate_minor"))
        when = r.get("act_by") or r.get("next_expected_date")
        print(
            f"  {r.get('kind', 'subscription')}: {r['vendor']['name']}  {value} a year,"
            f" act by {when}"
        )


if __name__ == "__main__":
    main()
