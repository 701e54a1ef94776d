"""Demo career questions, written for Parley: asked under the demo articles and on their own.

Every status a reader can meet is here (unanswered, answered, an accepted answer, one closed as
a duplicate, one held for the moderation queue), asked and answered by guests and by demo
members, with helpful votes kept as the vote service keeps them (a HelpfulVote row per member
and answer, and the answer's helpful_count the number of its rows). None of the text comes
from the reference page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.core.sanitize import render_comment
from app.demo.content import DemoContent, Guest, Question
from app.extensions import db
from app.models import (
    Article,
    HelpfulVote,
    QuestionTag,
    Response,
    ResponseKind,
    ResponseStatus,
    User,
)
from app.questions.tags import seed_default_tags

# Members who answer and vote. They have no password: nobody logs in as them.
MEMBERS = {
    "hannah": ("hannah.brooks@members.parley.example", "Hannah Brooks"),
    "marcus": ("marcus.lindqvist@members.parley.example", "Marcus Lindqvist"),
    "grace": ("grace.mwangi@members.parley.example", "Grace Mwangi"),
    "yusuf": ("yusuf.demir@members.parley.example", "Yusuf Demir"),
}
AUTHOR = "maya"  # the blog's author, who answers one question herself

# Questions about no article are dated from here.
ON_THEIR_OWN = datetime(2025, 10, 6, 18, 0, tzinfo=UTC)

# "article": the index of a demo article, or None. "by": a member's key, or a guest's
# (name, email). Answers: "helpful" lists the members who marked it; "replies" are comments on
# that answer. "accepted" names an answer's key; "duplicate_of" another question's key.
QUESTIONS = [
    {
        "key": "release", "article": 0, "minutes": 1500, "status": "approved",
        "by": ("Tanvir Alam", "tanvir.alam@example.com"),
        "title": "Does coordinating releases count as product experience?",
        "tags": ["career change", "product vs project"],
        "body": (
            "For three years I have coordinated releases for a payments team: I chase "
            "dependencies, run the go/no-go meeting and write the release notes. I would like "
            "to move into product management. Is this experience a way in, or will hiring "
            "managers read it as project work and nothing more?"
        ),
        "answers": [
            {"key": "release-a1", "by": "hannah", "minutes": 95,
             "helpful": ["marcus", "grace", "yusuf"],
             "body": (
                 "It is a way in if you tell it as decisions rather than tasks. Nobody hires "
                 "a product manager for chasing dependencies, but somebody at every go/no-go "
                 "decides what is good enough to ship. If that was you, say so, and say what "
                 "you weighed.\n\nThen get closer to the why: ask to sit in on two customer "
                 "calls a month. After half a year you will have stories that no certificate "
                 "can give you."),
             "replies": [
                 {"by": ("Tanvir Alam", "tanvir.alam@example.com"), "minutes": 40,
                  "body": "Decisions rather than tasks: that changes how I will write my CV. "
                          "Thank you."},
             ]},
            {"key": "release-a2", "by": ("Oskar Brandt", "oskar.brandt@example.net"),
             "minutes": 210, "helpful": ["grace"],
             "body": (
                 "I hired for a product role last year. Release people interviewed well when "
                 "they could tell me about a feature they argued *against*. Have one of those "
                 "ready."),
             "replies": []},
        ],
        "accepted": "release-a1",
    },
    {
        "key": "certificate", "article": 0, "minutes": 2900, "status": "approved",
        "by": ("Leila Haddad", "leila.h@example.org"),
        "title": "Which certification is worth it after three years as a project manager?",
        "tags": ["certification"],
        "body": (
            "My employer offers to pay for one certification this year. I run internal IT "
            "projects and want to stay on the project side for now. Is one of the well-known "
            "ones clearly better for someone at my stage, or does it not matter much?"
        ),
        "answers": [
            {"key": "certificate-a1", "by": "marcus", "minutes": 130,
             "helpful": ["hannah", "yusuf"],
             "body": (
                 "At three years, pick the one your next employer is likely to ask for: read "
                 "twenty job ads in your city and count. In my part of the world the big "
                 "classic one wins by a mile for IT projects; agile ones matter more in "
                 "software product companies."),
             "replies": []},
            {"key": "certificate-a2", "by": ("Pablo Ortega", "pablo.ortega@example.com"),
             "minutes": 400, "helpful": [],
             "body": "Whichever you choose, study with a colleague. I passed because we quizzed "
                     "each other on the train.",
             "replies": []},
        ],
    },
    {
        "key": "back", "article": 0, "minutes": 4100, "status": "approved",
        "by": ("Wen Zhou", "wen.zhou@example.net"),
        "title": "How do I explain a move from product back to project management?",
        "tags": ["interviews", "career change"],
        "body": (
            "After two years as a product manager I have realised that I liked the delivery "
            "side better. How do I say this in interviews without it sounding like I failed?"
        ),
        "answers": [],
    },
    {
        "key": "roadmap-owner", "article": 1, "minutes": 700, "status": "approved",
        "by": "yusuf",
        "title": "Who should own the roadmap before a startup hires its first product manager?",
        "tags": ["product vs project"],
        "body": (
            "We are eight people and the founders write the roadmap on a whiteboard every "
            "quarter. I am the only one with a project background and I have been asked to "
            "\"keep it\". Should I be deciding what goes on it, or only keeping it tidy?"
        ),
        "answers": [
            {"key": "roadmap-owner-a1", "by": AUTHOR, "minutes": 180,
             "helpful": ["hannah", "grace"],
             "body": (
                 "Keeping it is a real job: make the founders' choices visible, write down "
                 "what each item is meant to change, and bring it back when the quarter ends. "
                 "Deciding stays with them until they hire someone to do it, and saying that "
                 "out loud will save you an awkward conversation later."),
             "replies": []},
            {"key": "roadmap-owner-a2", "by": "grace", "minutes": 260, "helpful": ["marcus"],
             "body": "Ask them to explain one item to you as if you were a customer. If they "
                     "can't, that's your first useful question as the keeper.",
             "replies": []},
        ],
    },
    {
        "key": "first-week", "article": 1, "minutes": 5200, "status": "pending",
        "by": ("Noor Rahimi", "noor.rahimi@example.org"),
        "title": "Is it normal to be asked for a roadmap in my first week as a junior PM?",
        "tags": ["first job"],
        "body": (
            "I started as an associate product manager on Monday and my manager would like a "
            "six-month roadmap by Friday. I barely know the product yet. Is this a test, and "
            "how should I approach it?"
        ),
        "answers": [],
    },
    {
        "key": "portfolio", "article": 2, "minutes": 600, "status": "approved",
        "by": ("Mateo Rossi", "mateo.rossi@example.com"),
        "title": "What can I show in a product interview when I have no portfolio?",
        "tags": ["interviews", "first job"],
        "body": (
            "Designers bring portfolios and engineers bring code. I am applying for my first "
            "product role after a degree in economics. What can I bring that shows how I "
            "think?"
        ),
        "answers": [
            {"key": "portfolio-a1", "by": "grace", "minutes": 75,
             "helpful": ["hannah", "marcus"],
             "body": (
                 "Write one page about a product you use every day: who it is for, one problem "
                 "it has, how you would find out if the problem is real, and what you would "
                 "measure. Bring it printed. It gives the interviewer something to argue "
                 "with, which is the best interview there is."),
             "replies": []},
            {"key": "portfolio-a2", "by": "marcus", "minutes": 160, "helpful": ["yusuf"],
             "body": "Your economics degree is a portfolio of its own if you can explain one "
                     "pricing or incentive problem clearly. Product teams need that more often "
                     "than they admit.",
             "replies": []},
            {"key": "portfolio-a3", "by": ("Ana Petrova", "ana.petrova@example.net"),
             "minutes": 300, "helpful": [],
             "body": "Keep it short. One page, not a slide deck.",
             "replies": []},
        ],
        "accepted": "portfolio-a1",
    },
    {
        "key": "side-projects", "article": 2, "minutes": 2100, "status": "approved",
        "by": ("Jonah Weiss", "jonah.weiss@example.org"),
        "title": "Can I get a product job without side projects to show?",
        "tags": ["interviews"],
        "body": (
            "Everybody online says to build a side project before applying for product "
            "roles. I work full time and care for a parent. Is there another way to show "
            "that I can do the work?"
        ),
        "answers": [],
        "duplicate_of": "portfolio",
    },
    {
        "key": "analyst", "article": 3, "minutes": 900, "status": "approved",
        "by": ("Priyanka Das", "priyanka.das@example.com"),
        "title": "Do product analysts move into product management, and what do they lack?",
        "tags": ["career change", "education"],
        "body": (
            "I build the dashboards this article talks about, for four product teams. I would "
            "like to be the one choosing the number one day. What do analysts usually have to "
            "learn before they make that move?"
        ),
        "answers": [],
    },
    {
        "key": "mba", "article": None, "minutes": 0, "status": "approved",
        "by": "yusuf",
        "title": "Is a part-time MBA worth it for a product owner?",
        "tags": ["education"],
        "body": (
            "I have been a product owner in an insurance company for four years. A part-time "
            "MBA would take three years of evenings and most of my savings. Has it helped "
            "anyone here in a product career, or is the money better spent elsewhere?"
        ),
        "answers": [
            {"key": "mba-a1", "by": "hannah", "minutes": 240, "helpful": ["marcus"],
             "body": (
                 "It helped me talk to finance, and little else. If the goal is a bigger "
                 "product role, a year of owning a product's numbers teaches more. If the goal "
                 "is general management later, the network may be worth it."),
             "replies": []},
            {"key": "mba-a2", "by": ("Ruth Adebayo", "ruth.adebayo@example.org"),
             "minutes": 520, "helpful": [],
             "body": "Ask your employer first. Mine paid half once I showed which course "
                     "modules matched my objectives.",
             "replies": []},
        ],
    },
    {
        "key": "two-offers", "article": None, "minutes": 2400, "status": "approved",
        "by": ("Lucas Moreau", "lucas.moreau@example.net"),
        "title": "Two offers: project coordinator at a bank or associate PM at a startup?",
        "tags": ["first job", "career change"],
        "body": (
            "I finished a master's in information systems this summer and have two offers. The "
            "bank pays more and trains people well. The startup offers the title I want but "
            "could run out of money within a year. How would you choose?"
        ),
        "answers": [
            {"key": "two-offers-a1", "by": "marcus", "minutes": 60,
             "helpful": ["hannah", "grace", "yusuf"],
             "body": (
                 "Ask the startup two things: how many months of money they have, and who you "
                 "would learn from. If the answers are \"more than eighteen\" and a named "
                 "person, take it. If not, the bank's training is worth more than a title, and "
                 "coordinators who are good move on quickly."),
             "replies": []},
            {"key": "two-offers-a2", "by": "grace", "minutes": 300, "helpful": [],
             "body": "Whatever you choose, write down now what would make you leave. It makes "
                     "the next decision much easier.",
             "replies": []},
        ],
        "accepted": "two-offers-a1",
    },
]


def add_questions(content: DemoContent, articles: list[Article],
                  people: dict[str, User]) -> int:
    """Ask the demo questions and answer them; return how many responses were added.

    `articles` are the rows made from `content.articles`, in the same order; `people` the
    demo's accounts by their key in people.toml."""
    from app.demo import DEMO_REASONS  # the demo's package imports this module

    seed_default_tags()
    tags = {tag.name: tag for tag in db.session.scalars(select(QuestionTag))}
    made: dict[str, Response] = {}
    count = 0

    def write(article: Article | None, parent: Response | None, by: str | Guest, body: str,
              created: datetime, status: ResponseStatus, **fields) -> Response:
        nonlocal count
        user = people[by] if isinstance(by, str) else None
        name, email = (user.name, user.email) if user else (by.name, by.email)
        response = Response(
            article=article, status=status, created_at=created, status_changed_at=created,
            approved_at=created if status is ResponseStatus.APPROVED else None,
            author_name=name, author_email=email, user=user,
            author_ip=f"198.51.100.{count % 250 + 1}", body_source=body,
            body_html=render_comment(body), moderation_reason=DEMO_REASONS[status], **fields)
        db.session.add(response)
        db.session.flush()
        response.place_under(parent)
        count += 1
        return response

    asked_where = [(article, spec.questions)
                   for article, spec in zip(articles, content.articles, strict=True)]
    asked_where.append((None, content.questions))
    everything: list[Question] = []
    for article, questions in asked_where:
        for spec in questions:
            start = article.published_at if article else content.asked_from
            asked = start + timedelta(minutes=spec.minutes)
            question = write(article, None, spec.by, spec.text, asked,
                             ResponseStatus(spec.status), kind=ResponseKind.QUESTION,
                             title=spec.title)
            question.question_tags = [tags[name] for name in spec.tags]
            made[spec.key] = question
            for answer_spec in spec.answers:
                answered = asked + timedelta(minutes=answer_spec.minutes)
                answer = write(article, question, answer_spec.by, answer_spec.text, answered,
                               ResponseStatus.APPROVED)
                made[answer_spec.key] = answer
                for voter in answer_spec.helpful:
                    db.session.add(HelpfulVote(response_id=answer.id, user_id=people[voter].id,
                                               created_at=answered + timedelta(hours=3)))
                answer.helpful_count = len(answer_spec.helpful)
                for reply in answer_spec.replies:
                    write(article, answer, reply.by, reply.text,
                          answered + timedelta(minutes=reply.minutes), ResponseStatus.APPROVED)
            if spec.accepted is not None:
                question.accepted_answer = made[spec.accepted]
            everything.append(spec)
    for spec in everything:
        if spec.duplicate_of is not None:
            made[spec.key].duplicate_of = made[spec.duplicate_of]
    db.session.flush()
    return count
