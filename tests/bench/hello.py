"""The ceiling: a bare Flask "hello" app, served by the same gunicorn settings as Parley."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
