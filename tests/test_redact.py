"""The one scrubber behind every log line and stored error text (issue #14: a provider's
error text reached status_detail, /runs and the logs with Basic credentials in it)."""

from __future__ import annotations

import base64

import pytest

from app.redact import scrub

BASIC = base64.b64encode(b"svc-user:hunter22").decode()

# (text containing a credential, the credential that must not survive)
LEAKS = [
    ("Authorization: Basic " + BASIC, BASIC),
    ("retrying with basic " + BASIC + " failed", BASIC),
    ("authorization=Basic%20" + BASIC, BASIC),
    ("Proxy-Authorization: Digest username=x, response=abc123def", "abc123def"),
    ('{"Authorization": "Token abc-123-xyz"}', "abc-123-xyz"),
    ("Bearer eyJhbGciOi.eyJzdWIiOi.sig-part_1", "eyJzdWIiOi"),
    ("header Authorization: Bearer tok_live_abcdef", "tok_live_abcdef"),
    ("GET https://api.test/v1?token=t0ps3cret&page=2", "t0ps3cret"),
    ("https://api.test/x?api_key=AKIA1234567890&a=1", "AKIA1234567890"),
    ("https://api.test/x?apikey=AKIA1234567890", "AKIA1234567890"),
    ("client_secret=cs-8f8f8f8f client_id=abc", "cs-8f8f8f8f"),
    ('{"client_secret": "cs with spaces"}', "cs with spaces"),
    ("{'password': 'pa55word!'}", "pa55word!"),
    ('{"refresh_token":"rt-1234"}', "rt-1234"),
    ("x-api-key: k-998877", "k-998877"),
    ("X-Auth-Token=abc.def.ghi", "abc.def.ghi"),
    ("db password: hunter2x", "hunter2x"),
    ("postgresql://app:s3cr3t-pw@db.internal:5432/prod", "s3cr3t-pw"),
    ("https://user:p%40ss@example.com/path", "p%40ss"),
    ("key ssk_0123456789ab_secretpart used", "secretpart"),
    ("stored gAAAAABkZsecretfernet==", "gAAAAABkZsecretfernet"),
    ("plaid access-production-de3ce8ef-33f8-452c-a685", "de3ce8ef-33f8-452c-a685"),
    ("stripe sk_live_51HxYzAbCdEf", "sk_live_51HxYzAbCdEf"),
    ("private_key=-----BEGIN", "-----BEGIN"),
]


@pytest.mark.parametrize(("text", "secret"), LEAKS)
def test_every_credential_form_is_masked(text: str, secret: str) -> None:
    scrubbed = scrub(text)
    assert secret not in scrubbed
    assert "***" in scrubbed


def test_known_values_are_masked_wherever_they_appear() -> None:
    assert scrub("provider said: bad key Zq9-Rt7 (Zq9-Rt7)", ["Zq9-Rt7"]) == (
        "provider said: bad key *** (***)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "HTTP 401, the credentials were refused; check them or reconnect (INVALID_API_KEYS)",
        "the Basic plan does not include the Reporting API",
        "ramp: HTTP 503 Service Unavailable",
        "https://api.test/v1/transactions?page=2",
    ],
)
def test_ordinary_messages_stay_readable(text: str) -> None:
    assert scrub(text) == text
