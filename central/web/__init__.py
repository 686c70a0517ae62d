"""The officers' tablet page and its JSON API, served by central over HTTP."""
