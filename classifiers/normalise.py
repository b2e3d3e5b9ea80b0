"""Descriptor normalisation: strip what banks and processors add, keep what names the merchant.

``normalise("PURCHASE AUTHORIZED ON 10/26 PAYPAL *ACTIVECAMP 402-935-7733 IL S58230 CARD 0091")``
gives ``"ACTIVECAMP"``; :func:`parse` also returns the wallet/processor that was stripped and
the domains seen (kept as evidence). Pure functions, no I/O; never raise on any ``str``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

# Longer inputs are cut: real descriptors are < 100 characters, and the cut bounds the work.
MAX_INPUT = 256

# Wallets and payment processors that put their own prefix before the merchant. The value is
# a short evidence label; the prefix is removed and the merchant after it is matched.
PROCESSORS: dict[str, str] = {
    "SQ": "square",
    "SQU": "square",
    "SQUARE": "square",
    "GOSQ": "square",
    "TST": "toast",
    "SP": "shopify",
    "PAYPAL": "paypal",
    "PP": "paypal",
    "APLPAY": "apple_pay",
    "APPLE PAY": "apple_pay",
    "GPAY": "google_pay",
    "ADY": "adyen",
    "CKO": "checkout.com",
    "DOJO": "dojo",
    "SUMUP": "sumup",
    "ZTL": "zettle",
    "IZ": "zettle",
    "IZETTLE": "zettle",
    "IN": "intuit_payments",
    "WL": "worldline",
    "DD": "doordash",
    "BT": "braintree",
    "CLV": "clover",
    "PY": "payment",
    "PMT": "payment",
    "STRIPE": "stripe",
    "STR": "stripe",
    "WPY": "worldpay",
    "SMP": "sumup",
    "PAYPAL INST": "paypal",
    "EB": "eventbrite",
    "TOAST": "toast",
    "POS": "pos",
    "SPOT": "spoton",
    "HLU": "heartland",
}

# An optional prefix is spelled out as two alternatives ("\bVISA\s+CHECK... | \bCHECK...",
# not "(?:VISA\s+)?CHECK..."): the same matches in the same order, but each alternative then
# starts with a letter the engine can refuse at once, which makes the noise pass about a third
# cheaper (tests/classifiers/test_speed_equivalence.py checks it against the plain forms).
_BANK_WORDING = re.compile(
    r"""
    \bCARD\s+PAYMENT\s+TO\b |
    \b(?:RECURRING\s+PAYMENT|PURCHASE|PAYMENT|POS\s+PURCHASE|DEBIT\s+CARD\s+PURCHASE)
        \s+AUTHORI[ZS]ED\s+ON\s+\d{1,2}/\d{1,2}
    | \b(?:RECURRING|DEBIT\s+CARD|CHECK\s*CARD|VISA|POS|MOBILE|ONLINE|INTL?|ATM|CARD)\s+
        (?:PURCHASE|PURCH|DEBIT|PAYMENT|PMT|TRANSACTION|TXN)\b(?:\s+\d{4}\b)?
    | \bPOS\s+(?:PURCH|DEBIT|DB|TRANS)\b
    | \bCHECKCARD\s+\d{4}\b
    | \b(?:WEB|PPD|CCD|TEL)\s+ID:?\s*\S+
    | \bCARD\s+(?:X+)?\d{4}\b | \bX{3,}-?X*\d+\b | \b[PX]X{3,}\d+\b
    | \bINST\s+XFER\b | \bACH\s+(?:DEBIT|CREDIT|PMT|PAYMENT|WITHDRAWAL)\b | \bACH\b | \bIAT\b
    | \bFOREIGN\s+(?:TRANSACTION\s+)?FEE\b | \bCURRENCY\s+CONVERSION\b
    | \bPURCHASE\b | \bREFUND\b | \bRETURN\b | \bRECURRING\b | \bAUTOPAY\b | \bDEBIT\b
    | \b[SP]\d{9,}\b
    | \bVISA\s+CHECK\s*CARD(?:\s+\d{4})?\b | \bCHECK\s*CARD(?:\s+\d{4})?\b
    | \bWEB\s+AUTHORI[ZS]ED\s+(?:PMT|PAYMENT)\b | \bAUTHORI[ZS]ED\s+(?:PMT|PAYMENT)\b
    | \bDIRECT\s+DEBIT\b | \bSEPA-?LASTSCHRIFT\b | \bLASTSCHRIFT\b
    | \bKARTENZAHLUNG\b | \bCONTACTLESS\b
    | \b\d+\.\d{2}\s?(?:GBP|USD|EUR|CAD|AUD|CHF|SEK|NOK|DKK)\b
    | \bRATE\s+\d+(?:\.\d+)?(?:/[A-Z]{3})?
    | \bON\s+\d{1,2}[-\s](?:\d{1,2}|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)
        (?:[-\s]\d{2,4})?\b
    """,
    re.VERBOSE,
)
# ACH entries: "ORIG CO NAME:GUSTO ORIG ID:..." names the payee inside; "GUSTO DES:NET
# ID:... INDN:... CO ID:... CCD" puts it first and the rest is bookkeeping.
_ACH_ORIG = re.compile(r"ORIG CO NAME:\s*(.+?)\s+(?:ORIG ID|DESC DATE|CO ENTRY|SEC:)")
_ACH_TAIL = re.compile(r"\s+(?:DES|DESCR|INDN|CO ID|ENTRY DESCR):.*$")
_PHONE = re.compile(
    r"""
    \+\d[\d\s]{7,14}\d
    | \(\b\d{3}\)?[-.\s]?\d{3}[-.]\d{3,4}\b | \b\d{3}\)?[-.\s]?\d{3}[-.]\d{3,4}\b
    | \b\d{3}-\d{7}\b | \b(?:1-8|18|-8|8)[0-9]{2}-[A-Z0-9]{7}\b
    """,
    re.VERBOSE,
)
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression: split at each ``|`` outside groups
    and character classes. For our own patterns, which have no comments and no ``]`` first
    in a class."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _one_pass(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    r"""The patterns' alternatives as one alternation, in order, with each run of alternatives
    that start at a word boundary written ``\b(?:a|b|...)``. It matches exactly what the plain
    alternation matches (the same alternative wins at every position), but inside a word
    the boundary is refused once instead of once per alternative: about a third faster on
    statement lines."""
    out: list[str] = []
    run: list[str] = []
    for alternative in (a.strip() for p in patterns for a in _alternatives(p.pattern)):
        if alternative.startswith(r"\b"):
            run.append(alternative[2:])
            continue
        if run:
            out.append(r"\b(?:" + "|".join(run) + ")")
            run = []
        out.append(alternative)
    if run:
        out.append(r"\b(?:" + "|".join(run) + ")")
    return re.compile("|".join(out), re.VERBOSE)


# Bank wording, then dates, then phone numbers, in one pass (order of the alternation matters:
# "PURCHASE AUTHORIZED ON 10/26" must go as a whole before "10/26" is seen as a date).
_NOISE = _one_pass(_BANK_WORDING, _DATE, _PHONE)
_EMAIL = re.compile(r"\b[A-Z0-9._%+-]+@([A-Z0-9.-]+\.[A-Z]{2,})\b")
_TLDS = (
    "COM|NET|ORG|IO|CO|AI|APP|SO|US|DEV|CC|ME|TV|INFO|BIZ|UK|CA|DE|FR|NL|SE|LY|GG|TT|XYZ|CLOUD|"
    "TECH|SH|MD|FM|TO|BG|EE|IE|AU|NZ|CH|AT|BE|ES|IT|PL|JP|IN|COFFEE|STORE|SHOP|ONLINE|SITE"
)
_DOMAIN = re.compile(
    rf"\b(?:HTTPS?://)?(?:WWW\.)?((?:[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?\.)+(?:{_TLDS}))"
    r"(?=$|[^A-Z0-9]|[A-Z]{2}\b)(/[A-Z0-9#/_-]*)?"
)
# Paths that only point at a billing help page: dropped, the domain alone is the evidence.
_BILLING_PATHS = frozenset(
    ["BILL", "CHARGE", "HELPPAY", "PAYHELP", "CC", "CCHELP", "HELP", "BILLING", "PAY", "CH", "C"]
)
_SPACED_DOMAIN = re.compile(r"\bWWW\s+([A-Z0-9-]{3,})\s+(COM|NET|ORG|IO|CO)\b")
_STAR_PREFIX = re.compile(r"^([A-Z0-9][A-Z0-9 .]{0,10}?)\s*\*+\s*")
_DASH_PREFIX = re.compile(r"^(TST|SQ|SP)-")
_STORE_NO = re.compile(r"#\s*[A-Z]?\d+[A-Z0-9-]*|\bNO\.\s*\d+\b|(?<=\bSTORE)\s+\d+\b")
_SPLIT_ID = re.compile(r"\b([A-Z]{3,})(\d{5,})\b")
_KEEP = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789&.'+/ ")


def ascii_table(changes: Mapping[int, int | str | None]) -> dict[int, int | str | None]:
    """A ``str.translate`` table that names every ASCII character: ``changes``, the others
    mapped to themselves. Same result as ``changes`` alone, but a character missing from the
    table costs ``translate`` a KeyError raised and caught (once per distinct character per
    call), which was 6% of a statement line's instructions."""
    table: dict[int, int | str | None] = {i: i for i in range(128)}
    table.update(changes)
    return table


_TO_SPACE = ascii_table({i: " " for i in range(128) if chr(i) not in _KEEP})
_SLASH = re.compile(r"(?<![A-Z0-9]\.[A-Z]{2})(?<![A-Z0-9]\.[A-Z]{3})/")
_SPACES = re.compile(r"\s+")

LEGAL_SUFFIXES = frozenset(
    [
        "INC",
        "INCORPORATED",
        "LLC",
        "L.L.C.",
        "LTD",
        "LIMITED",
        "LLP",
        "CORP",
        "CORPORATION",
        "CO.",
        "GMBH",
        "AG",
        "SA",
        "SAS",
        "SARL",
        "BV",
        "B.V.",
        "NV",
        "PTY",
        "PLC",
        "OY",
        "AB",
        "AS",
        "APS",
        "SRL",
        "S.R.O.",
        "SPA",
        "KK",
        "PBC",
        "LP",
        "B.V",
        "S.R.O",
        "PTE",
        "KFT",
        "SPZOO",
        "ULC",
        "PVT",
        "BHD",
        "SDN",
        "OU",
        "UG",
    ]
)
US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AB",
        "BC",
        "MB",
        "NB",
        "NL",
        "NS",
        "ON",
        "PE",
        "QC",
        "SK",
        "GB",
        "UK",
        "IE",
        "IRL",
        "NLD",
        "NL",
        "SE",
        "DE",
        "FR",
        "ES",
        "IT",
        "AU",
        "NZ",
        "USA",
        "US",
        "CAN",
        "GBR",
        "LU",
        "SG",
    ]
)
# Country/state codes that are also common merchant tokens are only dropped at the end.


@dataclass(frozen=True, slots=True)
class ParsedDescriptor:
    """What :func:`parse` found.

    ``text``: the normalised merchant text (upper case, single spaces; may be empty).
    ``tokens``: ``text`` split on spaces. ``company_ends``: token indexes right after which a
    legal suffix was printed (``ACME B.V.`` gives ``(1,)``): the tokens before it name a
    company; the suffix itself is not a token. ``domains``: lower-case domains seen anywhere in the
    raw descriptor (``zapier.com``), in order. ``processor``: the wallet/processor prefix that
    was removed (e.g. ``"square"``), else None. ``star_prefix``: an unknown short prefix before
    a ``*`` (e.g. ``"DNH"``), which may be a reseller or a biller code.
    """

    text: str
    tokens: tuple[str, ...]
    domains: tuple[str, ...]
    processor: str | None
    star_prefix: str | None
    keys: tuple[str, ...] = ()
    company_ends: tuple[int, ...] = ()


# Letters that Unicode does not decompose into a base letter and an accent (NFKD leaves them
# whole, and the ASCII fold would drop them): spelled as the languages' own ASCII forms
# ("VAREKJØP" -> "VAREKJOP", "STRAßE" -> "STRASSE"), as banks print them in ASCII exports.
_UNDECOMPOSED = str.maketrans(
    {
        "Ø": "O",
        "ø": "o",
        "Æ": "AE",
        "æ": "ae",
        "ß": "ss",
        "Œ": "OE",
        "œ": "oe",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Þ": "TH",
        "þ": "th",
        "\u0131": "i",  # dotless i
    }
)


def fold_ascii(text: str) -> str:
    """``text`` in ASCII: accents dropped (NFKD), undecomposed letters spelled out, anything
    else that has no ASCII form removed."""
    text = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return text.encode("ascii", "ignore").decode("ascii")


def _clean_unicode(raw: str) -> str:
    text = raw[: MAX_INPUT * 2]
    if not text.isascii():
        text = fold_ascii(text)
    return text[:MAX_INPUT].upper()


def parse(raw: object) -> ParsedDescriptor:
    """Normalise one descriptor. Accepts any object (bytes are decoded with replacement;
    None gives an empty result); never raises."""
    return _parse(raw, strip_noise=True)


def _parse(raw: object, *, strip_noise: bool) -> ParsedDescriptor:
    source: str
    if isinstance(raw, str):
        source = raw
    elif raw is None:
        source = ""
    elif isinstance(raw, bytes | bytearray):
        source = bytes(raw).decode("utf-8", errors="replace")
    else:
        source = str(raw)
    text = _clean_unicode(source)

    domains: list[str] = []
    if "@" in text:
        domains = [m.group(1).lower() for m in _EMAIL.finditer(text)]
        text = _EMAIL.sub(" ", text)
    if "WWW " in text:
        text = _SPACED_DOMAIN.sub(lambda m: f"{m.group(1)}.{m.group(2)}", text)

    if strip_noise:  # catalog names keep their words ("Return Prime" is not a refund)
        if ":" in text:
            orig = _ACH_ORIG.search(text)
            if orig:
                text = orig.group(1)
            text = _ACH_TAIL.sub(" ", text)
        text = _NOISE.sub(" ", text)
    text = " ".join(text.split())

    def _domain(m: re.Match[str]) -> str:
        dom = m.group(1)
        domains.append(dom.lower())
        path = (m.group(2) or "").strip("/").split("/")[0].split("#")[0]
        billing = path in _BILLING_PATHS or path[:-2] in _BILLING_PATHS  # "/BILLWA"
        if path and not billing and path.isalpha():
            # "APPLE.COM/US" (the hardware store) is not "APPLE.COM/BILL": keep the path.
            return f" {dom}/{path} "
        return f" {dom} "

    if "." in text:
        text = _DOMAIN.sub(_domain, text)

    processor: str | None = None
    star_prefix: str | None = None
    for _ in range(3):  # nested wrappers: "PAYPAL *SQ *NAME" (rare, bounded)
        text = text.strip(" *-")
        sm = _STAR_PREFIX.match(text) if "*" in text else None
        if sm:
            head = sm.group(1).strip()
            if head in PROCESSORS:
                processor = processor or PROCESSORS[head]
                text = text[sm.end() :]
                continue
            if star_prefix is None and len(head) <= 4 and " " not in head:
                star_prefix = head
            text = head + " " + text[sm.end() :]
            break
        dm = _DASH_PREFIX.match(text)
        if dm:
            processor = processor or PROCESSORS[dm.group(1)]
            text = text[dm.end() :]
            continue
        first, _, rest = text.partition(" ")
        if first in PROCESSORS and first not in {"IN", "POS", "SQUARE", "STRIPE", "TOAST"} and rest:
            processor = processor or PROCESSORS[first]
            text = rest
            continue
        if first in {"APLPAY", "GPAY"} and rest:
            processor = PROCESSORS[first]
            text = rest
            continue
        break

    if "#" in text or "NO." in text or "STORE" in text:
        text = _STORE_NO.sub(" ", text)
    text = text.translate(_TO_SPACE)  # "*", "_", ",", brackets... become separators
    if "/" in text:
        text = _SLASH.sub(" ", text)  # keep "/" only right after a domain
    tokens, keys, company_ends = _tokens(text)
    return ParsedDescriptor(
        text=" ".join(tokens),
        tokens=tuple(tokens),
        domains=tuple(dict.fromkeys(domains)),
        processor=processor,
        star_prefix=star_prefix,
        keys=tuple(keys),
        company_ends=tuple(e for e in company_ends if e <= len(keys)),
    )


def _is_noise(tok: str) -> bool:
    if tok.isdigit():
        return len(tok) >= 4
    if len(tok) < 6 or tok.isalpha() or "." in tok:
        return False
    # Reference / authorisation ids: long mixed tokens with several digits ("9RQ5TP5PQ5HL").
    return len(tok) - len(tok.translate(DIGITS_DELETE)) >= 2


# What one raw token becomes (its text, its matching key, whether it is dropped when it is not
# the first token: a legal suffix or a reference; whether it is a legal suffix), memoised by the
# raw token: statements repeat the same words, places and codes, so most tokens are a
# dictionary lookup. Bounded.
_TOKEN_CACHE: dict[str, tuple[str, str, bool, bool]] = {}
_TOKEN_CACHE_MAX = 200_000


def _token(raw_tok: str) -> tuple[str, str, bool, bool]:
    if raw_tok.isdigit():  # numbers are not worth remembering
        return raw_tok, raw_tok, len(raw_tok) >= 4, False
    hit = _TOKEN_CACHE.get(raw_tok)
    if hit is not None:
        return hit
    tok = raw_tok.strip(".'&+-/")
    if len(tok) >= 8 and tok[-1].isdigit() and tok[0].isalpha():
        # "ADWS25445007": a word glued to a reference number
        m = _SPLIT_ID.fullmatch(tok)
        if m:
            tok = m.group(1)
    legal = tok in LEGAL_SUFFIXES or tok.rstrip(".") in LEGAL_SUFFIXES
    hit = (tok, tok.translate(_NON_ALNUM_DELETE), legal or _is_noise(tok), legal)
    if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[raw_tok] = hit
    return hit


def _tokens(text: str) -> tuple[list[str], list[str], list[int]]:
    """The merchant tokens of a cleaned text, their matching keys (same length) and the
    token indexes right after which a legal suffix was printed (and dropped)."""
    out: list[str] = []
    keys: list[str] = []
    company_ends: list[int] = []
    cache = _TOKEN_CACHE
    for raw_tok in text.split():
        # _token(), with its memo read here first: this loop runs for every token.
        hit = cache.get(raw_tok)
        tok, key, droppable, legal = hit if hit is not None else _token(raw_tok)
        if not tok or (droppable and out):
            if legal and out and (not company_ends or company_ends[-1] != len(out)):
                company_ends.append(len(out))
            continue
        out.append(tok)
        keys.append(key)
    # "GOOGLE *Google One", "TEMU.COM TEMU.COM": the biller repeats its own name.
    if len(out) > 2 and out[0] == out[1]:
        del out[1]
        del keys[1]
        company_ends = [e - 1 if e >= 2 else e for e in company_ends]
    # Trailing location: state/country codes and a dangling short code.
    while len(out) > 1 and out[-1] in US_STATES:
        out.pop()
        keys.pop()
    return out, keys, company_ends


def normalise(descriptor: object) -> str:
    """Return the normalised merchant text of a descriptor (see :func:`parse`)."""
    return parse(descriptor).text


DIGITS_DELETE = ascii_table(str.maketrans("", "", "0123456789"))
_NON_ALNUM_DELETE = ascii_table(
    str.maketrans("", "", "".join(chr(i) for i in range(128) if not chr(i).isalnum()))
)


def compact(text: str) -> str:
    """The matching key of a name or descriptor: upper-case ASCII letters and digits only."""
    if not text.isascii():
        text = fold_ascii(text)
    return text.upper().translate(_NON_ALNUM_DELETE)


def word_keys(text: str) -> list[str]:
    """The matching key of each whitespace-separated word of ``text``, like :func:`compact`
    word by word (an empty key where a word has no letter or digit)."""
    if text.isascii():
        return [w.translate(_NON_ALNUM_DELETE) for w in text.upper().split()]
    return [compact(w) for w in text.split()]


def key_of(text: str) -> str:
    """Matching key of catalog text (a name, alias or descriptor): parsed like a statement
    line, legal suffixes dropped, then compacted."""
    return compact(_parse(text, strip_noise=False).text)
