"""The moderation decision as a pure function: each rule alone, then the order they run in.

No database and no app: `decide` only reads the submission, the author's history and the rules.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.models import ResponseKind, ResponseStatus, Role
from app.moderation.policy import Decision, History, Rules, Submission, count_links, decide

APPROVED, PENDING, SPAM = ResponseStatus.APPROVED, ResponseStatus.PENDING, ResponseStatus.SPAM
DEFAULT_HOLD = Decision(PENDING, "held: new responses wait for a moderator")
PROVEN = History(proven_previously_approved=True)
PREVIOUSLY_APPROVED = Decision(APPROVED, "approved: author previously approved")
THREE_LINKS = "See https://a.example/1, https://b.example/2 and https://c.example/3."


def guest(**fields) -> Submission:
    """An ordinary guest comment that no rule objects to."""
    values = {"body": "A thoughtful comment.", "name": "Ada", "email": "ada@example.org",
              "website": "https://ada.example.org/", "ip": "198.51.100.7",
              "user_agent": "Mozilla/5.0 (X11; Linux x86_64)", "seconds_to_fill": 30.0}
    values.update(fields)
    return Submission(**values)


# Each field the word rules read, with the label the reason uses for it.
FIELDS = [("body", "content"), ("name", "name"), ("email", "email"), ("website", "website"),
          ("ip", "IP"), ("user_agent", "user agent")]


def with_word_in(field: str, word: str) -> Submission:
    values = {"body": f"I wrote {word} here.", "name": f"Ada {word}",
              "email": f"{word}@example.org", "website": f"https://{word}.example.org/",
              "ip": f"{word}", "user_agent": f"Bot/{word}"}
    return guest(**{field: values[field]})


# --- the default ---------------------------------------------------------------------------

def test_a_new_response_waits_for_a_moderator_by_default():
    assert decide(guest()) == DEFAULT_HOLD
    assert decide(guest(), History(), Rules()) == DEFAULT_HOLD


def test_rule_defaults_are_wordpress_like():
    rules = Rules()
    assert (rules.manual_approval, rules.max_links, rules.previously_approved,
            rules.member_trust_after, rules.min_fill_seconds) == (False, 2, True, 0, 2.0)


# --- trusted roles -------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUTHOR, Role.ADMIN])
def test_the_sites_own_people_are_approved_at_once_whatever_they_write(role):
    rules = Rules(manual_approval=True, disallowed_words=("casino",), moderation_words=("loan",),
                  block_list=("ada@example.org",), max_links=1)
    submission = guest(role=role, body=f"casino loan {THREE_LINKS}")
    assert decide(submission, History(), rules) == Decision(
        APPROVED, f"approved: posted by the site's {role.value}")


def test_a_member_is_not_one_of_the_trusted_roles():
    rules = Rules(disallowed_words=("casino",))
    assert decide(guest(role=Role.MEMBER, body="casino"), History(), rules).status is SPAM
    assert decide(guest(role=Role.MEMBER)) == DEFAULT_HOLD


# --- bot traps -----------------------------------------------------------------------------

def test_a_filled_honeypot_is_spam():
    assert decide(guest(honeypot="http://bot.example")) == Decision(
        SPAM, "spam: filled the field people cannot see")


@pytest.mark.parametrize(("seconds", "expected"), [
    (0.4, Decision(SPAM, "spam: form filled in 0.4 s")),
    (1.5, Decision(SPAM, "spam: form filled in 1.5 s")),
    (2.0, DEFAULT_HOLD),
    (45.0, DEFAULT_HOLD),
    (None, DEFAULT_HOLD),  # unknown (not sent by our form): no verdict from it
])
def test_a_form_filled_in_faster_than_a_person_can_is_spam(seconds, expected):
    assert decide(guest(seconds_to_fill=seconds), History(), Rules(min_fill_seconds=2.0)) == \
        expected


def test_min_fill_seconds_zero_turns_the_timer_off():
    assert decide(guest(seconds_to_fill=0.0), History(), Rules(min_fill_seconds=0)) == \
        DEFAULT_HOLD


# --- disallowed words (spam) ---------------------------------------------------------------

@pytest.mark.parametrize(("field", "label"), FIELDS)
def test_a_disallowed_word_in_any_field_is_spam(field, label):
    rules = Rules(disallowed_words=("casino",))
    assert decide(with_word_in(field, "CaSiNo"), History(), rules) == Decision(
        SPAM, f"spam: disallowed word 'casino' in {label}")


def test_disallowed_words_ignore_case_and_blank_lines():
    rules = Rules(disallowed_words=("", "   ", " Casino "))
    assert decide(guest(body="best CASINO bonus"), History(), rules) == Decision(
        SPAM, "spam: disallowed word 'Casino' in content")
    assert decide(guest(), History(), Rules(disallowed_words=("", "  "))) == DEFAULT_HOLD


def test_a_disallowed_word_beats_a_previously_approved_author():
    rules = Rules(disallowed_words=("casino",))
    assert decide(guest(body="casino"), PROVEN, rules) == Decision(
        SPAM, "spam: disallowed word 'casino' in content")


# --- the block list (spam) -----------------------------------------------------------------

@pytest.mark.parametrize(("entry", "submission"), [
    ("bad@example.net", guest(email="Bad@Example.NET")),
    ("@spam.example", guest(email="anyone@spam.example")),
    ("203.0.113.66", guest(ip="203.0.113.66")),
    ("203.0.113.0/24", guest(ip="203.0.113.201")),
    ("2001:db8::/32", guest(ip="2001:db8:0:1::5")),
    ("spam.example", guest(website="https://spam.example/about")),
    ("spam.example", guest(website="http://www.Spam.Example/")),
    ("https://spam.example/", guest(website="https://spam.example/")),
    ("spam.example", guest(body="Cheap at https://spam.example/offer today")),
    ("spam.example", guest(body='<a href="https://shop.spam.example/x">here</a>')),
    ("spam.example", guest(body="[here](https://spam.example/offer)")),
])
def test_a_block_list_entry_matching_email_ip_or_domain_is_spam(entry, submission):
    rules = Rules(block_list=("nobody@example.com", f"  {entry}  "))
    assert decide(submission, History(), rules) == Decision(SPAM, f"spam: block list '{entry}'")


@pytest.mark.parametrize(("entry", "submission"), [
    ("bad@example.net", guest(email="notbad@example.net")),
    ("@spam.example", guest(email="someone@notspam.example")),
    ("203.0.113.0/24", guest(ip="203.0.114.1")),
    ("203.0.113.0/24", guest(ip="not an ip")),
    ("spam.example", guest(website="https://notspam.example/")),
])
def test_a_block_list_entry_does_not_catch_its_neighbours(entry, submission):
    assert decide(submission, History(), Rules(block_list=(entry,))) == DEFAULT_HOLD


@pytest.mark.parametrize("body", [
    "[cheap pills](https://spam.example)",
    "Cheap pills at https://spam.example.",
    "Cheap pills at https://spam.example, really",
    "Cheap pills at HTTPS://spam.example/offer",
])
def test_a_rendered_link_to_a_blocked_domain_is_spam_however_it_is_written(body):
    rules = Rules(block_list=("spam.example",))
    assert decide(guest(body=body), History(), rules) == Decision(
        SPAM, "spam: block list 'spam.example'")


def test_the_block_list_beats_a_previously_approved_author():
    rules = Rules(block_list=("198.51.100.0/24",))
    assert decide(guest(), PROVEN, rules) == Decision(SPAM, "spam: block list '198.51.100.0/24'")


# --- holds ---------------------------------------------------------------------------------

def test_manual_approval_holds_everyone_even_a_previously_approved_author():
    rules = Rules(manual_approval=True, member_trust_after=1)
    expected = Decision(PENDING, "held: every response is approved by hand")
    assert decide(guest(), History(), rules) == expected
    assert decide(guest(), PROVEN, rules) == expected
    assert decide(guest(role=Role.MEMBER), History(True, approved_count=50), rules) == expected


@pytest.mark.parametrize(("body", "max_links", "expected"), [
    (THREE_LINKS, 2, Decision(PENDING, "held: 3 links")),
    ("One https://a.example/ two http://b.example/", 2, Decision(PENDING, "held: 2 links")),
    ("Just https://a.example/ here", 2, PREVIOUSLY_APPROVED),
    (THREE_LINKS, 4, PREVIOUSLY_APPROVED),
    (THREE_LINKS * 10, 0, PREVIOUSLY_APPROVED),  # 0: never hold for links
    ("[one](https://a.example/x) https://b.example/ HTTP://c.example", 3,
     Decision(PENDING, "held: 3 links")),
])
def test_n_links_or_more_hold_even_a_previously_approved_author(body, max_links, expected):
    assert decide(guest(body=body), PROVEN, Rules(max_links=max_links)) == expected


def test_an_html_link_counts_once():
    body = '<a href="https://a.example/">one link</a>'
    assert count_links(body) == 1
    assert decide(guest(body=body), PROVEN, Rules(max_links=2)) == PREVIOUSLY_APPROVED


@pytest.mark.parametrize(("field", "label"), FIELDS)
def test_a_moderation_word_in_any_field_holds(field, label):
    rules = Rules(moderation_words=("loan",))
    assert decide(with_word_in(field, "LoAn"), PROVEN, rules) == Decision(
        PENDING, f"held: moderation word 'loan' in {label}")


def test_moderation_words_are_matched_inside_longer_words_and_reported_as_typed():
    rules = Rules(moderation_words=("", "pills", " Loan "))
    assert decide(guest(name="Payday LOANS Ltd"), PROVEN, rules) == Decision(
        PENDING, "held: moderation word 'Loan' in name")
    assert decide(guest(), PROVEN, Rules(moderation_words=(" ", ""))) == PREVIOUSLY_APPROVED


# --- approvals that need proof -------------------------------------------------------------

@pytest.mark.parametrize(("kind", "expected"), [
    (ResponseKind.COMMENT, PREVIOUSLY_APPROVED),
    (ResponseKind.QUESTION, PREVIOUSLY_APPROVED),
    (ResponseKind.PINGBACK, DEFAULT_HOLD),
    (ResponseKind.TRACKBACK, DEFAULT_HOLD),
    (ResponseKind.WEBMENTION, DEFAULT_HOLD),
])
def test_a_previously_approved_author_skips_the_hold_for_comments_only(kind, expected):
    assert decide(guest(kind=kind), PROVEN, Rules()) == expected


def test_previously_approved_needs_proof_and_the_setting():
    assert decide(guest(), History(proven_previously_approved=False), Rules()) == DEFAULT_HOLD
    assert decide(guest(), PROVEN, Rules(previously_approved=False)) == DEFAULT_HOLD


def test_a_known_address_without_proof_is_held():
    """An approved comment under the address proves nothing by itself: anyone can type it."""
    assert decide(guest(), History(address_previously_approved=True), Rules()) == DEFAULT_HOLD


def test_member_trust_is_off_by_default():
    assert decide(guest(role=Role.MEMBER), History(approved_count=1000), Rules()) == DEFAULT_HOLD


@pytest.mark.parametrize(("role", "approved", "expected"), [
    (Role.MEMBER, 3, Decision(APPROVED, "approved: member with 3 approved responses")),
    (Role.MEMBER, 7, Decision(APPROVED, "approved: member with 7 approved responses")),
    (Role.MEMBER, 2, DEFAULT_HOLD),
    (Role.MEMBER, 0, DEFAULT_HOLD),
    (None, 3, DEFAULT_HOLD),  # a guest is never a trusted member
    (None, 100, DEFAULT_HOLD),
])
def test_member_trust_after_n_approved_responses(role, approved, expected):
    history = History(approved_count=approved)
    assert decide(guest(role=role), history, Rules(member_trust_after=3)) == expected


# --- the order of the rules ----------------------------------------------------------------

# A member's comment that every rule objects to (or approves of). Taking away what each rule
# looks at, one after the other, must reveal the next rule in WordPress's order.
EVERYTHING = guest(role=Role.MEMBER, honeypot="x", seconds_to_fill=0.5,
                   body=f"casino loan {THREE_LINKS}", email="bad@example.net")
EVERY_RULE = Rules(manual_approval=True, max_links=2, moderation_words=("loan",),
                   disallowed_words=("casino",), block_list=("bad@example.net",),
                   previously_approved=True, member_trust_after=2, min_fill_seconds=2.0)
LADDER = [
    ({}, {}, Decision(SPAM, "spam: filled the field people cannot see")),
    ({"honeypot": ""}, {}, Decision(SPAM, "spam: form filled in 0.5 s")),
    ({"seconds_to_fill": None}, {}, Decision(SPAM, "spam: disallowed word 'casino' in content")),
    ({"body": f"loan {THREE_LINKS}"}, {}, Decision(SPAM, "spam: block list 'bad@example.net'")),
    ({"email": "ada@example.org"}, {},
     Decision(PENDING, "held: every response is approved by hand")),
    ({}, {"manual_approval": False}, Decision(PENDING, "held: 3 links")),
    ({}, {"max_links": 0}, Decision(PENDING, "held: moderation word 'loan' in content")),
    ({}, {"moderation_words": ()}, PREVIOUSLY_APPROVED),
    ({}, {"previously_approved": False},
     Decision(APPROVED, "approved: member with 5 approved responses")),
    ({}, {"member_trust_after": 0}, DEFAULT_HOLD),
]


@pytest.mark.parametrize("step", range(len(LADDER)))
def test_rules_run_in_order_each_one_shadowing_those_after_it(step):
    submission, rules = EVERYTHING, EVERY_RULE
    for submission_change, rule_change, _ in LADDER[:step + 1]:
        submission = replace(submission, **submission_change)
        rules = replace(rules, **rule_change)
    history = History(proven_previously_approved=True, approved_count=5)
    assert decide(submission, history, rules) == LADDER[step][2]


def test_the_trusted_role_check_comes_before_the_bot_traps():
    assert decide(replace(EVERYTHING, role=Role.MODERATOR), PROVEN, EVERY_RULE) == Decision(
        APPROVED, "approved: posted by the site's moderator")


def test_spam_rules_beat_manual_approval():
    rules = Rules(manual_approval=True, disallowed_words=("casino",), block_list=("10.0.0.0/8",))
    assert decide(guest(body="casino"), History(), rules).status is SPAM
    assert decide(guest(ip="10.1.2.3"), History(), rules) == Decision(
        SPAM, "spam: block list '10.0.0.0/8'")


def test_the_disallowed_words_are_checked_before_the_block_list():
    rules = Rules(disallowed_words=("casino",), block_list=("198.51.100.7",))
    assert decide(guest(body="casino"), History(), rules).reason == \
        "spam: disallowed word 'casino' in content"


def test_links_are_checked_before_moderation_words():
    rules = Rules(max_links=2, moderation_words=("loan",))
    assert decide(guest(body=f"loan {THREE_LINKS}"), History(), rules).reason == "held: 3 links"


def test_previously_approved_is_checked_before_member_trust():
    history = History(proven_previously_approved=True, approved_count=9)
    assert decide(guest(role=Role.MEMBER), history, Rules(member_trust_after=1)) == \
        PREVIOUSLY_APPROVED
