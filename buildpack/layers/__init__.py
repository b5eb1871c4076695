"""What a build keeps in CACHE_DIR between builds: the store, and one module per cached layer with the reasons it gives for discarding it."""
