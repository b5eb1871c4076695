"""The app's Python: which version it asks for, the interpreters that can give it, and copying one into the slug so that it runs wherever the slug is moved."""
