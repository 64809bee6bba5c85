"""Secrets never reach a log line: tokens, cookies, passwords, signatures, presigned queries.

Applied to the finished line (message, extras and traceback alike), so no call site can forget
it; the patterns aim at the shapes secrets take, not at the names of the variables holding them.
"""

import re

REDACTED = "[REDACTED]"

# Query parameters whose value is a credential, including S3 presigned-URL parameters.
_SECRET_PARAMS = (
    r"token|access_token|refresh_token|id_token|api_key|apikey|secret|password|passwd"
    r"|signature|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token"
    r"|AWSAccessKeyId|Signature|x-amz-signature|x-amz-credential|x-amz-security-token"
)
# JSON keys (in structured extras or echoed bodies) whose value is a credential.
_SECRET_KEYS = (
    r"password|new_password|current_password|passwd|token|access_token|refresh_token|secret"
    r"|cookie|set-cookie|authorization|jwt_secret|s3_secret_access_key|client_secret|salt"
)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # A JWT anywhere (three base64url parts, the first a JSON header): `eyJ...`.
    (re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*"), REDACTED),
    # `?token=...&X-Amz-Signature=...` in URLs and request lines.
    (re.compile(rf"(?i)([?&;](?:{_SECRET_PARAMS})=)[^&\s\"'#\\]+"), rf"\1{REDACTED}"),
    # Signed delivery URLs carry their signature as the second path segment: /d/{account}/{sig}/.
    (re.compile(r"(/d/[^/\s\"'\\]+/)[^/\s\"'\\]+"), rf"\1{REDACTED}"),
    # `Authorization: Bearer x`, `Basic x`.
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {REDACTED}"),
    # Cookie values: `access_token=...; refresh_token=...`.
    (re.compile(r"(?i)\b((?:access|refresh)_token=)[^;\s\"'&\\]+"), rf"\1{REDACTED}"),
    # "password": "..." in JSON, 'password': '...' in a repr.
    (
        re.compile(rf"(?i)([\"'](?:{_SECRET_KEYS})[\"']\s*:\s*)([\"'])(?:\\.|(?!\2).)*\2"),
        rf"\1\2{REDACTED}\2",
    ),
    # password=... in form bodies or key=value log text.
    (
        re.compile(r"(?i)\b((?:password|new_password|current_password)=)[^&\s\"'\\]+"),
        rf"\1{REDACTED}",
    ),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
