"""Currency exponents and exact conversions between decimal amounts and minor units.

Never float: amounts are parsed with :class:`decimal.Decimal` and stored as integers of the
currency's minor unit (ISO 4217 exponent: 2 for most, 0 for JPY, 3 for BHD ...).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# ISO 4217 currencies whose minor unit is not 2 decimal places.
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        (
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


class AmountError(ValueError):
    """The text is not an amount in that currency."""


def exponent(currency: str) -> int:
    """The number of decimal places of ``currency``'s minor unit (2 when unlisted)."""
    return _EXPONENTS.get(currency.upper(), 2)


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Exact integer minor units. Raises :class:`AmountError` for text that is not a number or
    has more decimals than the currency allows beyond a zero tail (``12.340`` USD is fine)."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except InvalidOperation:
        raise AmountError(f"not a number: {amount!r}") from None
    if not value.is_finite():
        raise AmountError(f"not a finite amount: {amount!r}")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise AmountError(
            f"{amount} has more decimals than {currency.upper()} allows ({exponent(currency)})"
        )
    return int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN))


def from_minor(minor: int, currency: str) -> Decimal:
    """The decimal amount of ``minor`` units of ``currency``."""
    return Decimal(minor).scaleb(-exponent(currency))


def format_minor(minor: int, currency: str) -> str:
    """``minor`` as a plain decimal string with the currency's decimals: 1234 USD -> "12.34"."""
    places = exponent(currency)
    value = from_minor(minor, currency)
    return f"{value:.{places}f}"
