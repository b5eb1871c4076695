"""The build log: its vocabulary (step, detail, warning, error, note) and the text of every message."""
