"""Write a WXR 1.2 file that WordPress's importer accepts: authors, tags, posts, responses."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, true
from sqlalchemy.orm import Session, selectinload

from app.core.text import slugify
from app.extensions import db
from app.models import (
    Article,
    ArticleStatus,
    BodyFormat,
    Response,
    ResponseKind,
    ResponseStatus,
    Tag,
    User,
)
from app.models.article import article_tags

STATUS = {ArticleStatus.PUBLISHED: "publish", ArticleStatus.SCHEDULED: "future",
          ArticleStatus.DRAFT: "draft"}
APPROVED = {ResponseStatus.APPROVED: "1", ResponseStatus.PENDING: "0",
            ResponseStatus.SPAM: "spam", ResponseStatus.TRASH: "trash"}
# A question is an ordinary comment to WordPress; its kind is in Parley's comment meta.
COMMENT_TYPE = {ResponseKind.COMMENT: "comment", ResponseKind.PINGBACK: "pingback",
                ResponseKind.TRACKBACK: "trackback", ResponseKind.WEBMENTION: "webmention",
                ResponseKind.QUESTION: "comment"}
# The item that holds the questions asked about no article: a post type WordPress does not
# know, so its importer skips it ("Invalid post type") and Parley's reads it back.
QUESTIONS_POST_TYPE = "parley_questions"


def cdata(text: str | None) -> str:
    """Wrap text in CDATA, splitting any "]]>" it holds so the section stays closed."""
    return "<![CDATA[" + (text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def as_html(text: str | None) -> str:
    """Parley's plain-text fields (titles, names, excerpts) as the HTML WordPress keeps them:
    "Tom & Jerry" is written "Tom &amp; Jerry", so that it reads back the same either way."""
    return html.escape(text or "", quote=False)


def _dates(value: datetime | None, zone: ZoneInfo) -> tuple[str, str]:
    if value is None:
        return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
    return (f"{value.astimezone(zone):%Y-%m-%d %H:%M:%S}",
            f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S}")


def _wp_post_id(article: Article) -> int:
    """Keep an imported post's WordPress id, so ?p= links and later imports still match."""
    return article.wp_post_id or article.id


EXPORT_BATCH = 100  # articles per batch: one query for them, one for their tags, one for
# their responses (read 500 rows at a time), whatever the size of the site
CHUNK_CHARS = 64 * 1024  # what a streamed download hands the server at a time


def export_wxr(out: TextIO, *, site_url: str, now: datetime,
               author_id: int | None = None) -> dict[str, int]:
    """Stream the whole site (or one author's articles) as WXR 1.2 into `out`; return what
    was written."""
    counts = _new_counts()
    for chunk in wxr_chunks(site_url=site_url, now=now, author_id=author_id, counts=counts):
        out.write(chunk)
    return counts


def _new_counts() -> dict[str, int]:
    return {"authors": 0, "tags": 0, "articles": 0, "responses": 0}


def wxr_chunks(*, site_url: str, now: datetime, author_id: int | None = None,
               counts: dict | None = None, config=None, session=None) -> Iterator[str]:
    """The export as text chunks of about CHUNK_CHARS, for a streamed download: memory stays
    bounded by one batch of articles, and the queries per batch stay constant. `config` and
    `session` default to the current app's."""
    config = config if config is not None else current_app.config
    session = session if session is not None else db.session
    zone = ZoneInfo(config["SITE_TIMEZONE"])
    parts: list[str] = []
    size = 0
    for part in _document(session, config, site_url, now, zone,
                          _new_counts() if counts is None else counts, author_id):
        parts.append(part)
        size += len(part)
        if size >= CHUNK_CHARS:
            yield "".join(parts)
            parts, size = [], 0
    if parts:
        yield "".join(parts)


def stream_export(*, now: datetime, author_id: int | None) -> Iterator[bytes]:
    """The export as UTF-8 chunks for a streamed response. It is read after the view has
    returned and its request has ended, so it reads through a database session of its own
    (on the app's engine), closed when the download ends or is cut off."""
    engine, config = db.engine, dict(current_app.config)

    def chunks() -> Iterator[bytes]:
        with Session(engine) as session:
            for chunk in wxr_chunks(site_url=config["SITE_URL"], now=now, author_id=author_id,
                                    config=config, session=session):
                yield chunk.encode()

    return chunks()


def export_filename(site_name: str, now: datetime, author: User | None = None) -> str:
    """What the download is called, as WordPress names its exports."""
    base = slugify(site_name) or "site"
    if author is not None:
        base += f".{author.slug}"
    return f"{base}.wordpress.{now:%Y-%m-%d}.xml"


def _document(session, config, site_url: str, now: datetime, zone: ZoneInfo, counts: dict,
              author_id: int | None = None) -> Iterator[str]:
    yield ('<?xml version="1.0" encoding="UTF-8" ?>\n'
           '<rss version="2.0"\n'
           '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
           '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
           '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
           '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
           '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n<channel>\n')
    yield (f"\t<title>{escape(config['SITE_NAME'])}</title>\n\t<link>{escape(site_url)}</link>\n"
           f"\t<description>{escape(config['SITE_TAGLINE'])}</description>\n"
           f"\t<pubDate>{now:%a, %d %b %Y %H:%M:%S +0000}</pubDate>\n"
           "\t<language>en</language>\n\t<wp:wxr_version>1.2</wp:wxr_version>\n"
           f"\t<wp:base_site_url>{escape(site_url)}</wp:base_site_url>\n"
           f"\t<wp:base_blog_url>{escape(site_url)}</wp:base_blog_url>\n")
    mine = Article.author_id == author_id if author_id is not None else true()
    authors = {}
    for user in session.scalars(select(User).where(
            User.id.in_(select(Article.author_id).where(mine))).order_by(User.id)):
        login = user.wp_login or user.slug
        authors[user.id] = login
        counts["authors"] += 1
        yield (f"\t<wp:author><wp:author_id>{user.id}</wp:author_id>"
               f"<wp:author_login>{cdata(login)}</wp:author_login>"
               f"<wp:author_email>{cdata(user.email)}</wp:author_email>"
               f"<wp:author_display_name>{cdata(as_html(user.name))}</wp:author_display_name>"
               f"<wp:author_first_name>{cdata('')}</wp:author_first_name>"
               f"<wp:author_last_name>{cdata('')}</wp:author_last_name></wp:author>\n")
    tags = select(Tag).order_by(Tag.id)
    if author_id is not None:
        tags = tags.where(Tag.id.in_(select(article_tags.c.tag_id).join(
            Article, Article.id == article_tags.c.article_id).where(mine)))
    for tag in session.scalars(tags):
        counts["tags"] += 1
        yield (f"\t<wp:tag><wp:term_id>{tag.id}</wp:term_id><wp:tag_slug>{cdata(tag.slug)}"
               f"</wp:tag_slug><wp:tag_name>{cdata(as_html(tag.name))}</wp:tag_name></wp:tag>\n")
    last_id = 0
    while True:
        batch = list(session.scalars(
            select(Article).options(selectinload(Article.tags))
            .where(mine, Article.id > last_id).order_by(Article.id).limit(EXPORT_BATCH)))
        if not batch:
            break
        last_id = batch[-1].id
        yield from _batch(session, batch, authors, site_url, zone, counts)
    if author_id is None:
        yield from _questions_item(session, site_url, now, zone, counts)
    yield "</channel>\n</rss>\n"


def _batch(session, batch: list[Article], authors: dict, site_url: str, zone: ZoneInfo,
           counts: dict) -> Iterator[str]:
    """A batch of items, their responses from one query read in article and thread order."""
    responses = iter(session.scalars(
        select(Response).where(Response.article_id.in_([a.id for a in batch]))
        .options(selectinload(Response.question_tags))
        .order_by(Response.article_id, Response.path).execution_options(yield_per=500)))
    pending = next(responses, None)
    for article in batch:
        counts["articles"] += 1
        yield from _item_head(article, authors, site_url, zone)
        while pending is not None and pending.article_id == article.id:
            counts["responses"] += 1
            yield _comment(pending, zone)
            pending = next(responses, None)
        yield "\t</item>\n"


def _item_head(article: Article, authors: dict, site_url: str,
               zone: ZoneInfo) -> Iterator[str]:
    local, gmt = _dates(article.published_at, zone)
    link = site_url.rstrip("/") + (article.path or f"/?p={_wp_post_id(article)}")
    guid = article.wp_guid or f"{site_url.rstrip('/')}/?p={article.id}"
    content = article.body_source if article.body_format is BodyFormat.HTML else article.body_html
    yield (f"\t<item>\n\t\t<title>{escape(as_html(article.title))}</title>\n"
           f"\t\t<link>{escape(link)}</link>\n"
           f"\t\t<pubDate>{article.published_at or article.created_at:%a, %d %b %Y %H:%M:%S +0000}"
           f"</pubDate>\n"
           f"\t\t<dc:creator>{cdata(authors.get(article.author_id, 'admin'))}</dc:creator>\n"
           f"\t\t<guid isPermaLink=\"false\">{escape(guid)}</guid>\n"
           f"\t\t<description></description>\n"
           f"\t\t<content:encoded>{cdata(content)}</content:encoded>\n"
           f"\t\t<excerpt:encoded>{cdata(as_html(article.excerpt))}</excerpt:encoded>\n"
           f"\t\t<wp:post_id>{_wp_post_id(article)}</wp:post_id>\n"
           f"\t\t<wp:post_date>{cdata(local)}</wp:post_date>\n"
           f"\t\t<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n"
           f"\t\t<wp:comment_status>{cdata('open' if article.comments_open else 'closed')}"
           f"</wp:comment_status>\n"
           f"\t\t<wp:ping_status>{cdata('open' if article.pings_open else 'closed')}"
           f"</wp:ping_status>\n"
           f"\t\t<wp:post_name>{cdata(article.slug)}</wp:post_name>\n"
           f"\t\t<wp:status>{cdata(STATUS[article.status])}</wp:status>\n"
           "\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n"
           "\t\t<wp:post_type>post</wp:post_type>\n\t\t<wp:post_password></wp:post_password>\n"
           "\t\t<wp:is_sticky>0</wp:is_sticky>\n")
    for tag in article.tags:
        yield (f"\t\t<category domain=\"post_tag\" nicename={quoteattr(tag.slug)}>"
               f"{cdata(as_html(tag.name))}</category>\n")


def _comments(session, where, zone: ZoneInfo, counts: dict) -> Iterator[str]:
    responses = session.scalars(select(Response).where(where)
                                   .options(selectinload(Response.question_tags))
                                   .order_by(Response.path).execution_options(yield_per=500))
    for response in responses:
        counts["responses"] += 1
        yield _comment(response, zone)


def _questions_item(session, site_url: str, now: datetime, zone: ZoneInfo,
                    counts: dict) -> Iterator[str]:
    """One private item of our own type for the questions asked about no article (and their
    answers), written only when there are some."""
    if session.scalar(select(Response.id).where(Response.article_id.is_(None)).limit(1)) \
            is None:
        return
    local, gmt = _dates(now, zone)
    page = escape(site_url.rstrip("/") + "/questions")
    yield (f"\t<item>\n\t\t<title>Questions</title>\n\t\t<link>{page}</link>\n"
           f"\t\t<pubDate>{now:%a, %d %b %Y %H:%M:%S +0000}</pubDate>\n"
           f"\t\t<guid isPermaLink=\"false\">{page}</guid>\n"
           f"\t\t<content:encoded>{cdata('')}</content:encoded>\n"
           "\t\t<wp:post_id>0</wp:post_id>\n"
           f"\t\t<wp:post_date>{cdata(local)}</wp:post_date>\n"
           f"\t\t<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n"
           f"\t\t<wp:post_name>{cdata('questions')}</wp:post_name>\n"
           f"\t\t<wp:status>{cdata('private')}</wp:status>\n"
           f"\t\t<wp:post_type>{QUESTIONS_POST_TYPE}</wp:post_type>\n")
    yield from _comments(session, Response.article_id.is_(None), zone, counts)
    yield "\t</item>\n"


def _linkback_content(response: Response) -> str:
    """A linkback's text as WordPress stores it: a pingback's excerpt framed in "[…]", a
    trackback's post title in <strong> before its excerpt, a webmention reply's own HTML."""
    if not response.shows_excerpt:
        return response.body_html
    excerpt = as_html(response.body_source)
    framed = f"[&#8230;] {excerpt} [&#8230;]" if excerpt else ""
    if response.kind is ResponseKind.TRACKBACK and response.source_title and response.source_site:
        return f"<strong>{as_html(response.source_title)}</strong>\n\n{framed}"
    return framed


def _linkback_author(response: Response) -> tuple[str, str]:
    """Who WordPress names as a linkback's author, and their address: a pingback's page
    title ("Post Title | Site"), a trackback's blog, a webmention's person."""
    if (response.kind is ResponseKind.TRACKBACK and response.source_title
            and response.source_site):
        return response.source_site, response.source_url
    if response.is_reply_mention or response.is_reaction:
        return response.display_name, response.author_url or response.source_url
    return response.source_label, response.source_url


def _linkback_meta(response: Response) -> dict[str, str]:
    """Comment meta that keeps what WordPress has no column for: Parley's title and site
    name apart, and what the Semantic Linkbacks plugin keeps for a webmention."""
    meta = {"parley_source_title": as_html(response.source_title),
            "parley_source_site": as_html(response.source_site)}
    if response.kind is ResponseKind.WEBMENTION:
        meta.update({"protocol": "webmention",
                     "semantic_linkbacks_type": response.mention_type or "mention",
                     "semantic_linkbacks_canonical": response.source_url})
        if response.author_photo:
            meta["semantic_linkbacks_avatar"] = response.author_photo
    return meta


def _question_meta(response: Response) -> dict[str, str]:
    """Comment meta that keeps a question (kind, title, tags, accepted answer, duplicate) and
    an answer's helpful count. Ids are the exported comment ids, which are Parley's ids."""
    meta: dict[str, str] = {}
    if response.kind is ResponseKind.QUESTION:
        meta = {"parley_kind": "question", "parley_title": as_html(response.title),
                "parley_tags": ", ".join(as_html(t.name) for t in response.question_tags)}
        if response.accepted_answer_id:
            meta["parley_accepted_answer"] = str(response.accepted_answer_id)
        if response.duplicate_of_id:
            meta["parley_duplicate_of"] = str(response.duplicate_of_id)
    elif response.helpful_count:
        meta["parley_helpful"] = str(response.helpful_count)
    return meta


def _comment(response: Response, zone: ZoneInfo) -> str:
    local, gmt = _dates(response.created_at, zone)
    meta: dict[str, str] = {}
    if response.is_linkback:
        name, url = _linkback_author(response)
        content, meta = _linkback_content(response), _linkback_meta(response)
    else:
        name, url = response.author_name, response.author_url
        content = response.body_source or response.body_html
        meta = _question_meta(response)
    return (f"\t\t<wp:comment>\n\t\t\t<wp:comment_id>{response.id}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{cdata(as_html(name))}</wp:comment_author>\n"
            f"\t\t\t<wp:comment_author_email>{cdata(response.author_email)}"
            f"</wp:comment_author_email>\n"
            f"\t\t\t<wp:comment_author_url>{escape(url)}</wp:comment_author_url>\n"
            f"\t\t\t<wp:comment_author_IP>{cdata(response.author_ip)}</wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{cdata(local)}</wp:comment_date>\n"
            f"\t\t\t<wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>\n"
            f"\t\t\t<wp:comment_content>{cdata(content)}</wp:comment_content>\n"
            f"\t\t\t<wp:comment_approved>{cdata(APPROVED[response.status])}"
            f"</wp:comment_approved>\n"
            f"\t\t\t<wp:comment_type>{cdata(COMMENT_TYPE[response.kind])}</wp:comment_type>\n"
            f"\t\t\t<wp:comment_parent>{response.parent_id or 0}</wp:comment_parent>\n"
            f"\t\t\t<wp:comment_user_id>{response.user_id or 0}</wp:comment_user_id>\n"
            + "".join(f"\t\t\t<wp:commentmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
                      f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:commentmeta>\n"
                      for key, value in meta.items())
            + "\t\t</wp:comment>\n")
