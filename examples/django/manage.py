#!/usr/bin/env python
"""The Django example's command line: `python manage.py migrate`, then `python manage.py runserver`."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
