"""The DAO dashboard (issue 9): HTML shells and the browser client of the project's own JSON API.

The server side only serves the page shell (api/dashboard/templates/dashboard.html) for every dashboard
URL and the static ES modules; all data and every action go through /api/v1 from the browser,
so validation, access checks, rate limits, idempotency keys and jobs apply as for any caller.
"""
