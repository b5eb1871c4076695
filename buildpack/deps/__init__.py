"""The app's dependencies: which manifest lists them, reading requirements files, the installers (uv, pip) and installing into the slug's Python."""
