"""The WSGI entry point: `gunicorn wsgi:app`."""
from hotline import create_app
from hotline.web_preload import run_web_preload

app = run_web_preload(create_app())
