"""Answers: a chosen candidate, an exact match of a merchant name or memo, or a printed
product -> :class:`~classifiers.models.Classification`, with the explanation every answer
carries (what matched, its score and the features that weighed most, the runner-up, what the
MCC says)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from classifiers import candidates as cand
from classifiers.mcc import mcc_label
from classifiers.models import Classification, MatchedBy, Vendor

CONFIDENCE: dict[str, float] = {
    "rule": 1.0,
    "merchant_name": 0.95,
    "memo": 0.7,
    "reseller": 0.75,
}


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True, slots=True)
class Match:
    vendor: Vendor
    method: MatchedBy
    text: str
    score: float
    how: str  # a short phrase for the explanation
    tokens_used: int = 0


def scored_answer(
    weights: cand.Weights,
    c: cand.Candidate,
    runner: cand.Candidate | None,
    norm: str,
    code: str | None,
    tier: str | None,
    reseller: cand.Candidate | None,
    *,
    bucket: bool = False,
    fuzzy_score: float | None = None,
    fuzzy_q: str | None = None,
) -> Classification:
    v = c.vendor
    w = weights
    conf = sigmoid(c.score - w.accept / 2)
    if reseller is not None:
        conf *= 0.97
    if bucket:
        conf = min(conf, CONFIDENCE["reseller"])
    if c.hit_kind == "domain":
        what = f"domain {c.key_text}"
    elif c.hit_kind == "truncated":
        what = f"cut-off {c.method} {c.key_text!r}"
    elif c.hit_kind == "fuzzy":
        what = f"{fuzzy_q!r} is close to {c.method} {c.key_text!r} ({fuzzy_score:.0f}/100)"
    else:
        what = f"{c.method} {c.key_text!r}"
    how = f"{what}; score {c.score:.1f} ({c.explain()})"
    if bucket:
        how = f"reseller {c.key_text!r}, product not visible; score {c.score:.1f}"
    elif reseller is not None:
        how = f"sold through {reseller.vendor.name}; product {how}"
    if runner is not None:
        how += f"; runner-up {runner.vendor.name} {runner.score:.1f}"
    method: MatchedBy
    if bucket:
        method = "reseller"
    elif c.hit_kind == "fuzzy":
        method = "fuzzy"
    else:
        method = c.method  # type: ignore[assignment]
    verdict = "software" if v.is_software else "not software by policy"
    extra = ""
    if code and tier == "strong" and v.is_software:
        extra = f"; MCC {code} agrees"
    elif code and tier == "other" and v.is_software:
        extra = f"; MCC {code} ({mcc_label(code)}) is not a software category"
    return Classification(
        vendor_slug=v.slug,
        vendor_name=v.name,
        category=(v.category or None) if v.is_software else None,
        is_software=v.is_software,
        confidence=round(conf, 3),
        matched_by=method,
        matched_text=c.key_text,
        normalised=norm,
        explanation=f"{v.name} ({verdict}): {how}{extra}",
        reseller_slug=reseller.vendor.slug if reseller is not None else None,
        software_probability=round(conf if v.is_software else 1 - conf, 3),
    )


def printed_product(product: str, reseller: cand.Candidate, norm: str) -> Classification:
    r = reseller.vendor
    conf = 0.6 if r.is_software else 0.55
    verdict = "software" if r.is_software else "not software, as its seller"
    return Classification(
        vendor_slug=None,
        vendor_name=product,
        category=("other_software" if r.is_software else None),
        is_software=r.is_software,
        confidence=conf,
        matched_by="product",
        matched_text=product,
        normalised=norm,
        explanation=(
            f"{product} ({verdict}): printed after {r.name} ({reseller.key_text!r}), "
            "which sells others' products; not in the catalog"
        ),
        reseller_slug=r.slug,
        software_probability=conf if r.is_software else 1 - conf,
        candidate_name=product,
    )


def answer(match: Match, norm: str, code: str | None, tier: str | None) -> Classification:
    v = match.vendor
    conf = match.score
    extra = ""
    if code and tier == "strong" and v.is_software:
        conf = min(1.0, conf + 0.03)
        extra = f"; MCC {code} agrees"
    elif code and tier == "other" and v.is_software and match.method != "rule":
        conf = max(0.05, conf - 0.1)
        extra = f"; MCC {code} ({mcc_label(code)}) is not a software category"
    verdict = "software" if v.is_software else "not software by policy"
    return Classification(
        vendor_slug=v.slug,
        vendor_name=v.name,
        category=(v.category or None) if v.is_software else None,
        is_software=v.is_software,
        confidence=round(conf, 3),
        matched_by=match.method,
        matched_text=match.text,
        normalised=norm,
        explanation=f"{v.name} ({verdict}): {match.how}{extra}",
    )
