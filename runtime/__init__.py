"""The `runtime` command: build a Django app with the buildpack and run its Procfile."""
