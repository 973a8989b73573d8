"""The HTTP baseline of bench/votes.py: a Flask app with one JSON endpoint, served by gunicorn
under the API's own settings (api/gunicorn_conf.py), so that the vote POST rate is read against
what the same server, threads and client reach for a request that does nothing."""

from flask import Flask, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/ping")
    def ping():
        # Parses the body like a route's schema would start to, answers JSON like the vote route.
        return {"ok": True, "received": request.get_json(silent=True) is not None}, 202

    return app
