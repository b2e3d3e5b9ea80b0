"""Where a catalog string comes from, and which strings can be derived from a vendor's facts.

Every alias, billing descriptor and legal-entity name in the catalog carries a provenance:

- ``name``: derivable from the vendor's name (the name itself, another case, spaces or
  punctuation changed, a legal suffix added or dropped: ``1Password``, ``1PASSWORD INC``), or,
  for a product billed under a namespace parent, the parent's name and the product's
  (``MICROSOFT*XBOX`` for Xbox under Microsoft);
- ``domain``: derivable from one of its domains (``zapier.com``, ``ZAPIER COM``, ``ZAPIER``);
- ``doc:<url>``: the vendor's (or its payment processor's) own documentation of what appears
  on statements;
- ``open:<source>``: an open catalog (:data:`OPEN_SOURCES`).

``name`` and ``domain`` are checked mechanically by :func:`derivation` (the build fails on a
claim it cannot reproduce). The derivation is deliberately narrow and independent of the
matcher's normaliser, so the catalog build stays reproducible while the matcher changes: a
truncation (``SLACK T``), a product word (``ADOBE *PHOTOGPHY PLAN``) or a ``WWW`` prefix is not
derivable, it must be documented or dropped. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

NAME = "name"
DOMAIN = "domain"
DOC_PREFIX = "doc:"
OPEN_PREFIX = "open:"
OPEN_SOURCES = frozenset(
    [
        "wappalyzer",
        "2fa-directory",
        "gilbarbara-logos",
        "simple-icons",
        "lobehub-icons",
        "third-party-web",
        "apis-guru",
        "electron-apps",
    ]
)
# Provenances a memorising catalog cannot fake: what is left after dropping open-catalog
# strings (see :meth:`classifiers.catalog.Catalog.without_undocumented`).
DOCUMENTED = (NAME, DOMAIN)

# Legal-form suffixes a company name may carry on statements (compared after compaction, so
# "B.V." and "BV" are the same). Generic company words ("Technologies", "Labs") are not here:
# "Slack Technologies" is a legal name, not a spelling of "Slack".
# fmt: off
LEGAL_SUFFIXES = frozenset([
    "INC", "INCORPORATED", "LLC", "LTD", "LIMITED", "LLP", "LP", "CORP", "CORPORATION", "CO",
    "COMPANY", "GMBH", "AG", "SA", "SAS", "SARL", "BV", "NV", "PTY", "PLC", "OY", "AB", "AS",
    "APS", "SRL", "SRO", "SPA", "KK", "PBC", "SE", "SL",
])
# fmt: on
_WORD = re.compile(r"[A-Z0-9]+")
_PAREN = re.compile(r"\s*\([^)]*\)")
_PAREN_INNER = re.compile(r"\(([^)]*)\)")
# Second-level labels under which a country code puts registrable names: "example.co.uk".
_SLD = frozenset(["CO", "COM", "NET", "ORG", "AC", "GOV", "NE", "OR"])


def _ascii_upper(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.upper().replace("&", " AND ").replace("+", " PLUS ")


def _words(text: str) -> list[str]:
    # "B.V." and "S.R.O." are one word; other punctuation separates words.
    return _WORD.findall(re.sub(r"(?<=\b[A-Z])\.(?=[A-Z]\b)", "", _ascii_upper(text)))


def canon(text: str) -> str:
    """Upper-case ASCII letters and digits of ``text``, trailing legal suffixes dropped."""
    words = _words(text)
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return "".join(words)


def name_forms(name: str) -> frozenset[str]:
    """Canonical spellings derivable from a vendor name: the name, the name without a
    parenthetical and the parenthetical itself ("Meta (Facebook ads)": META, FACEBOOKADS),
    the name without a leading "The"."""
    forms = {canon(name), canon(_PAREN.sub("", name))}
    forms |= {canon(inner) for inner in _PAREN_INNER.findall(name)}
    words = _words(name)
    if len(words) > 1 and words[0] == "THE":
        forms.add(canon(" ".join(words[1:])))
    return frozenset(f for f in forms if f)


def domain_forms(domains: Iterable[str]) -> frozenset[str]:
    """Canonical spellings derivable from domains: the domain (``ZAPIERCOM``) and its
    registrable label (``ZAPIER``). Paths (``apple.com/shop``) are not domains."""
    forms: set[str] = set()
    for domain in domains:
        domain = domain.strip().lower().removeprefix("www.")
        if not domain or "/" in domain or "." not in domain:
            continue
        labels = [lab.upper() for lab in domain.split(".") if lab]
        forms.add("".join(_WORD.findall(".".join(labels))))
        cut = 2 if len(labels) > 2 and labels[-2] in _SLD and len(labels[-1]) == 2 else 1
        label = labels[-1 - cut] if len(labels) > cut else ""
        if len(label) >= 3:
            forms.add("".join(_WORD.findall(label)))
    return frozenset(f for f in forms if f)


def parent_forms(name: str, parent: str, parent_domains: Iterable[str] = ()) -> frozenset[str]:
    """Spellings of a product billed by a namespace parent as ``PARENT *PRODUCT``: a spelling
    of the parent's name or domain followed by one of the product's name, with or without the
    parent's name in front ("Microsoft 365" by Microsoft: MICROSOFTMICROSOFT365)."""
    heads = name_forms(parent) | domain_forms(parent_domains)
    tails = set(name_forms(name))
    words, parent_words = _words(name), _words(_PAREN.sub("", parent))
    if parent_words and words[: len(parent_words)] == parent_words and words[len(parent_words) :]:
        tails.add(canon(" ".join(words[len(parent_words) :])))
    return frozenset(h + t for h in heads for t in tails if h and t)


def derivations(
    text: str,
    name: str,
    domains: Iterable[str],
    parent: tuple[str, Iterable[str]] | None = None,
) -> frozenset[str]:
    """Which of ``"name"`` and ``"domain"`` ``text`` can be derived from (maybe both).
    ``parent`` (name, domains) is the namespace the vendor is billed under, if any: then
    ``PARENT *PRODUCT`` spellings count as derived from the name (:func:`parent_forms`)."""
    key = canon(text)
    found: set[str] = set()
    if key and key in name_forms(name):
        found.add(NAME)
    if key and parent is not None and key in parent_forms(name, parent[0], parent[1]):
        found.add(NAME)
    dom = domain_forms(domains)
    if key and (key in dom or "".join(_words(text)) in dom):
        found.add(DOMAIN)
    return frozenset(found)


def derivation(
    text: str,
    name: str,
    domains: Iterable[str],
    parent: tuple[str, Iterable[str]] | None = None,
) -> str | None:
    """``"name"`` or ``"domain"`` when ``text`` can be derived from the vendor's name (or its
    namespace parent's and its own) or one of its domains, else None (name wins)."""
    found = derivations(text, name, domains, parent)
    return NAME if NAME in found else DOMAIN if DOMAIN in found else None


def is_documented(provenance: str) -> bool:
    """True for ``name``, ``domain`` and ``doc:`` provenances (not open-catalog ones)."""
    return provenance in DOCUMENTED or provenance.startswith(DOC_PREFIX)


def check(provenance: str) -> None:
    """Raise ValueError unless ``provenance`` is one of the four accepted shapes."""
    if provenance in DOCUMENTED:
        return
    if provenance.startswith(DOC_PREFIX) and provenance[len(DOC_PREFIX) :].startswith(
        ("https://", "http://")
    ):
        return
    if provenance.startswith(OPEN_PREFIX) and provenance[len(OPEN_PREFIX) :] in OPEN_SOURCES:
        return
    raise ValueError(f"unknown provenance {provenance!r}")
