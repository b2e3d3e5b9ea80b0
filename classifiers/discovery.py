"""Long-tail discovery: no catalog vendor, but software by its evidence (an MCC, a printed
category label, a domain, software words, the memo): the seller's name extracted from the
line, with a software probability and its evidence (``matched_by="discovered"``)."""

from __future__ import annotations

from collections.abc import Sequence

from classifiers import candidates as cand
from classifiers.answers import sigmoid
from classifiers.catalog import Catalog
from classifiers.mcc import mcc_label
from classifiers.models import Classification
from classifiers.normalise import ParsedDescriptor
from classifiers.tagging import Role, lexicon


def discover(
    catalog: Catalog,
    weights: cand.Weights,
    parsed: ParsedDescriptor,
    roles: tuple[Role, ...],
    ctx: cand.Context,
    code: str | None,
    tier: str | None,
    found: Sequence[cand.Candidate],
) -> Classification:
    """No vendor: is it software anyway, by its evidence? If so, name it."""
    norm = parsed.text
    lex = lexicon()
    w = weights.discover_features
    ev: dict[str, float] = {}
    if tier == "strong":
        ev[f"MCC {code} ({mcc_label(code or '')})"] = w["mcc_strong"]
    elif tier == "info":
        ev[f"MCC {code} (information/telecom)"] = w["mcc_info"]
    elif tier == "other":
        ev[f"MCC {code} ({mcc_label(code or '')})"] = w["mcc_other"]
    if ctx.category_label:
        ev["a software category label is printed"] = w["category_label"]
    known_domains = {d for d in parsed.domains if catalog.domains.get(d) is not None}
    new_domains = [d for d in parsed.domains if d not in known_domains]
    if new_domains:
        tld = new_domains[0].rsplit(".", 1)[-1]
        if tld in lex.software_tlds:
            ev[f"domain {new_domains[0]} (.{tld})"] = w["domain_software_tld"]
        else:
            ev[f"domain {new_domains[0]}"] = w["domain"]
    strong_words = [k for k in parsed.keys if k in lex.strong_software_words]
    if strong_words:
        ev[f"the word {strong_words[0]}"] = w["strong_software_word"]
    elif "soft" in roles:
        ev["software wording"] = w["software_word"]
    if ctx.memo_software:
        ev["the memo names software"] = w["memo_software"]
    if "merchant" in roles:
        ev["a shop word"] = w["merchant_word"]
    if ctx.processor in lex.small_merchant_processors:
        ev[f"point-of-sale prefix ({ctx.processor})"] = w["small_pos"]
    total = weights.discover_bias + sum(ev.values())
    p = sigmoid(total)
    software = total >= 0 and bool(ev)
    # A catalog brand that is not software (found but below the bar) still counts.
    name = extract_name(parsed, roles, new_domains) if software else None
    evidence = "; ".join(f"{k} {v:+.1f}" for k, v in ev.items())
    if software:
        if name is None and tier == "strong":
            return Classification(
                None,
                None,
                "other_software",
                True,
                round(p, 3),
                "mcc",
                code,
                norm,
                f"no catalog vendor; MCC {code} ({mcc_label(code or '')}) is a software "
                f"category (software probability {p:.2f}: {evidence})",
                software_probability=round(p, 3),
            )
        return Classification(
            None,
            None,
            "other_software",
            True,
            round(p, 3),
            "discovered",
            name,
            norm,
            f"{name or 'an unnamed seller'} (software, not in the catalog): software "
            f"probability {p:.2f} from {evidence}",
            software_probability=round(p, 3),
            candidate_name=name,
        )
    conf = 0.8 if tier == "other" else 0.5 if tier == "info" else 0.6
    why = "empty descriptor" if not norm else f"no catalog vendor matches {norm[:60]!r}"
    if found:
        top = found[0]
        why += f" (closest: {top.vendor.name} {top.score:.1f}, below {weights.accept:.1f})"
    if code and tier:
        why += f"; MCC {code} is {tier.replace('_', '-')}"
    return Classification(
        None,
        None,
        None,
        False,
        conf,
        "none",
        None,
        norm,
        why,
        software_probability=round(p, 3) if ev else None,
    )


def title(words: Sequence[str]) -> str:
    return " ".join(w.capitalize() if w.isalpha() else w for w in words)


def extract_name(
    parsed: ParsedDescriptor, roles: Sequence[Role], domains: Sequence[str]
) -> str | None:
    """A long-tail seller's name: its domain when it prints one, else the first words of
    the merchant text."""
    if domains:
        return domains[0]
    words: list[str] = []
    for k, r in zip(parsed.keys, roles, strict=True):
        if r in ("word", "soft"):
            words.append(k)
            if len(words) == 3:
                break
        elif words:
            break
    if not words or len("".join(words)) < 3:
        return None
    return title(words)
