"""The outgoing side: tell the pages an article links to, and the TrackBack URLs its author
listed, that the article exists (or changed, or no longer links to them).

`plan` keeps one OutgoingLinkback row per link and says which need sending; the queued task
`send_article` runs it and attempts each row that is due; `attempt` discovers what the page
takes (webmention first, then pingback) and sends one notice, and the outcome is stored on the
row: sent with the receiver's answer, refused with its reason, failed and retried with back-off,
given up, or no endpoint. Every request goes through app/core/fetch.py, so private addresses
and the fetch limits apply as they do to receiving.

The task never waits on another site with a transaction open: on SQLite that would hold the
write lock (requests that change things begin IMMEDIATE) for as long as a slow site takes.
"""

from __future__ import annotations

import enum
import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from html import unescape
from http import HTTPStatus
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.core import fetch
from app.core.sanitize import strip_tags
from app.core.text import clean_line
from app.core.urls import MAX_URL_LENGTH, url_or_empty
from app.extensions import db
from app.linkbacks import discovery, pingback, services, trackback
from app.models import Article, ArticleStatus, OutgoingLinkback
from app.models.types import utcnow
from app.moderation import settings as site_settings
from app.tasks import after_commit, app_task
from app.templating import permalink

log = logging.getLogger(__name__)


class State(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    REFUSED = "refused"  # the receiver said no, or the address is not public: not retried
    FAILED = "failed"  # retried later
    GAVE_UP = "gave_up"
    NO_ENDPOINT = "no_endpoint"


LINK, TRACKBACK = "link", "trackback"  # OutgoingLinkback.via
WEBMENTION, PINGBACK = "webmention", "pingback"  # OutgoingLinkback.protocol (and "trackback")
# The wait after each failed attempt; the attempt after the last wait is the last one.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claimed row is not taken by another run of the task for this long (a crashed run's rows
# become due again after it).
CLAIM_LEASE = timedelta(minutes=10)
DETAIL_LIMIT = 300
EXCERPT_LIMIT = 250
NOT_PUBLIC = "address not public"
ALREADY_REGISTERED = pingback.ALREADY_REGISTERED
UPSTREAM_ERROR = pingback.UPSTREAM_ERROR


# --- which links an article has, and what to send to each -----------------------------------

@dataclass(frozen=True)
class Link:
    url: str
    via: str
    context_hash: str


def _fingerprint(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def listed_trackbacks(article: Article) -> list[str]:
    """The TrackBack URLs the author listed, as stored (one per line)."""
    urls = [url_or_empty(line) for line in (article.trackback_urls or "").splitlines()]
    return list(dict.fromkeys(url for url in urls if url))


def article_links(article: Article) -> list[Link]:
    """The links of the article's text that go to other sites, then its TrackBack URLs."""
    source = permalink(article, external=True)
    links: dict[str, Link] = {}
    for url, context in discovery.outbound_links(article.body_html or "", source):
        if not services.is_this_site(url) and len(url) <= MAX_URL_LENGTH and url not in links:
            links[url] = Link(url, LINK, _fingerprint(context))
    return [*links.values(),
            *(Link(url, TRACKBACK, _fingerprint(url)) for url in listed_trackbacks(article))]


def _requeue(row: OutgoingLinkback, now: datetime) -> None:
    row.state = State.QUEUED
    row.attempts = 0
    row.next_attempt_at = now
    row.answer_status = None
    row.detail = ""


def _keep(row: OutgoingLinkback, link: Link, now: datetime) -> None:
    """A link still (or again) in the article: re-send when its text changed or it came back.

    A pingback already sent is left alone: pingback has no update, and a second ping is
    refused as already registered."""
    returned, changed = not row.in_article, row.context_hash != link.context_hash
    row.in_article, row.context_hash = True, link.context_hash
    if link.via == TRACKBACK:
        if returned:  # listed again after being removed: ping again
            _requeue(row, now)
        return
    if not (returned or changed):
        return
    if row.protocol == PINGBACK and row.state == State.SENT:
        return
    _requeue(row, now)


def _drop(row: OutgoingLinkback, now: datetime) -> None:
    """A link gone from the article: a receiver that took a webmention is told once more, so
    it finds no link and deletes what it shows; pingback and TrackBack cannot say so."""
    row.in_article = False
    if row.protocol == WEBMENTION and row.state == State.SENT:
        _requeue(row, now)


def plan(article: Article, now: datetime) -> list[OutgoingLinkback]:
    """Bring the article's OutgoingLinkback rows in line with its links; return them all.

    A new link is queued, a changed or returning one queued again, a removed one marked
    (and queued once more if a webmention had been sent for it). The caller commits."""
    rows = {(row.target_url, row.via): row for row in db.session.scalars(
        select(OutgoingLinkback).where(OutgoingLinkback.article_id == article.id))}
    wanted = {(link.url, link.via): link for link in article_links(article)}
    for key, link in wanted.items():
        row = rows.get(key)
        if row is None:
            row = OutgoingLinkback(
                article_id=article.id, target_url=link.url, via=link.via,
                protocol=TRACKBACK if link.via == TRACKBACK else "",
                endpoint=link.url if link.via == TRACKBACK else "",
                context_hash=link.context_hash, in_article=True)
            _requeue(row, now)
            db.session.add(row)
            rows[key] = row
        else:
            _keep(row, link, now)
    for key, row in rows.items():
        if key not in wanted and row.in_article:
            _drop(row, now)
    db.session.flush()
    return sorted(rows.values(), key=lambda row: row.id)


def _due_clause(now: datetime):
    table = OutgoingLinkback
    return (table.state.in_((State.QUEUED.value, State.FAILED.value))
            & or_(table.next_attempt_at.is_(None), table.next_attempt_at <= now)
            & or_(table.in_article.is_(True), table.protocol == WEBMENTION))


def is_due(row: OutgoingLinkback, now: datetime) -> bool:
    """Whether the row waits to be sent now (the same rule as `_due_clause`)."""
    return (row.state in (State.QUEUED, State.FAILED)
            and (row.next_attempt_at is None or row.next_attempt_at <= now)
            and (row.in_article or row.protocol == WEBMENTION))


# --- queueing ---------------------------------------------------------------------------------

def queue_for(article: Article, now: datetime | None = None) -> None:
    """Send the article's linkbacks once the current transaction commits: now if it is live,
    at its publication time if it is scheduled; nothing for a draft or with the setting off.

    (Whether the article takes pings itself is about receiving, and plays no part here.)"""
    now = now or utcnow()
    if article.status is ArticleStatus.DRAFT or article.published_at is None:
        return
    if not site_settings.load().send_linkbacks:
        return
    if article.published_at <= now:
        after_commit(send_article, article.id)
    else:
        after_commit(send_article.schedule, args=(article.id,), eta=article.published_at)


def _sending_allowed(article: Article | None, now: datetime) -> bool:
    return (article is not None and article.is_live(now)
            and site_settings.load().send_linkbacks)


@app_task()
def send_article(article_id: int) -> None:
    """The queued task: plan the article's linkbacks, then attempt each one due."""
    now = utcnow()
    article = db.session.get(Article, article_id)
    if not _sending_allowed(article, now):
        return
    try:
        due = [row.id for row in plan(article, now) if is_due(row, now)]
        db.session.commit()
    except IntegrityError:  # another run of this task planned the same new links first
        db.session.rollback()
        return
    for row_id in due:
        _attempt_once(row_id)


@app_task()
def retry_row(row_id: int) -> None:
    """The queued retry of one failed linkback, once its back-off has passed."""
    row = db.session.get(OutgoingLinkback, row_id)
    if row is None or not _sending_allowed(row.article, utcnow()):
        return
    db.session.commit()
    _attempt_once(row_id)


def _claim(row_id: int, now: datetime) -> bool:
    """Take the row for this run if it is still due (no other run sends it twice)."""
    result = db.session.execute(
        update(OutgoingLinkback).where(OutgoingLinkback.id == row_id, _due_clause(now))
        .values(next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _attempt_once(row_id: int) -> None:
    """Claim, send and record one row, with no transaction open while the network is used."""
    if not _claim(row_id, utcnow()):
        return
    row = db.session.get(OutgoingLinkback, row_id)
    delivery = Delivery.of(row)
    db.session.commit()
    outcome = deliver(delivery)
    row = db.session.get(OutgoingLinkback, row_id)
    if row is not None:
        record(row, outcome, utcnow())
        db.session.commit()


# --- one attempt ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    """What one attempt needs, read from the row before the network is used."""

    target: str
    via: str
    in_article: bool
    source: str
    title: str
    excerpt: str
    blog_name: str

    @classmethod
    def of(cls, row: OutgoingLinkback) -> Delivery:
        article = row.article
        return cls(target=row.target_url, via=row.via, in_article=row.in_article,
                   source=permalink(article, external=True),
                   title=article.title, excerpt=_shorten(article.summary or "", EXCERPT_LIMIT),
                   blog_name=current_app.config["SITE_NAME"])


@dataclass(frozen=True)
class Outcome:
    state: State
    protocol: str = ""
    endpoint: str = ""
    status: int | None = None
    detail: str = ""


def attempt(row: OutgoingLinkback, now: datetime) -> None:
    """Send the row's linkback now and record the outcome on it; the caller commits.

    Whatever transaction is open stays open while it waits on the network: the task uses
    `_attempt_once`, which has none open."""
    record(row, deliver(Delivery.of(row)), now)


def deliver(delivery: Delivery) -> Outcome:
    """Send one linkback and say how it went; never raises for what another site does."""
    try:
        if delivery.via == TRACKBACK:
            return _send_trackback(delivery)
        return _send_to_link(delivery)
    except Exception:  # noqa: BLE001 - one odd answer must not stop the other links
        log.exception("sending a linkback to %s failed", delivery.target)
        return Outcome(State.FAILED, detail="an unexpected error (see the log)")


def record(row: OutgoingLinkback, outcome: Outcome, now: datetime) -> None:
    """Store an outcome; a failure is retried after its back-off, until the last attempt."""
    row.protocol = outcome.protocol or (TRACKBACK if row.via == TRACKBACK else "")
    row.endpoint = outcome.endpoint[:MAX_URL_LENGTH]
    row.answer_status = outcome.status
    row.detail = _bounded(outcome.detail)
    row.last_attempt_at = now
    row.attempts = (row.attempts or 0) + 1
    row.next_attempt_at = None
    if outcome.state is not State.FAILED:
        row.state = outcome.state
    elif row.attempts >= MAX_ATTEMPTS:
        row.state = State.GAVE_UP
    else:
        delay = RETRY_DELAYS[row.attempts - 1]
        row.state = State.FAILED
        row.next_attempt_at = now + delay
        after_commit(retry_row.schedule, args=(row.id,), delay=int(delay.total_seconds()))


def _send_to_link(delivery: Delivery) -> Outcome:
    """Discover the page's endpoint (webmention, else pingback) and notify it."""
    try:
        page = fetch.fetch(delivery.target, accept=None, use_cache=False)
    except fetch.FetchError as error:
        return _fetch_failed(error)
    if page.status >= 500:
        return Outcome(State.FAILED, status=page.status,
                       detail=f"the page answered {_phrase(page.status)}")
    html = page.text if page.content_type in fetch.HTML else None
    endpoint = discovery.webmention_endpoint(page.url, page.header_values("Link"), html)
    if endpoint:
        form = urlencode({"source": delivery.source, "target": delivery.target})
        return _post(WEBMENTION, endpoint, form.encode("ascii"),
                     "application/x-www-form-urlencoded", _read_webmention)
    server = discovery.pingback_server(page.header("X-Pingback"), html, page.url)
    if server and delivery.in_article:  # a removed link is only worth a webmention
        return _post(PINGBACK, server, pingback.build_call(delivery.source, delivery.target),
                     "text/xml", _read_pingback)
    return Outcome(State.NO_ENDPOINT)


def _send_trackback(delivery: Delivery) -> Outcome:
    body = trackback.build_ping(delivery.source, delivery.title, delivery.excerpt,
                                delivery.blog_name)
    return _post(TRACKBACK, delivery.target, body,
                 "application/x-www-form-urlencoded; charset=utf-8", _read_trackback)


def _post(protocol: str, endpoint: str, body: bytes, content_type: str, read) -> Outcome:
    try:
        answer = fetch.fetch(endpoint, method="POST", data=body,
                             headers={"Content-Type": content_type}, accept=None,
                             use_cache=False)
        outcome = read(answer)
    except fetch.FetchError as error:
        outcome = _fetch_failed(error)
    return replace(outcome, protocol=protocol, endpoint=endpoint)


def _fetch_failed(error: fetch.FetchError) -> Outcome:
    if isinstance(error, fetch.Refused):
        return Outcome(State.REFUSED, detail=NOT_PUBLIC)
    words = {fetch.Unreachable: "the site could not be reached",
             fetch.TimedOut: "the site took too long to answer",
             fetch.TooManyRedirects: "too many redirects",
             fetch.Unsupported: "the answer was of a type that is not read"}
    reason = next((text for kind, text in words.items() if isinstance(error, kind)),
                  "the request failed")
    return Outcome(State.FAILED, detail=reason)


def _retry_later(status: int) -> bool:
    return status >= 500 or status in (408, 429)


def _read_webmention(answer: fetch.Fetched) -> Outcome:
    status = answer.status
    if 200 <= status < 300:
        location = answer.header("Location")
        detail = _phrase(status) + (f"; status page {location}" if location else "")
        return Outcome(State.SENT, status=status, detail=detail)
    if _retry_later(status):
        return Outcome(State.FAILED, status=status, detail=_phrase(status))
    if 400 <= status < 500:
        return Outcome(State.REFUSED, status=status,
                       detail=_first_line(answer) or _phrase(status))
    return Outcome(State.REFUSED, status=status,
                   detail=f"the endpoint answered {_phrase(status)}")


def _read_pingback(answer: fetch.Fetched) -> Outcome:
    status = answer.status
    try:
        message = pingback.parse_response(answer.body)
    except pingback.RemoteFault as fault:
        words = f"fault {fault.code}: {fault.message}"
        if fault.code == ALREADY_REGISTERED:
            return Outcome(State.SENT, status=status, detail=words)
        if fault.code == UPSTREAM_ERROR:  # the receiver could not reach us: worth a retry
            return Outcome(State.FAILED, status=status, detail=words)
        return Outcome(State.REFUSED, status=status, detail=words)
    except ValueError:
        if 400 <= status < 500 and not _retry_later(status):
            return Outcome(State.REFUSED, status=status, detail=_phrase(status))
        return Outcome(State.FAILED, status=status,
                       detail=f"the answer ({_phrase(status)}) was not XML-RPC")
    return Outcome(State.SENT, status=status, detail=message or "an empty success")


def _read_trackback(answer: fetch.Fetched) -> Outcome:
    status = answer.status
    if _retry_later(status):
        return Outcome(State.FAILED, status=status, detail=_phrase(status))
    try:
        ok, message = trackback.parse_response(answer.body)
    except ValueError:
        if 400 <= status < 500:
            return Outcome(State.REFUSED, status=status, detail=_phrase(status))
        return Outcome(State.FAILED, status=status,
                       detail=f"the answer ({_phrase(status)}) was not TrackBack's XML")
    if ok:
        return Outcome(State.SENT, status=status, detail=message or "no error")
    return Outcome(State.REFUSED, status=status, detail=message or "an error, with no message")


def _phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _first_line(answer: fetch.Fetched) -> str:
    """The first line of text of a receiver's answer (tags removed), for the author."""
    kind = answer.content_type
    if not (kind.startswith("text/") or kind in ("application/json", "application/xhtml+xml")):
        return ""
    text = answer.text
    if kind in fetch.HTML:
        text = unescape(strip_tags(text))
    line = next((clean_line(line) for line in text.splitlines() if clean_line(line)), "")
    return _bounded(line)


def _bounded(text: str, limit: int = DETAIL_LIMIT) -> str:
    text = clean_line(text or "")
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _shorten(text: str, limit: int) -> str:
    """Cut a text at a word boundary, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" .,;:…")
    return cut + " …"

