"""The spam model: a classifier trained on the site's own moderators' decisions.

features.py  what the model looks at in a response (pure)
model.py     multinomial naive Bayes over those features, and its three outcomes (pure)
store.py     the model in the database: counts, examples, learning, classify()
training.py  labelled files (CSV, WXR) read into examples
evaluation.py  the leave-one-video-out measure on the YouTube Spam Collection (`make spam-eval`)
jobs.py      learning from a moderator's decision, through the task queue
commands.py  `flask spam retrain`, `flask spam train FILE`, `flask spam eval`
figures.py   what the settings page and the dashboard show about it

Nothing here makes a network call: the model, its data and its decisions stay in the site's
database.
"""
