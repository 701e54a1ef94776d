"""schema.org `QAPage` data for a question's page, so that search engines can show it as an
answered question: a `Question` with its answer count, accepted answer and suggested answers
(each with its helpful votes as `upvoteCount`), dates and authors.

Only what readers can see goes in: approved answers, authors' names and the web addresses
they gave (through the one URL rule). Text is the plain text people typed.
"""

from __future__ import annotations

from app.core.timefmt import isoformat
from app.core.urls import safe_href
from app.models import Response
from app.questions.services import QuestionPage, is_answer, question_url


def _person(response: Response) -> dict:
    person = {"@type": "Person", "name": response.display_name}
    if url := safe_href(response.author_url):
        person["url"] = url
    return person


def _answer(answer: Response, page_url: str) -> dict:
    return {"@type": "Answer", "text": answer.body_source,
            "dateCreated": isoformat(answer.created_at), "upvoteCount": answer.helpful_count,
            "url": f"{page_url}#comment-{answer.id}",
            "author": _person(answer)}


def qa_page(page: QuestionPage) -> dict:
    question = page.question
    url = question_url(question, external=True)
    published = [n.response for n in page.answer_nodes if is_answer(n.response, question)]
    accepted = page.accepted.response if page.accepted and page.accepted.response in published \
        else None
    entity = {
        "@type": "Question", "name": question.title,
        "text": question.body_source, "answerCount": len(published),
        "dateCreated": isoformat(question.created_at), "author": _person(question),
        "url": url,
    }
    if accepted is not None:
        entity["acceptedAnswer"] = _answer(accepted, url)
    suggested = [_answer(a, url) for a in published if a is not accepted]
    if suggested:
        entity["suggestedAnswer"] = suggested
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity}
