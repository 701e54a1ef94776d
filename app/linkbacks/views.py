"""The three linkback endpoints: thin, each answering in its protocol's own form.

They are machine endpoints, so no CSRF token (there is no session to ride on) and no page
cache; every refusal is quick, bounded by the request size cap (413 in the protocol's form)
and stores nothing.
"""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import render_template, request

from app.extensions import csrf, db
from app.linkbacks import bp, pingback, services, trackback, webmention
from app.models import ResponseKind
from app.templating import absolute, site_url_for

XML = "text/xml; charset=utf-8"


def _xml(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=XML)


def _who() -> dict:
    return {"client_ip": request.remote_addr or "",
            "user_agent": request.headers.get("User-Agent", "")[:500]}


def _throttled(answer: HttpResponse, error: services.LinkbackError) -> HttpResponse:
    if isinstance(error, services.Throttled):
        answer.headers["Retry-After"] = str(error.retry_after)
    return answer


@bp.route("/xmlrpc", methods=["GET", "POST"])
@csrf.exempt
def xmlrpc():
    """Pingback 1.0's XML-RPC server (the URL in X-Pingback)."""
    if request.method == "GET":
        return HttpResponse("This is an XML-RPC server for pingbacks; it takes POST requests "
                            "only.\n", status=405, headers={"Allow": "POST"},
                            content_type="text/plain; charset=utf-8")
    try:
        call = pingback.parse_call(request.get_data(cache=False))
    except pingback.CallError as error:
        return _xml(pingback.fault(error.code, error.message))
    try:
        if call.method == "pingback.extensions.getPingbacks":
            return _xml(pingback.success(services.pingbacks_of(call.params[0])))
        source, target = call.params
        services.receive(services.Incoming(kind=ResponseKind.PINGBACK, source=source,
                                           target=target, **_who()))
        db.session.commit()
    except services.LinkbackError as error:
        db.session.rollback()
        return _throttled(_xml(pingback.fault_for(error)), error)
    return _xml(pingback.success(f"Pingback from {source} to {target} registered; "
                                 "thank you for linking."))


@bp.post("/<path:path>/trackback/")
@csrf.exempt
def trackback_ping(path: str):
    """TrackBack 1.2: the article's permalink + trackback/."""
    try:
        ping = trackback.parse_ping(request.get_data(cache=False), request.content_type or "")
        target = absolute(f"/{path}/")
        services.receive(services.Incoming(
            kind=ResponseKind.TRACKBACK, source=ping.url, target=target, title=ping.title,
            excerpt=ping.excerpt, blog_name=ping.blog_name, **_who()))
        db.session.commit()
    except trackback.PingError as error:
        return _xml(trackback.answer_error(error.message))
    except services.LinkbackError as error:
        db.session.rollback()
        status = 429 if isinstance(error, services.Throttled) else 200
        return _throttled(_xml(trackback.answer_error(error.message), status), error)
    return _xml(trackback.answer_ok())


@bp.post("/webmention", endpoint="webmention")
@csrf.exempt
def webmention_endpoint():
    """W3C Webmention: 400 with a reason for what is wrong at once, else 202 and a status
    page that the task queue's verification fills in."""
    try:
        mention = webmention.parse_form(request.content_type or "", request.form)
        received = services.accept_webmention(services.Incoming(
            kind=ResponseKind.WEBMENTION, source=mention.source, target=mention.target,
            **_who()))
        token = received.token
        db.session.commit()
    except webmention.FormError as error:
        body, headers = webmention.text(error.message)
        return HttpResponse(body, status=400, headers=headers)
    except services.LinkbackError as error:
        db.session.rollback()
        status = 429 if isinstance(error, services.Throttled) else 400
        body, headers = webmention.text(error.message)
        return _throttled(HttpResponse(body, status=status, headers=headers), error)
    location = site_url_for("linkbacks.webmention_status", token=token)
    body, headers = webmention.text(f"Accepted for verification; see {location}")
    return HttpResponse(body, status=202, headers={**headers, "Location": location})


@bp.get("/webmention/status/<token>")
def webmention_status(token: str):
    """Where a webmention stands: pending, accepted, removed or rejected, and why."""
    found = services.webmention_request(token[:64])
    if found is None:
        return HttpResponse("No webmention has this status page (they are kept 30 days).\n",
                            status=404, content_type="text/plain; charset=utf-8")
    return render_template("linkbacks/webmention_status.html", mention=found)


@bp.errorhandler(413)
def too_large(error):
    """A body over the cap, answered in the protocol's own form, unread."""
    message = "The request is larger than this site accepts (1 MB)."
    if request.endpoint == "linkbacks.xmlrpc":
        return _xml(pingback.fault(pingback.NOT_XML_RPC, message), 413)
    if request.endpoint == "linkbacks.trackback_ping":
        return _xml(trackback.answer_error(message), 413)
    body, headers = webmention.text(message)
    return HttpResponse(body, status=413, headers=headers)
