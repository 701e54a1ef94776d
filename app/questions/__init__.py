"""Career questions: asked in an article's discussion or on their own page, answered by
replies, an answer accepted, answers marked helpful; listed, searched and fed on /questions.

The routes are in `views` (a question's page, asking, answering, accepting, voting) and
`list_views` (the Questions page and its feeds); `create_app` imports them when it registers
the blueprint, since the discussion's own modules use this package's rules and services.
"""

from flask import Blueprint

bp = Blueprint("questions", __name__)
