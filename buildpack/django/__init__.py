"""Django's part of a build: finding the project, reading its settings through manage.py, and collectstatic."""
