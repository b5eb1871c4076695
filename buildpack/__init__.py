"""The buildpack: detect, compile and release a Django (or plain Python) app.

Standard library only: it runs on a bare build host before anything is installed, on the
first python3 there that is at least PYTHON_FLOOR. `bin/*` are thin wrappers over
`python3 -m buildpack <step>`.
"""

# The oldest Python that runs the build's own code (and runtime/); bin/_buildpack reads this
# line to choose the build host's python3, and setup.cfg and the docs state the same.
PYTHON_FLOOR = (3, 10)
