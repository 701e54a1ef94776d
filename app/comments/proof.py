"""Proving an address by mail: "publish my comment and remember this browser".

A guest whose address has an approved comment, posting from a browser that shows no proof
(another browser, cleared cookies), is held like anyone else: knowing an address proves
nothing. The address is then mailed (at most once an hour) a signed link that lasts a day. Its
page has a button; pressing it in a browser proves the address there: the browser keeps it in
a signed cookie (see identity.py) and the held comment is decided again with that proof.
"""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.core import ratelimit
from app.extensions import db
from app.models import Response, ResponseStatus
from app.tasks import after_commit, app_task, send_mail

LINK_MAX_AGE = 24 * 3600
MAIL_LIMIT = "1 per hour"  # proof mail to one address


class BadProofLink(Exception):
    """A proof link that was forged, altered, has expired or no longer matches a comment."""


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="parley-proof")


def make_token(response: Response) -> str:
    return _signer().dumps({"r": response.id, "e": response.author_email})


def read_token(token: str) -> Response:
    """Return the held comment a signed link names, or raise BadProofLink."""
    try:
        data = _signer().loads(token, max_age=LINK_MAX_AGE)
    except SignatureExpired as error:
        raise BadProofLink("This link has expired (links last a day). Your comment still "
                           "waits for a moderator.") from error
    except BadSignature as error:
        raise BadProofLink("This link is not valid. Check that it was copied whole.") from error
    response = db.session.get(Response, data.get("r")) if isinstance(data, dict) else None
    if response is None or response.author_email != data.get("e"):
        raise BadProofLink("This link no longer matches a comment.")
    return response


def offer(response: Response) -> None:
    """Mail the comment's address a link that proves it, at most once an hour per address."""
    if ratelimit.hit(f"proof-mail:{response.author_email}", MAIL_LIMIT):
        after_commit(send_proof_mail, response.id)


@app_task()
def send_proof_mail(response_id: int) -> None:
    response = db.session.get(Response, response_id)
    if response is None or response.status is not ResponseStatus.PENDING:
        return
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        link = url_for("comments.prove_address", token=make_token(response), _external=True)
    title = response.context_title
    send_mail(response.author_email, f"Publish your comment on “{title}”",
              f"Someone (we hope you) commented on “{title}” as {response.author_name}, with "
              f"this address:\n\n{response.body_source[:2000]}\n\n"
              f"Comments from this address were approved before, but the browser it was sent "
              f"from could not show that it is yours, so it waits for a moderator.\n\n"
              f"If you wrote it, open this link and press the button. The comment is "
              f"published, and that browser is remembered so that your next comments from it "
              f"are published at once:\n{link}\n\n"
              f"The link works for a day. If it wasn't you, ignore this message: the comment "
              f"waits for a moderator, and nothing else happens.\n")
    db.session.commit()
