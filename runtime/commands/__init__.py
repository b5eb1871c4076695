"""One module per `runtime` sub-command; each has `add_parser(subparsers)`."""
