"""The one credential scrubber: every log line and every stored error text (a connection's
``status_detail``, a sync run's or a job's ``error``) goes through :func:`scrub`.

A provider's error text is the provider's to write: it may echo the request, its headers or
its query string. What is removed, in any case and wherever it appears in the text:

* our API keys (``ssk_...``), Fernet tokens (``gAAAAA...``) and JWTs;
* ``Authorization:``/``Proxy-Authorization:`` header values, ``Bearer`` tokens and ``Basic``
  credentials (base64 of ``user:password``);
* the password of a URL's user info (``https://user:***@host``);
* the value of any key/value pair whose key names a credential (``password``, ``passwd``,
  ``pwd``, ``secret``, ``client_secret``, ``token``, ``access_token``, ``refresh_token``,
  ``api_key``, ``apikey``, ``x-api-key``, ``private_key``, ``credentials``, ``signature``...)
  in ``key=value`` (query strings, forms), ``key: value`` (headers, YAML) and JSON forms;
* well-known provider key shapes (Stripe ``sk_live_``, Plaid ``access-production-...``);
* any ``known`` value given by the caller (a connection's own decrypted secrets).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable

MASK = "***"

# A key that names a credential: the words may stand alone or end a longer name
# (client_secret, x-auth-token, stripe_api_key, db_password).
_KEY = (
    r"[\w.\-]*(?:password|passwd|pwd|secret|token|api[_\-]?key|apikey|private[_\-]?key|"
    r"credentials?|signature|session[_\-]?id)"
)
_QUOTED_PAIR = re.compile(rf"(?i)([\"']?\b{_KEY}[\"']?\s*[:=]\s*)([\"'])(.*?)(\2)")
_BARE_PAIR = re.compile(rf"(?i)(\b{_KEY}\s*[:=]\s*)(?![\"'\s])([^\s&,;\"'}}\])]+)")
# To the end of the line (or the quote closing it): a Digest value holds commas.
_AUTH_HEADER = re.compile(r"(?im)\b((?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?)[^\r\n\"'}]+")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/\-]+=*")
_BASIC = re.compile(r"(?i)\b(basic\s+)([A-Za-z0-9+/_\-]{4,}={0,2})")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^/\s:@]*:)[^/\s@]+@")
_TOKENS = (
    (re.compile(r"ssk_[0-9a-f]{12}_[A-Za-z0-9_\-]+"), "ssk_" + MASK),
    (re.compile(r"gAAAAA[A-Za-z0-9_\-=]+"), MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"), MASK),
    (re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{6,}"), MASK),
    (re.compile(r"\b(?:access|public)-(?:sandbox|development|production)-[0-9a-f\-]{8,}"), MASK),
)
_MIN_KNOWN = 4  # shorter known values would mask ordinary words


def _basic(match: re.Match[str]) -> str:
    # Only base64 of "user:password" is a credential: "Basic plan" stays as it is.
    token = match.group(2)
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return match.group(0)
    return match.group(1) + MASK if b":" in decoded else match.group(0)


def scrub(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with every credential form above (and every ``known`` value) masked."""
    for value in sorted({k for k in known if len(k) >= _MIN_KNOWN}, key=len, reverse=True):
        text = text.replace(value, MASK)
    for pattern, replacement in _TOKENS:
        text = pattern.sub(replacement, text)
    text = _AUTH_HEADER.sub(rf"\g<1>{MASK}", text)
    text = _BEARER.sub(rf"\g<1>{MASK}", text)
    text = _BASIC.sub(_basic, text)
    text = _URL_PASSWORD.sub(rf"\g<1>{MASK}@", text)
    text = _QUOTED_PAIR.sub(rf"\g<1>\g<2>{MASK}\g<4>", text)
    return _BARE_PAIR.sub(rf"\g<1>{MASK}", text)
