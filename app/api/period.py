"""The period parameters every figure takes: ``from`` and ``to`` (see :mod:`app.periods`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from app.db import utcnow
from app.periods import Period, resolve

FROM_DOC = "First day, included (with neither `from` nor `to`: the last 12 full months)"
TO_DOC = "Last day, included"


def period_params(
    date_from: Annotated[date | None, Query(alias="from", description=FROM_DOC)] = None,
    date_to: Annotated[date | None, Query(alias="to", description=TO_DOC)] = None,
) -> Period:
    return resolve(date_from, date_to, utcnow().date())


PeriodDep = Annotated[Period, Depends(period_params)]
