"""The buildpack: detect, compile and release a Django (or plain Python) app.

Standard library only, Python >= 3.9: it runs on a bare build host before anything is
installed. `bin/*` are thin wrappers over `python3 -m buildpack <step>`.
"""
