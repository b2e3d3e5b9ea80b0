"""Amounts in statement files -> integer minor units of an ISO 4217 currency.

No float ever touches an amount: text is parsed with :class:`decimal.Decimal` and scaled by
the currency's exponent (0 for JPY/KRW, 3 for BHD/KWD/TND, 2 for most).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Active ISO 4217 codes (plus a few recently withdrawn ones that old statements still carry).
_ACTIVE = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD
BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP
DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS
INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR
PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS
SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW
UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
"""
# Withdrawn codes that statements and test files from before the euro still carry (two
# decimals each); no exchange rate is known for them, so they are stored unconverted.
_LEGACY = "ATS CYP DEM EEK FIM FRF IEP LTL LVL MTL NLG SIT SKK"
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_FOUR = "CLF UYW"

_CODES = frozenset(_ACTIVE.split() + _LEGACY.split())
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(_ZERO.split(), 0),
    **dict.fromkeys(_THREE.split(), 3),
    **dict.fromkeys(_FOUR.split(), 4),
}

_PLAIN_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")


def is_currency(code: str) -> bool:
    """True when ``code`` is an upper-case ISO 4217 code this importer knows."""
    return code in _CODES


def exponent(code: str) -> int:
    """Number of minor-unit digits of an ISO 4217 currency (2 unless listed otherwise)."""
    return _EXPONENTS.get(code, 2)


class AmountError(ValueError):
    """Text that is not an amount, or has more decimals than the currency allows."""


MAX_MINOR = 2**63 - 1
"""The largest magnitude an amount may have in minor units (a signed 64-bit column)."""


def decimal_to_minor(value: Decimal, currency: str) -> int:
    """Scale an exact decimal amount to integer minor units of ``currency``.

    Raises :class:`AmountError` when the amount has sub-minor-unit digits that are not zero
    (``12.345`` USD), since rounding would silently change money, and when it does not fit
    in :data:`MAX_MINOR`. Exact whatever the number of digits (integer arithmetic, not the
    decimal context's 28-digit precision).
    """
    if not value.is_finite():
        raise AmountError(f"not a finite amount: {value}")
    sign, digits, exp = value.as_tuple()
    assert isinstance(exp, int)  # finite
    if not any(digits):
        return 0
    shift = exp + exponent(currency)
    if len(digits) + shift > 19:  # at least 10**19 minor units: out of range, cheaply
        raise AmountError(f"{value} is out of range")
    magnitude = int("".join(map(str, digits)))
    scale: int = 10 ** abs(shift)
    if shift >= 0:
        magnitude *= scale
    else:
        magnitude, rest = divmod(magnitude, scale)
        if rest:
            raise AmountError(
                f"{value} has more decimals than {currency} allows ({exponent(currency)})"
            )
    if magnitude > MAX_MINOR:
        raise AmountError(f"{value} is out of range")
    return -magnitude if sign else magnitude


def parse_decimal(text: str, *, decimal_comma: bool = False) -> Decimal:
    """Parse a human-formatted amount into a signed :class:`Decimal`.

    Accepts ``1234.56``, ``-1,234.56``, ``$1,234.56``, ``(12.34)`` and ``12.34-`` (negative).
    Debit/credit words (``CR``, ``DR``) are not interpreted here: direction is the mapping's
    business. With
    ``decimal_comma`` the roles of ``.`` and ``,`` swap (``1.234,56``). A thousands separator
    must group three digits (or the Indian two), so ``12,50`` read with a decimal point is
    refused, never taken as 1250. Spaces, non-breaking spaces and apostrophes are taken as
    thousands separators; currency symbols and a leading or
    trailing 3-letter currency code are dropped. Raises :class:`AmountError` otherwise.
    """
    s = text.strip()
    if not s:
        raise AmountError("amount is empty")
    if _PLAIN_NUMBER.fullmatch(s) is None or decimal_comma:
        s = _clean(s, decimal_comma)
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - _clean already validated the shape
        raise AmountError(f"not an amount: {text!r}") from None


# Whole parts with thousands separators: 1,234,567 or the Indian 12,34,567.
_GROUPED = {
    sep: re.compile(rf"\d{{1,3}}(?:\{sep}\d{{3}})+|\d{{1,2}}(?:\{sep}\d{{2}})*\{sep}\d{{3}}")
    for sep in (",", ".")
}

_SYMBOLS = str.maketrans("", "", "$€£¥₩₹₽₺₪฿₫ \u00a0\u202f'")


def _clean(text: str, decimal_comma: bool) -> str:
    s = text.strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s.endswith("-"):
        negative, s = not negative, s[:-1].strip()
    if len(s) > 3 and s[:3].isalpha() and s[:3].isupper():
        s = s[3:].strip()
    if len(s) > 3 and s[-3:].isalpha() and s[-3:].isupper():
        s = s[:-3].strip()
    s = s.translate(_SYMBOLS)
    if s.startswith("-"):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    s = s.translate(_SYMBOLS)  # "-$12" leaves the symbol after the sign
    thousands, point = (".", ",") if decimal_comma else (",", ".")
    if thousands in s and not _GROUPED[thousands].fullmatch(s.split(point, 1)[0]):
        # "12,50" read with a decimal point (or "12.50" with a decimal comma) is not 1250.
        raise AmountError(
            f"not an amount: {text!r} (a {thousands!r} here separates thousands and must "
            f"group three digits; is the decimal separator {thousands!r}?)"
        )
    s = s.replace(".", "").replace(",", ".") if decimal_comma else s.replace(",", "")
    if _PLAIN_NUMBER.fullmatch(s) is None or s.startswith("-"):
        raise AmountError(f"not an amount: {text!r}")
    return "-" + s if negative else s


# The shape almost every statement writes (``-1234.56``): read without Decimal.
_SIMPLE_AMOUNT = re.compile(r"(-?)(\d{1,18})(?:\.(\d*))?")


def parse_minor(text: str, currency: str, *, decimal_comma: bool = False) -> int:
    """``parse_decimal`` then ``decimal_to_minor``: text -> signed integer minor units.

    Plain amounts (optional ``-``, digits, optional ``.`` and no more decimals than the
    currency has) take an integer-only fast path with the same result.
    """
    if not decimal_comma:
        simple = _SIMPLE_AMOUNT.fullmatch(text)
        if simple is not None:
            negative, whole, fraction = simple.groups()
            places = _EXPONENTS.get(currency, 2)
            if fraction is None or len(fraction) <= places:
                minor = int(whole + (fraction or "").ljust(places, "0"))
                if minor <= MAX_MINOR:
                    return -minor if negative else minor
    return decimal_to_minor(parse_decimal(text, decimal_comma=decimal_comma), currency)
