"""The supervisor behind `runtime start` and `runtime release`: the processes it starts and stops, the output it prefixes, and the descendants it reaps."""
