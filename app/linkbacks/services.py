"""The one receive pipeline for pingbacks, trackbacks and webmentions.

validate the target -> refuse duplicates -> fetch the source safely -> verify it links to the
target -> read title, site name, excerpt and microformats -> moderation.policy.decide (the
comment rules, without "previously approved": a linkback cannot prove who sent it) -> store
-> notify. The protocol modules call `receive` (pingback, trackback) or `accept_webmention` and
`process_webmention` (webmention, verified on the task queue), and turn the domain errors
below into their own wire forms. Nothing here knows about XML-RPC, forms or HTTP status codes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from urllib.parse import urlsplit, urlunsplit

from flask import current_app
from markupsafe import escape
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from app.blog import services as blog
from app.comments import closing
from app.core import fetch, ratelimit
from app.core.sanitize import clean_comment_html, clean_excerpt
from app.core.text import clean_line
from app.core.urls import BadUrl, clean_url, url_or_empty
from app.extensions import db
from app.linkbacks import source as source_page
from app.models import (
    Article,
    Response,
    ResponseKind,
    ResponseStatus,
    WebmentionRequest,
)
from app.models.types import utcnow
from app.moderation import notifications
from app.moderation import services as moderation
from app.moderation import settings as site_settings
from app.moderation.policy import Decision, History, Submission, decide
from app.moderation.settings import UnverifiedTrackbacks
from app.moderation.spam import store as spam_store

ARTICLE_ENDPOINTS = {"blog.article", "blog.imported_permalink"}
# What a stranger is told when the source could not be read, whatever the reason: a refused
# private address, a closed port and a missing page all read the same, so that the endpoint
# tells a scanner nothing about what is behind it.
UNREADABLE = "The source URL could not be fetched, or it does not exist."


class LinkbackError(Exception):
    """A linkback is refused; `message` is safe to send back to whoever sent it."""

    default = "The linkback was refused."

    def __init__(self, message: str | None = None):
        self.message = message or self.default
        super().__init__(self.message)


class BadRequest(LinkbackError):
    default = "The request is not a linkback this site can take."


class SourceNotFound(LinkbackError):
    default = UNREADABLE


class NoLink(LinkbackError):
    default = "The source does not link to the target."


class TargetNotFound(LinkbackError):
    default = "The target is not an article of this site."


class TargetNotUsable(LinkbackError):
    default = "The target cannot take linkbacks."


class AlreadyRegistered(LinkbackError):
    default = "This linkback is already registered."


class AccessDenied(LinkbackError):
    default = "Access denied."


class UpstreamError(LinkbackError):
    default = "The source's server did not answer in time or answered with an error."


class Throttled(LinkbackError):
    default = "Too many linkbacks; try again later."

    def __init__(self, retry_after: int, message: str | None = None):
        super().__init__(message)
        self.retry_after = max(int(retry_after), 1)


@dataclass(frozen=True)
class Incoming:
    """A linkback as it arrived, before anything was checked."""

    kind: ResponseKind
    source: str
    target: str
    client_ip: str = ""
    user_agent: str = ""
    # What a trackback says about itself (the others say nothing).
    title: str = ""
    excerpt: str = ""
    blog_name: str = ""


@dataclass(frozen=True)
class Target:
    article: Article
    url: str  # the target as given, cleaned
    parent_id: int | None = None  # a response the target's fragment names (#comment-12)


# Checks that need no fetch.

def clean_source(raw: str) -> str:
    try:
        return clean_url(raw, assume_http=False)
    except BadUrl as error:
        raise SourceNotFound(f"The source is not a web address: {error}") from None


def resolve_target(raw: str) -> Target:
    """Find the live article a target URL names on this site; raise TargetNotFound when
    nothing is there and TargetNotUsable when it is another kind of page or takes no pings."""
    try:
        url = clean_url(raw, assume_http=False)
    except BadUrl as error:
        raise TargetNotFound(f"The target is not a web address: {error}") from None
    parts = urlsplit(url)
    if not is_this_site(url):
        raise TargetNotUsable("The target is not on this site.")
    article = _article_at(parts)
    if article is None:
        _explain_missing(parts)
    close_after = site_settings.load().close_after_days
    openness = closing.pings(article, close_after, utcnow())
    if not openness.open:
        # "closed" in the message: getPingbacks still lists the pingbacks already there.
        raise TargetNotUsable(closing.refusal(openness, close_after, "Linkbacks"))
    return Target(article=article, url=url, parent_id=_response_in_fragment(parts.fragment))


def is_this_site(url: str) -> bool:
    """Whether an address is on this site: one of its host names, on SITE_URL's port (http
    and https on their default ports count as the same site)."""
    parts, site = urlsplit(url), urlsplit(current_app.config["SITE_URL"])
    hosts = set(current_app.config.get("TRUSTED_HOSTS") or [site.hostname])
    try:
        port = parts.port
    except ValueError:
        return False
    default = (80, 443, None)
    same_port = port == site.port or (port in default and site.port in default)
    return (parts.hostname or "").lower() in hosts and same_port


def _article_at(parts) -> Article | None:
    if parts.path in ("", "/") and parts.query.startswith("p="):
        try:
            return blog.article_by_wordpress_id(int(parts.query[2:].split("&")[0]))
        except ValueError:
            return None
    path = parts.path or "/"
    found = blog.article_by_path(path)
    if found is None and not path.endswith("/"):
        found = blog.article_by_path(path + "/")
    return found


def _explain_missing(parts) -> None:
    """Raise the right error for a target that is no live article: is it another page?"""
    adapter = current_app.url_map.bind(parts.hostname or "localhost")
    try:
        endpoint, _ = adapter.match(parts.path or "/", method="GET")
    except RequestRedirect as redirect:
        endpoint, _ = adapter.match(urlsplit(redirect.new_url).path, method="GET")
    except (NotFound, MethodNotAllowed):
        raise TargetNotFound() from None
    if endpoint in ARTICLE_ENDPOINTS:
        raise TargetNotFound()
    raise TargetNotUsable("The target is a page of this site, not an article.")


def _response_in_fragment(fragment: str) -> int | None:
    prefix = "comment-"
    if fragment.startswith(prefix) and fragment[len(prefix):].isdigit():
        return int(fragment[len(prefix):])
    return None


def same_page(source: str, target: str) -> bool:
    def key(url):
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"),
                           parts.query, ""))
    return key(source) == key(target)


def _throttle(key: str, limit_name: str) -> None:
    """Count one event against an abuse limit (when rate limits are on); raise Throttled."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    limit = current_app.config[limit_name]
    if not ratelimit.hit(key, limit):
        raise Throttled(ratelimit.retry_after(key, limit))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def check(incoming: Incoming) -> tuple[str, Target]:
    """The checks every linkback passes before its source is fetched; return the cleaned
    source and the target. Raise a LinkbackError; nothing is stored."""
    _throttle(f"linkback:client:{incoming.client_ip}", "LINKBACK_CLIENT_LIMIT")
    source = clean_source(incoming.source)
    target = resolve_target(incoming.target)
    if same_page(source, target.url):
        raise BadRequest("The source and the target are the same page.")
    # A blog that links to an article sends a pingback and a trackback for it; each kind
    # is registered once per source.
    if incoming.kind is not ResponseKind.WEBMENTION and \
            existing(target.article, source, incoming.kind):
        raise AlreadyRegistered(f"A {incoming.kind.value} from {source} is already registered "
                                "on this article.")
    pair = _digest(incoming.kind.value, source, target.article.path or "")
    _throttle(f"linkback:pair:{pair}", "LINKBACK_PAIR_LIMIT")
    return source, target


def existing(article: Article, source: str, kind: ResponseKind) -> Response | None:
    """The linkback of this kind already stored from this source on this article, if any."""
    return db.session.scalars(
        select(Response).where(Response.article_id == article.id,
                               Response.source_url == source, Response.kind == kind)
        .order_by(Response.id).limit(1)).first()


# Reading the source.

def targets_for(target: Target) -> list[str]:
    """Every URL that counts as a link to the target: the permalink (on SITE_URL) and the
    target as given (another of the site's host names, or a response's #comment-N)."""
    permalink = current_app.config["SITE_URL"] + (target.article.path or "/")
    forms = [permalink, target.url]
    if target.article.wp_post_id:
        forms.append(f"{current_app.config['SITE_URL']}/?p={target.article.wp_post_id}")
    return list(dict.fromkeys(forms))


def fetch_source(source: str, kind: ResponseKind) -> fetch.Fetched:
    """Fetch the source within the limits; raise SourceNotFound or UpstreamError."""
    host = (urlsplit(source).hostname or "").lower()
    _throttle(f"linkback:host:{host}", "LINKBACK_SOURCE_HOST_LIMIT")
    accept = fetch.TEXT if kind is ResponseKind.TRACKBACK else fetch.HTML
    try:
        fetched = fetch.fetch(source, accept=accept)
    except fetch.TimedOut:
        raise UpstreamError() from None
    except fetch.Unsupported:
        raise NoLink("The source is not a web page, so it cannot link to the target.") from None
    except fetch.FetchError as error:
        current_app.logger.info("linkback source %s not fetched: %s", source, error)
        raise SourceNotFound() from None
    if fetched.status >= 500:
        raise UpstreamError()
    return fetched


def read(fetched: fetch.Fetched, source: str, target: Target) -> source_page.SourcePage:
    plain = fetched.content_type not in fetch.HTML
    return source_page.read_source(fetched.text, fetched.url or source, targets_for(target),
                                   plain_text=plain)


# Storing.

def _label_title(page: source_page.SourcePage, incoming: Incoming, source: str) -> str:
    title = incoming.title or page.title or page.author_name
    return clean_line(title)[:300] or (urlsplit(source).hostname or source)[:300]


def _fields(incoming: Incoming, source: str, page: source_page.SourcePage) -> dict:
    """The response's columns from what the source (and a trackback's form) said."""
    title = _label_title(page, incoming, source)
    site = clean_line(incoming.blog_name or page.site_name)[:200]
    webmention = incoming.kind is ResponseKind.WEBMENTION
    if webmention and page.mention_type == "reply" and page.content_html.strip():
        body_source = unescape(clean_excerpt(page.content_text or page.content_html))[:5000]
        body_html = clean_comment_html(page.content_html)
    else:
        text = incoming.excerpt or page.excerpt
        # Plain text (an excerpt a trackback sends may carry markup), escaped once to show.
        body_source = source_page.shorten(unescape(clean_excerpt(text)), 300)
        body_html = str(escape(body_source))
    fields = {
        "source_title": title, "source_site": site, "body_source": body_source,
        "body_html": body_html, "author_name": title[:200], "author_url": source,
        "author_photo": "", "mention_type": "", "source_published_at": page.published,
    }
    if webmention:  # a webmention's microformats say who wrote it and what it is
        fields.update(author_name=clean_line(page.author_name)[:200] or title[:200],
                      author_url=url_or_empty(page.author_url) or source,
                      author_photo=url_or_empty(page.author_photo),
                      mention_type=page.mention_type)
    fields["content_hash"] = _digest(*(str(fields[k]) for k in sorted(fields)))
    return fields


def _decide(response: Response, kind: ResponseKind, fields: dict, source: str,
            incoming: Incoming) -> Decision:
    """Decide a linkback (and keep on it what the spam model said)."""
    settings = site_settings.load()
    submission = Submission(kind=kind, body=fields["body_source"],
                            name=fields["source_title"], website=source,
                            ip=incoming.client_ip, user_agent=incoming.user_agent)
    spam = spam_store.score_submission(submission, settings)
    spam_store.remember(response, spam, settings)
    # History(): nothing is "previously approved" about a linkback; it proves no identity.
    return decide(submission, History(), settings, spam)


def _parent(target: Target, page: source_page.SourcePage) -> Response | None:
    """The response a webmention replies to: the target's #comment-N, or an in-reply-to."""
    ids = [target.parent_id] if target.parent_id else []
    for url in page.in_reply_to:
        parts = urlsplit(url)
        if _response_in_fragment(parts.fragment) and \
                parts.path.rstrip("/") == (target.article.path or "").rstrip("/"):
            ids.append(_response_in_fragment(parts.fragment))
    for response_id in ids:
        parent = db.session.get(Response, response_id)
        if parent is not None and parent.article_id == target.article.id \
                and parent.status is ResponseStatus.APPROVED:
            return parent
    return None


def store(incoming: Incoming, source: str, target: Target, page: source_page.SourcePage,
          now: datetime, decision: Decision | None = None) -> Response:
    """Store a new linkback response, moderated, and tell whoever should know."""
    fields = _fields(incoming, source, page)
    response = Response(
        article=target.article, kind=incoming.kind, source_url=source,
        author_ip=incoming.client_ip, user_agent=incoming.user_agent[:500], created_at=now,
        status_changed_at=now, **fields)
    decision = decision or _decide(response, incoming.kind, fields, source, incoming)
    response.status = decision.status
    response.moderation_reason = decision.reason
    response.approved_at = now if decision.status is ResponseStatus.APPROVED else None
    db.session.add(response)
    db.session.flush()
    settings = site_settings.load()
    response.place_under(_parent(target, page) if incoming.kind is ResponseKind.WEBMENTION
                         else None, settings.thread_depth)
    moderation.record(response, None, moderation.A.SUBMIT, None, now, via=moderation.Via.RULE)
    if response.status is ResponseStatus.APPROVED:
        notifications.response_approved(response)
    elif response.status is ResponseStatus.PENDING:
        notifications.response_held(response)
    return response


def receive(incoming: Incoming, now: datetime | None = None) -> Response:
    """Check, verify and store a pingback or trackback at once; raise a LinkbackError.

    The caller commits. A trackback whose page does not link back is kept as spam ("no link
    back"), or refused when the moderators chose so."""
    now = now or utcnow()
    source, target = check(incoming)
    fetched = fetch_source(source, incoming.kind)
    if fetched.status >= 400:
        raise SourceNotFound()
    page = read(fetched, source, target)
    if page.links_to_target:
        return store(incoming, source, target, page, now)
    if incoming.kind is ResponseKind.TRACKBACK and \
            site_settings.load().unverified_trackbacks is not UnverifiedTrackbacks.REFUSE:
        return store(incoming, source, target, page, now,
                     Decision(ResponseStatus.SPAM, "spam: no link back"))
    raise NoLink()


# Webmentions: checked at once, verified on the task queue.

def accept_webmention(incoming: Incoming, now: datetime | None = None) -> WebmentionRequest:
    """Run the synchronous checks and queue the verification; the caller commits.

    Raise a LinkbackError for what the sender must hear now (400 or 429)."""
    now = now or utcnow()
    source, target = check(incoming)
    request = WebmentionRequest(
        token=secrets.token_urlsafe(24), source=source, target=target.url,
        article=target.article, state="pending", client_ip=incoming.client_ip,
        created_at=now, updated_at=now)
    db.session.add(request)
    db.session.flush()
    from app.linkbacks import jobs
    from app.tasks import after_commit

    after_commit(jobs.verify_webmention, request.id, incoming.user_agent[:500])
    return request


def process_webmention(request_id: int, user_agent: str = "",
                       now: datetime | None = None) -> WebmentionRequest | None:
    """Verify a queued webmention: store a new response, update a changed one, remove one
    whose source is gone or no longer links, or reject it. The caller commits."""
    now = now or utcnow()
    request = db.session.get(WebmentionRequest, request_id)
    if request is None or request.state != "pending":
        return request
    incoming = Incoming(kind=ResponseKind.WEBMENTION, source=request.source,
                        target=request.target, client_ip=request.client_ip,
                        user_agent=user_agent)
    try:
        target = resolve_target(request.target)
        previous = existing(target.article, request.source, ResponseKind.WEBMENTION)
        fetched = fetch_source(request.source, ResponseKind.WEBMENTION)
        if fetched.status == 410 or (fetched.status >= 400 and previous is not None):
            _finish(request, "removed" if previous else "rejected",
                    "The source is gone." if fetched.status == 410 else UNREADABLE, now)
            _remove(previous, "its source is gone", now)
            return request
        if fetched.status >= 400:
            raise SourceNotFound()
        page = read(fetched, request.source, target)
        if not page.links_to_target:
            _remove(previous, "its source no longer links here", now)
            _finish(request, "removed" if previous else "rejected",
                    NoLink.default, now)
            return request
        if previous is None:
            response = store(incoming, request.source, target, page, now)
            reason = ("Accepted; it will show once a moderator approves it."
                      if response.status is ResponseStatus.PENDING else "Accepted.")
        else:
            before = previous.content_hash
            response = _update(previous, incoming, page, now)
            reason = ("Accepted; the stored mention was updated."
                      if response.content_hash != before else "Accepted; nothing changed.")
        request.response_id = response.id
        _finish(request, "accepted", reason, now)
    except LinkbackError as error:
        _finish(request, "rejected", error.message, now)
    return request


def _update(response: Response, incoming: Incoming, page: source_page.SourcePage,
            now: datetime) -> Response:
    """Refresh a stored webmention from its source; moderate it again only if it changed."""
    fields = _fields(incoming, response.source_url, page)
    if fields["content_hash"] == response.content_hash:
        return response
    before = response.status
    for name, value in fields.items():
        setattr(response, name, value)
    response.edited_at = now
    if response.status in (ResponseStatus.APPROVED, ResponseStatus.PENDING):
        decision = _decide(response, ResponseKind.WEBMENTION, fields, response.source_url,
                           incoming)
        if decision.status is not response.status:
            moderation.set_status(response, decision.status, now, decision.reason)
            response.approved_at = now if decision.status is ResponseStatus.APPROVED else None
        response.moderation_reason = decision.reason
    moderation.record(response, None, moderation.A.UPDATE, before, now,
                      via=moderation.Via.SOURCE)
    if response.status is ResponseStatus.PENDING and before is not ResponseStatus.PENDING:
        notifications.response_held(response)
    return response


def _remove(response: Response | None, why: str, now: datetime) -> None:
    """Delete a stored webmention whose source took it back (the audit log keeps a row)."""
    if response is None:
        return
    response.moderation_reason = f"deleted: {why}"
    moderation.record(response, None, moderation.A.DELETE, response.status, now,
                      via=moderation.Via.SOURCE, gone=True)
    db.session.flush()
    db.session.delete(response)


def _finish(request: WebmentionRequest, state: str, reason: str, now: datetime) -> None:
    request.state = state
    request.reason = reason[:300]
    request.updated_at = now


def webmention_request(token: str) -> WebmentionRequest | None:
    return db.session.scalars(
        select(WebmentionRequest).where(WebmentionRequest.token == token)).first()


# Pingback's extension: the pingbacks an article has.

def pingbacks_of(url: str) -> list[str]:
    """Source URLs of the pingbacks registered on the article at `url` (not spam or trash)."""
    try:
        article = resolve_target(url).article
    except TargetNotUsable as error:
        # Closed pings do not hide the pingbacks already there.
        if "closed" not in error.message:
            raise
        parts = urlsplit(clean_url(url, assume_http=False))
        article = _article_at(parts)
    return list(db.session.scalars(
        select(Response.source_url).where(
            Response.article_id == article.id, Response.kind == ResponseKind.PINGBACK,
            Response.status.in_((ResponseStatus.APPROVED, ResponseStatus.PENDING)))
        .order_by(Response.created_at, Response.id)))
