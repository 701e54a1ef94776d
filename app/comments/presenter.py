"""Everything the article page shows under the article: threads, counts, the comment form."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, get_flashed_messages, render_template, request, url_for

from app.blog.services import response_counts
from app.comments import services
from app.comments.forms import CommentForm
from app.comments.identity import current_commenter, form_stamp, saved_details
from app.comments.threads import Node, reactions_for, thread_page
from app.core import settings as site_settings
from app.core.converters import int_arg
from app.models import Article, Response
from app.templating import permalink, site_url_for


def avatar_url(email: str, style: str) -> str | None:
    """Return the avatar for an email: Gravatar, a local identicon, or none (a setting)."""
    email = (email or "").strip().lower()
    if style == "gravatar":
        digest = hashlib.sha256(email.encode()).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}?s=48&d=identicon"
    if style == "identicon":
        # Keyed with the secret so that the public URL does not reveal the address.
        key = hmac.new(current_app.config["SECRET_KEY"].encode(), email.encode(),
                       hashlib.sha256).hexdigest()[:20]
        return url_for("comments.identicon", key=key)
    return None


def new_comment_form(*, unread: bool = False) -> CommentForm:
    """A form stamped now: empty, or with the guest's saved details. `unread`: for a post
    whose body could not be read (too large), which must not be parsed again."""
    form = CommentForm(formdata=None) if unread else CommentForm()
    form.stamp.data = form_stamp()
    if request.method == "GET" or unread:
        details = saved_details()
        form.name.data = details.get("name", "")
        form.email.data = details.get("email", "")
        form.website.data = details.get("website", "")
        form.remember.data = bool(details)
    return form


# Flashed notes about one response carry its id in their category: "success:12".
def note_for(response_id: int, category: str = "success") -> str:
    return f"{category}:{response_id}"


def split_notes(shown_ids: set[int]) -> tuple[list, dict[int, list]]:
    """Split the flashed notes: those shown beside a response on this page, and the rest
    (shown at the top of the responses)."""
    general, beside = [], {}
    for category, message in get_flashed_messages(with_categories=True):
        kind, _, target = category.partition(":")
        if target.isdigit() and int(target) in shown_ids:
            beside.setdefault(int(target), []).append((kind, message))
        else:
            general.append((kind, message))
    return general, beside


def linkback_endpoints(article: Article) -> dict[str, str] | None:
    """Where other sites send this article their linkbacks: pingback, webmention, trackback.

    None when the article takes no pings: advertising an endpoint that can only answer
    "closed" would just invite requests to refuse. Absolute, from SITE_URL, so that a cached
    page advertises the same addresses whoever asked for it.
    """
    if not article.pings_open:
        return None
    return {"pingback": site_url_for("linkbacks.xmlrpc"),
            "webmention": site_url_for("linkbacks.webmention"),
            "trackback": permalink(article, external=True) + "trackback/"}


def discovery_headers(endpoints: dict[str, str] | None) -> dict[str, str]:
    """The HTTP headers that advertise the endpoints (Pingback 1.0, Webmention)."""
    if not endpoints:
        return {}
    return {"X-Pingback": endpoints["pingback"],
            "Link": f'<{endpoints["webmention"]}>; rel="webmention"'}


def render_article_page(article: Article, *, form: CommentForm | None = None,
                        preview: str | None = None, status: int = 200):
    """Render the article with its discussion for the current reader."""
    settings = site_settings.load()
    commenter = current_commenter()
    threads = thread_page(article, commenter, settings, int_arg(request.args, "cpage", 1))
    from app.questions.services import statuses_in
    from app.questions.tags import all_tags

    form = form or new_comment_form()
    form.offer_tags(all_tags())
    reply_to = form.parent() or int_arg(request.args, "replytocom", None)
    if reply_to:
        form.parent_id.data = str(reply_to)

    def can_change(response: Response) -> bool:
        return services.can_change(response, commenter, settings)

    notes, notes_beside = split_notes(threads.ids)
    endpoints = linkback_endpoints(article)
    return render_template(
        "blog/article.html", article=article,
        response_count=response_counts([article.id])[article.id],
        threads=threads, reactions=reactions_for(article), linkback_endpoints=endpoints,
        form=form, preview=preview, reply_to=reply_to,
        settings=settings, can_change=can_change, notes=notes, notes_beside=notes_beside,
        badge=lambda r: services.badge_for(r, article),
        avatar=lambda email: avatar_url(email, settings.avatars),
        question_status=statuses_in(threads.responses),
    ), status, discovery_headers(endpoints)


def render_form_fragment(article: Article, form: CommentForm, preview: str | None, status: int):
    """Render only the comment form (for the script that posts without a reload), marked so
    that the script knows it from an error page."""
    from app.questions.tags import all_tags

    form.offer_tags(all_tags())
    html = render_template("_partials/comment_form.html", article=article, form=form,
                           preview=preview, reply_to=form.parent())
    return html, status, {"X-Parley-Form": "1"}


def render_response_fragment(article: Article, response: Response):
    """Render one new response as it appears in the thread."""
    from app.questions.services import statuses_in

    settings = site_settings.load()
    commenter = current_commenter()
    commenter.own_ids = commenter.own_ids | {response.id}
    return render_template(
        "_partials/response_fragment.html", article=article,
        node=Node(response, depth=min(response.depth, settings.thread_depth - 1)),
        reply_to=None, form=None, settings=settings,
        can_change=lambda r: services.can_change(r, commenter, settings),
        notes_beside={}, badge=lambda r: services.badge_for(r, article),
        avatar=lambda email: avatar_url(email, settings.avatars),
        question_status=statuses_in([response]),
    ), 201
