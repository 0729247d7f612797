"""The WSGI entry point: `gunicorn salon.wsgi` (forked workers each get the SDK's runtime anew)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon.settings")
application = get_wsgi_application()
