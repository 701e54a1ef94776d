"""Login and registration throttles, counted in the storage every worker shares.

Failed log-ins are counted three ways, each in a fixed window that ends by itself:

1. one account from one address, or from one trusted browser (LOGIN_FAILURE_LIMIT,
   5 per 15 minutes);
2. one account from every address (LOGIN_ACCOUNT_FAILURE_LIMIT, 20 per 15 minutes);
3. one address, whatever the account (LOGIN_ADDRESS_FAILURE_LIMIT, 30 per hour).

When a count is full the attempt is refused before the password is even looked at (so a right
guess during a block proves nothing) with "Too many failed attempts. Try again in 4 minutes.",
and the refused attempt is not counted. Counter 1 takes its place before the password is
checked, so parallel requests cannot slip past it; a successful log-in clears it.

Why the real owner cannot be locked out for good:

- Every block ends: a window is fixed from its first failure (at most 15 minutes for an
  account, an hour for an address), and refused attempts are not counted, so hammering a
  blocked form does not stretch it.
- Counters 1 and 3 belong to the attacker's own addresses, never to the owner's.
- Counter 2 is the only one an attacker elsewhere can fill for the owner. A browser in which
  the account logged in before carries a signed "trusted browser" cookie for that account
  (TRUSTED_COOKIE, no secret in it); an attempt from such a browser skips counters 2 and 3 and
  has a counter 1 of its own. So during an attack the owner still logs in from any browser
  they used before, and from a new one once the window ends; a live session or remember-me
  cookie needs no log-in at all.
- A right password after a few typos clears counter 1: mistakes do not add up over the day.

IPv4 addresses count one by one, IPv6 ones per /64 (one subscriber's network). Accounts are
counted by a digest of the normalised email, so the storage holds no addresses in clear.
Registration counts complete submissions per address (REGISTER_RATE_LIMIT, 5 an hour).
RATELIMIT_ENABLED=False turns these throttles off together with the other request limits.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.auth.services import normalise_email
from app.core import ratelimit

TRUSTED_COOKIE = "parley_trusted"
TRUSTED_DAYS = 180
_TRUSTED_SALT = "parley.trusted-browser"


class TooManyAttempts(Exception):
    """Refused until a window ends; `seconds` is how long, `message` says so in words."""

    def __init__(self, seconds: int, reason: str = "Too many failed attempts.") -> None:
        super().__init__(seconds)
        self.seconds = seconds
        self.message = f"{reason} Try again in {wait_phrase(seconds)}."


@dataclass(frozen=True)
class LoginAttempt:
    """Who tries to log in: the email typed, the client's address, the trusted-browser
    cookie the browser sent (if any)."""

    email: str
    address: str | None
    trusted_cookie: str | None = None

    @property
    def account(self) -> str:
        return hashlib.sha256(normalise_email(self.email).encode()).hexdigest()[:32]


def wait_phrase(seconds: int) -> str:
    """ "45 seconds", "4 minutes", "1 hour": how long to wait, rounded up."""
    if seconds < 60:
        return _plural(max(seconds, 1), "second")
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return _plural(minutes, "minute")
    return _plural(math.ceil(minutes / 60), "hour")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def address_key(address: str | None) -> str:
    """The part of a client address that is counted: the IPv4 address, the IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return f"{ipaddress.ip_network(f'{ip}/64', strict=False).network_address}/64"
    return str(ip)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _limits() -> tuple[str, str, str]:
    config = current_app.config
    return (config["LOGIN_FAILURE_LIMIT"], config["LOGIN_ACCOUNT_FAILURE_LIMIT"],
            config["LOGIN_ADDRESS_FAILURE_LIMIT"])


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_TRUSTED_SALT)


def _trusted_token(attempt: LoginAttempt) -> str | None:
    """The browser's token when its trusted-browser cookie is for this account."""
    if not attempt.trusted_cookie:
        return None
    try:
        value = _serializer().loads(attempt.trusted_cookie, max_age=TRUSTED_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.get("a") != attempt.account:
        return None
    token = value.get("t")
    return token if isinstance(token, str) else None


def _keys(attempt: LoginAttempt) -> tuple[str, str, str, bool]:
    """(counter 1, counter 2, counter 3) keys, and whether the browser is trusted."""
    token = _trusted_token(attempt)
    first = (f"login:browser:{token}:{attempt.account}" if token
             else f"login:pair:{attempt.account}:{address_key(attempt.address)}")
    return (first, f"login:account:{attempt.account}",
            f"login:address:{address_key(attempt.address)}", token is not None)


def before_login(attempt: LoginAttempt) -> None:
    """Refuse the attempt with TooManyAttempts while a counter is full; otherwise take a
    place in counter 1 for it (given back by login_succeeded)."""
    if not _enabled():
        return
    first_limit, account_limit, address_limit = _limits()
    first, account, address, trusted = _keys(attempt)
    full = [] if trusted else [(key, limit) for key, limit in
                               ((account, account_limit), (address, address_limit))
                               if not ratelimit.allowed(key, limit)]
    if not full and ratelimit.hit(first, first_limit):
        return
    if not full:
        full = [(first, first_limit)]
    raise TooManyAttempts(max(ratelimit.retry_after(key, limit) for key, limit in full))


def login_failed(attempt: LoginAttempt) -> None:
    """Count a wrong password against the account and the address (counter 1 already
    counted it in before_login)."""
    if not _enabled():
        return
    _, account_limit, address_limit = _limits()
    _, account, address, _ = _keys(attempt)
    ratelimit.hit(account, account_limit)
    ratelimit.hit(address, address_limit)


def login_succeeded(attempt: LoginAttempt) -> str:
    """Clear counter 1 for this account and address or browser; return the value of the
    trusted-browser cookie to give the browser (its token kept when it had one)."""
    first_limit = current_app.config["LOGIN_FAILURE_LIMIT"]
    first, _, _, _ = _keys(attempt)
    if _enabled():
        ratelimit.clear(first, first_limit)
    token = _trusted_token(attempt) or secrets.token_urlsafe(16)
    return _serializer().dumps({"a": attempt.account, "t": token})


def before_registration(address: str | None) -> None:
    """Count one complete registration form from this address; refuse it with
    TooManyAttempts when the address has sent REGISTER_RATE_LIMIT of them already."""
    if not _enabled():
        return
    key, limit = f"register:{address_key(address)}", current_app.config["REGISTER_RATE_LIMIT"]
    if not ratelimit.hit(key, limit):
        raise TooManyAttempts(ratelimit.retry_after(key, limit),
                              "Too many new accounts from your address.")
