"""Tests of the Procfile runtime: `runtime start`, `run`, `release`, `config`, `export`, `check`."""
