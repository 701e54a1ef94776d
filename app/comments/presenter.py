"""Everything the article page shows under the article: threads, counts, the comment form."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app, get_flashed_messages, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import select

from app.comments import closing, fragments, services
from app.comments.forms import CommentForm
from app.comments.identity import DETAIL_MARKERS, current_commenter, form_stamp, saved_details
from app.comments.services import Commenter
from app.comments.threads import (
    Node,
    Reactions,
    ThreadRow,
    full_rows,
    question_statuses,
    reactions_for,
    thread_page,
)
from app.core import pagecache
from app.core.converters import int_arg
from app.extensions import db
from app.models import Article, QuestionTag, Response, ResponseKind
from app.models.types import utcnow
from app.moderation import settings as site_settings
from app.moderation.settings import Avatars
from app.templating import permalink, site_url_for


def avatar_url(email: str, style: Avatars) -> str | None:
    """Return the avatar for an email: Gravatar, a local identicon, or none (a setting)."""
    email = (email or "").strip().lower()
    if style == Avatars.GRAVATAR:
        digest = hashlib.sha256(email.encode()).hexdigest()
        return f"https://www.gravatar.com/avatar/{digest}?s=48&d=identicon"
    if style == Avatars.IDENTICON:
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


def openness(article: Article, settings=None, now=None) -> tuple[closing.Openness,
                                                                  closing.Openness]:
    """Whether the article takes comments and linkbacks now (the one rule, app/comments/
    closing.py), with the settings of this request."""
    settings = settings or site_settings.load()
    now = now or utcnow()
    return (closing.comments(article, settings.close_after_days, now),
            closing.pings(article, settings.close_after_days, now))


def closes_next(*states: closing.Openness):
    """The moment the first of these open discussions closes by age, or None."""
    return min((s.closes_at for s in states if s.open and s.closes_at), default=None)


def visible_count(threads) -> tuple[int, int]:
    """What the reader sees counted: the approved responses and, apart, their own held ones
    shown on this page (which nobody else sees, so a stored page never counts them)."""
    held = sum(1 for row in threads.responses if row.is_pending)
    return threads.approved + held, held


def reply_name(reply_to: int | None, article: Article) -> str | None:
    """The name of the person a no-JavaScript reply (`?replytocom=`) answers."""
    if not reply_to:
        return None
    parent = db.session.get(Response, reply_to)
    if parent is None or parent.article_id != article.id:
        return None
    return parent.display_name


def linkback_endpoints(article: Article, pings: closing.Openness | None = None
                       ) -> dict[str, str] | None:
    """Where other sites send this article their linkbacks: pingback, webmention, trackback.

    None when the article takes no pings: advertising an endpoint that can only answer
    "closed" would just invite requests to refuse. Absolute, from SITE_URL, so that a cached
    page advertises the same addresses whoever asked for it.
    """
    if not (pings or openness(article)[1]).open:
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


def question_tag_choices(site: tuple) -> list:
    """The moderators' list of question tags (for the comment form's checkboxes), read once
    per site version (`site`: a tag added, renamed or removed bumps it), as plain columns (no
    object the session may hold from before)."""
    caches = fragments.caches_for(current_app)
    key = ("question tags", site)
    found = caches.site.get(key)
    if found is None:
        found = [_TagChoice(slug, name) for slug, name in db.session.execute(
            select(QuestionTag.slug, QuestionTag.name).order_by(QuestionTag.name))]
        caches.site.put(key, found)
    return found


class _TagChoice(NamedTuple):
    slug: str
    name: str


def render_article_page(article: Article, *, form: CommentForm | None = None,
                        preview: str | None = None, status: int = 200):
    """Render the article with its discussion for the current reader."""
    settings = site_settings.load()
    commenter = current_commenter()
    threads = thread_page(article, commenter, settings, int_arg(request.args, "cpage", 1))
    comments_state, pings_state = openness(article, settings, commenter.now)
    # A discussion that closes by age closes with no write: the stored page ends then.
    pagecache.fresh_until(closes_next(comments_state, pings_state))
    if form is None and request.method == "GET":
        # The form as every reader first gets it: kept rendered, with this reader's values.
        reply_to = int_arg(request.args, "replytocom", None)
        comment_form = blank_comment_form(article, reply_to, commenter, threads.site)
    else:
        form = form or new_comment_form()
        form.offer_tags(question_tag_choices(threads.site))
        reply_to = form.parent() or int_arg(request.args, "replytocom", None)
        if reply_to:
            form.parent_id.data = str(reply_to)
        comment_form = comment_form_html(article, form, preview, reply_to)
    notes, notes_beside = split_notes(threads.ids)
    discussion = Assembly(article, settings, commenter, site=threads.site, page=threads.page,
                          statuses=question_statuses(threads.responses),
                          notes_beside=notes_beside, comments_open=comments_state.open,
                          form=(reply_to, comment_form) if reply_to else None)
    roots, pings, mentions = discussion.render([threads.roots, threads.pings, threads.mentions])
    endpoints = linkback_endpoints(article, pings_state)
    shown, held = visible_count(threads)
    return render_template(
        "blog/article.html", article=article, response_count=shown, held_count=held,
        comments_state=comments_state,
        threads=threads, reactions=reactions_for(article) if threads.reactions else Reactions(),
        linkback_endpoints=endpoints, preview=preview, reply_to=reply_to, settings=settings,
        notes=notes, comment_form=comment_form,
        discussion=Discussion(roots, pings, mentions,
                              form_placed=reply_to is not None and reply_to in threads.ids),
    ), status, discovery_headers(endpoints)


def comment_form_html(article: Article, form: CommentForm, preview: str | None,
                      reply_to: int | None) -> Markup:
    """The comment form (under the article, or under the response replied to), or why the
    article takes no comments."""
    settings = site_settings.load()
    state = openness(article, settings)[0]
    closed_reason = None if state.open else \
        closing.closed_message(state, settings.close_after_days)
    return Markup(render_template("_partials/comment_form.html", article=article, form=form,
                                  preview=preview, reply_to=reply_to,
                                  reply_name=reply_name(reply_to, article),
                                  comments_open=state.open, closed_reason=closed_reason))


# Where the blank comment form keeps one reader's values (see `blank_comment_form`).
_FORM_SLOTS = ("csrf", "stamp", "parent", "name", "email", "website")
_FORM_MARKS = {name: Markup(f"\x00{fragments.NONCE}:form-{name}\x00") for name in _FORM_SLOTS}
_FORM_SPLIT = re.compile("(" + "|".join(re.escape(m) for m in _FORM_MARKS.values()) + ")")


def blank_comment_form(article: Article, reply_to: int | None, commenter: Commenter,
                       site: tuple) -> Markup:
    """The comment form as a GET shows it (no text, no errors), for this reader.

    Its HTML is kept per article row, site version (`site`: the question tags it offers),
    reader kind (a member by id and name, or a guest with or without saved details) and
    whether it replies; what differs between readers of one kind is cut out and put back per
    request: the CSRF token, the stamp, the response replied to, a guest's saved name, email
    and website (escaped as the form's fields escape them). Rendering the form's fields costs
    more than a page of cached responses.
    """
    details = saved_details() if commenter.user is None else {}
    caches = fragments.caches_for(current_app)
    member = commenter.user
    settings = site_settings.load()
    state = openness(article, settings)[0]
    key = ("comment form", article.id, article.updated_at, reply_to, state.open,
           settings.close_after_days,
           (member.id, member.name) if member is not None else None, bool(details), site)
    parts = caches.forms.get(key)
    csrf_token = current_app.jinja_env.globals["csrf_token"]()
    stamp = form_stamp()
    if parts is None:
        form = CommentForm(formdata=None)
        form.offer_tags(question_tag_choices(site))
        for name in ("stamp", "name", "email", "website"):
            getattr(form, name).data = _FORM_MARKS[name]
        form.parent_id.data = _FORM_MARKS["parent"]
        form.remember.data = bool(details)
        html = str(comment_form_html(article, form, None, reply_to))
        html = html.replace(csrf_token, _FORM_MARKS["csrf"])
        parts = _FORM_SPLIT.split(html)
        caches.forms.put(key, parts)
    values = {_FORM_MARKS["csrf"]: csrf_token, _FORM_MARKS["stamp"]: stamp,
              _FORM_MARKS["parent"]: str(reply_to) if reply_to else ""}
    # A page stored for every returning commenter keeps slots where their details go.
    stored_for_commenters = details and pagecache.storing_variant() == "commenter"
    for name in ("name", "email", "website"):
        values[_FORM_MARKS[name]] = (Markup(DETAIL_MARKERS[name]) if stored_for_commenters
                                     else escape(details.get(name, "")))
    return Markup("".join([values.get(part, part) for part in parts]))


def render_form_fragment(article: Article, form: CommentForm, preview: str | None, status: int):
    """Render only the comment form (for the script that posts without a reload), marked so
    that the script knows it from an error page."""
    form.offer_tags(question_tag_choices(fragments.site_stamp()))
    html = comment_form_html(article, form, preview, form.parent())
    return html, status, {"X-Parley-Form": "1"}


def render_response_fragment(article: Article, response: Response):
    """Render one new response as it appears in the thread."""
    settings = site_settings.load()
    commenter = current_commenter()
    commenter.own_ids = commenter.own_ids | {response.id}
    row = ThreadRow.of(response)
    node = Node(row, depth=min(response.depth, settings.thread_depth - 1))
    assembly = Assembly(article, settings, commenter, site=fragments.site_stamp(), page=None,
                        statuses=question_statuses([row]), notes_beside={}, form=None,
                        comments_open=openness(article, settings, commenter.now)[0].open)
    (html,) = assembly.render([[node]], known={response.id: response})
    return render_template("_partials/response_fragment.html", response_html=html), 201


@dataclass
class Discussion:
    """The page's threads, put together: the discussion and the separate linkback lists."""

    roots: Markup
    pings: Markup
    mentions: Markup
    # The form opened under the response replied to (else it shows under the threads).
    form_placed: bool


class _Job(NamedTuple):
    """A response to render for the fragment cache (templates/_macros/responses.html)."""

    response: Response
    depth: int
    accepted: bool
    status: object
    page: int | None


class Assembly:
    """Puts threads together for one reader: each response's fragment (rendered now for the
    few that are not cached, in one template run and two queries at most), joined with what
    is this reader's own (their actions, held notes, flashed notes, the reply form)."""

    def __init__(self, article: Article, settings, commenter: Commenter, *, site: tuple,
                 page: int | None, statuses: dict, notes_beside: dict,
                 form: tuple[int, str] | None, comments_open: bool = True):
        self.article, self.settings, self.commenter, self.site = article, settings, commenter, site
        self.page = page if page and page > 1 else None
        self.statuses, self.notes_beside, self.form = statuses, notes_beside, form
        # Reply links show only while comments are open (by the author and by age).
        self.comments_open = comments_open
        self.caches = fragments.caches_for(current_app)

    def render(self, lists: list[list[Node]], known: dict[int, Response] | None = None
               ) -> list[Markup]:
        """The HTML of each list of threads."""
        nodes, parents = _preorder(lists)
        if not nodes:
            return [Markup("") for _ in lists]
        site, stamp, page = self.site, (self.article.updated_at, self.comments_open), self.page
        statuses, avatars = self.statuses, self.settings.avatars
        keys = [fragments.key(
            node.response, depth=node.depth, status=statuses.get(node.response.id), page=page,
            accepted=_accepted(node, parent), site=site, article_stamp=stamp, avatars=avatars)
            for node, parent in zip(nodes, parents, strict=True)]
        found = self.caches.responses.get_many(keys)
        by_id = {node.response.id: fragment
                 for node, fragment in zip(nodes, found, strict=True)}
        if None in by_id.values():
            by_id.update(self._render_missing(
                [(node, parent, key) for node, parent, key, fragment
                 in zip(nodes, parents, keys, found, strict=True) if fragment is None],
                known or {}))
        own = self._own_parts(nodes)
        opening, closing = self._child_list()
        out: list[str] = []
        append = out.append

        def emit(threads) -> None:
            for node in threads:
                fragment = by_id[node.response.id]
                mine = own.get(node.response.id)
                if mine is None:
                    append(fragment.head)
                else:
                    parts = fragment.parts
                    for i, slot in enumerate(fragments.SLOTS[:-1]):
                        append(parts[i])
                        append(mine.get(slot, ""))
                    append(parts[-2])
                if node.children:
                    append(opening)
                    emit(node.children)
                    append(closing)
                append(fragment.tail)

        rendered = []
        for threads in lists:
            out.clear()
            emit(threads)
            rendered.append(Markup("".join(out)))
        return rendered

    def _render_missing(self, missing: list, known: dict[int, Response]) -> dict:
        """Render the responses whose fragments are not cached (`missing`: node, the node
        it hangs under, key), and keep them."""
        rows = dict(known)
        rows.update(full_rows([node.response.id for node, _, _ in missing
                               if node.response.id not in known]))
        jobs = [_Job(rows[node.response.id], node.depth, _accepted(node, parent),
                     self.statuses.get(node.response.id), self.page)
                for node, parent, _ in missing]
        article, settings = self.article, self.settings
        html = render_template(
            "_partials/response_fragments.html", article=article, jobs=jobs,
            comments_open=self.comments_open,
            marks=fragments.MARKS, badge=lambda r: services.badge_for(r, article),
            avatar=lambda email: avatar_url(email, settings.avatars))
        pieces = html.split(fragments.MARKS["end"])[:-1]  # each fragment ends with the mark
        made = [(key, fragments.Fragment.split(piece))
                for (_, _, key), piece in zip(missing, pieces, strict=True)]
        self.caches.responses.put_many(made)
        return {node.response.id: fragment
                for (node, _, _), (_, fragment) in zip(missing, made, strict=True)}

    def _own_parts(self, nodes: list[Node]) -> dict[int, dict[str, str]]:
        """What this reader sees in some responses' slots, by response id: rendered in one
        template run, only when there is any."""
        commenter, settings = self.commenter, self.settings
        user_id = commenter.user.id if commenter.user is not None else None
        own_ids, notes, form = commenter.own_ids, self.notes_beside, self.form
        wanted: list[tuple[int, str, object]] = []
        for node in nodes:
            row = node.response
            if row.id in notes:
                wanted.append((row.id, "notes", notes[row.id]))
            if row.is_pending:
                wanted.append((row.id, "awaiting", row))
            if ((user_id is not None and row.user_id == user_id) or row.id in own_ids) \
                    and services.can_change(row, commenter, settings):
                wanted.append((row.id, "actions", row))
        found: dict[int, dict[str, str]] = {}
        if wanted:
            html = render_template("_partials/response_slots.html", marks=fragments.MARKS,
                                   slots=[(slot, value) for _, slot, value in wanted])
            pieces = html.split(fragments.MARKS["end"])[:-1]  # each part ends with the mark
            for (response_id, slot, _), piece in zip(wanted, pieces, strict=True):
                found.setdefault(response_id, {})[slot] = piece
        if form is not None:
            found.setdefault(form[0], {})["form"] = form[1]
        return found

    def _child_list(self) -> tuple[str, str]:
        """The text around a response's replies, read once from the template."""
        found = self.caches.site.get("child list")
        if found is None:
            html = render_template("_partials/response_slots.html", marks=fragments.MARKS,
                                   slots=[("children", fragments.MARKS["children"])])
            opening, _, closing = html.removesuffix(fragments.MARKS["end"]).partition(
                fragments.MARKS["children"])
            found = (opening, closing)
            self.caches.site.put("child list", found)
        return found


def _accepted(node: Node, parent: Node | None) -> bool:
    """The node is the answer its question (the node it hangs under) accepted."""
    return (parent is not None and parent.response.kind is ResponseKind.QUESTION
            and parent.response.accepted_answer_id == node.response.id)


def _preorder(lists: list[list[Node]]) -> tuple[list[Node], list[Node | None]]:
    """Every node of the lists, each before its replies, and the node each hangs under."""
    nodes: list[Node] = []
    parents: list[Node | None] = []

    def walk(threads, parent: Node | None) -> None:
        for node in threads:
            nodes.append(node)
            parents.append(parent)
            if node.children:
                walk(node.children, node)

    for threads in lists:
        walk(threads, None)
    return nodes, parents
