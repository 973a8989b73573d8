"""The Celery application and the shared task base."""
