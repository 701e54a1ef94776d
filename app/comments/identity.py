"""Who is commenting: the logged-in member or the guest's signed cookies."""

from __future__ import annotations

import time
from datetime import datetime

from flask import current_app, g, request
from flask_login import current_user
from itsdangerous import BadSignature, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer
from markupsafe import escape

from app.comments.services import Commenter
from app.core.pagecache import register_slot, register_variant
from app.models.types import utcnow

MINE_COOKIE = "parley_mine"
COMMENTER_COOKIE = "parley_commenter"
# The addresses this browser proved by opening a link mailed to them (see proof.py).
PROVEN_COOKIE = "parley_proven"
MINE_LIMIT = 50
PROVEN_LIMIT = 10
YEAR = 365 * 24 * 3600


def _signer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _read(cookie: str, salt: str, default):
    raw = request.cookies.get(cookie)
    if not raw:
        return default
    try:
        return _signer(salt).loads(raw)
    except BadSignature:
        return default


def own_ids() -> list[int]:
    ids = _read(MINE_COOKIE, "parley-mine", [])
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def current_commenter() -> Commenter:
    user = current_user if current_user.is_authenticated else None
    return Commenter(
        user=user._get_current_object() if user is not None else None,
        ip=request.remote_addr or "",
        user_agent=request.user_agent.string or "",
        now=utcnow(),
        own_ids=frozenset(own_ids()),
        proven_emails=frozenset(proven_emails()),
    )


def remember_response(response, response_id: int) -> None:
    """Add a response to the browser's signed list of its own comments."""
    ids = (own_ids() + [response_id])[-MINE_LIMIT:]
    response.set_cookie(MINE_COOKIE, _signer("parley-mine").dumps(ids), max_age=YEAR,
                        httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])


def proven_emails() -> list[str]:
    emails = _read(PROVEN_COOKIE, "parley-proven", [])
    return [e for e in emails if isinstance(e, str)] if isinstance(emails, list) else []


def remember_proven(response, email: str) -> None:
    """Add an address to the browser's signed list of the addresses it proved."""
    emails = [e for e in proven_emails() if e != email]
    emails = (emails + [email])[-PROVEN_LIMIT:]
    response.set_cookie(PROVEN_COOKIE, _signer("parley-proven").dumps(emails), max_age=YEAR,
                        httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])


def saved_details() -> dict:
    details = _read(COMMENTER_COOKIE, "parley-commenter", {})
    return details if isinstance(details, dict) else {}


def save_details(response, name: str, email: str, website: str, keep: bool) -> None:
    """Keep (or forget) the guest's name, email and website, only when they opted in."""
    if not keep:
        response.delete_cookie(COMMENTER_COOKIE)
        return
    value = _signer("parley-commenter").dumps({"name": name, "email": email, "website": website})
    response.set_cookie(COMMENTER_COOKIE, value, max_age=YEAR, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])


def form_stamp() -> str:
    """A signed note of when the comment form was shown (one per request)."""
    if "form_stamp" not in g:
        g.form_stamp = _timed_signer().dumps("comment-form")
    return g.form_stamp


def renewed_stamp(now: datetime, credit_seconds: float) -> str:
    """A stamp for a form shown again because its stamp had expired, dated `credit_seconds`
    back: its author has been at it all along, and sending it again at once is no bot's speed.
    """
    return _timed_signer(at=now.timestamp() - credit_seconds).dumps("comment-form")


def seconds_since_shown(stamp: str, now: datetime) -> float:
    """Seconds between showing the form and its submission; 0 for a missing or forged stamp.

    An old stamp still reads: the comment rules decide how old is too old (a day).
    """
    try:
        _, shown = _timed_signer().loads(stamp, return_timestamp=True)
    except BadSignature:
        return 0.0
    return max((now - shown).total_seconds(), 0.0)


class _DatedSigner(TimestampSigner):
    """A timestamp signer that signs with a given time instead of the clock's."""

    def __init__(self, *args, at: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.at = at

    def get_timestamp(self) -> int:
        return int(self.at)


def _timed_signer(at: float | None = None) -> URLSafeTimedSerializer:
    options = {} if at is None else {"signer": _DatedSigner, "signer_kwargs": {"at": at}}
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="parley-form-stamp",
                                  **options)


_stamp_serializers: dict[str, URLSafeTimedSerializer] = {}
_last_stamp: tuple[str, int, str] = ("", 0, "")


def stamp_for(secret_key: str) -> str:
    """A stamp made without a request, for a page the page cache serves. Stamps count whole
    seconds and say nothing of the reader, so one is made per second and shared."""
    global _last_stamp
    now = int(time.time())
    key, second, stamp = _last_stamp
    if key == secret_key and second == now:
        return stamp
    serializer = _stamp_serializers.get(secret_key)
    if serializer is None:
        serializer = _stamp_serializers[secret_key] = URLSafeTimedSerializer(
            secret_key, salt="parley-form-stamp")
    stamp = serializer.dumps("comment-form")
    _last_stamp = (secret_key, now, stamp)
    return stamp


register_slot(b"\x00slot:stamp\x00", lambda: g.get("form_stamp"),
              lambda reader: stamp_for(reader.secret_key))


# A returning commenter's page is an anonymous one with their saved details in the form: the
# page cache keeps it once for all of them, with these slots, and fills them from the cookie.
DETAILS = ("name", "email", "website")
DETAIL_MARKERS = {name: f"\x00slot:saved-{name}\x00" for name in DETAILS}
_details_serializers: dict[str, URLSafeSerializer] = {}


def details_from_cookie(secret_key: str, value: str) -> dict | None:
    """A `parley_commenter` cookie's saved details, read without a request (None if forged)."""
    serializer = _details_serializers.get(secret_key)
    if serializer is None:
        serializer = _details_serializers[secret_key] = URLSafeSerializer(
            secret_key, salt="parley-commenter")
    try:
        details = serializer.loads(value)
    except BadSignature:
        return None
    if not isinstance(details, dict):
        return None
    return {name: str(details.get(name, "")) for name in DETAILS} if details else None


def _detail_slot(name: str):
    return lambda reader: str(escape(reader.data.get(name, "")))


register_variant("commenter", COMMENTER_COOKIE, details_from_cookie)
for _name in DETAILS:
    register_slot(DETAIL_MARKERS[_name].encode(), lambda: None, _detail_slot(_name))
