"""What each `shadowspend` command does, as typed functions: they take plain values, return
results and raise :class:`~app.errors.AppError` (its detail is what the command says), and
tests call them directly. The commands in ``app/cli*.py`` only parse options, call one of
these and print; they import these modules when a command runs, so ``shadowspend --help``
loads none of the database, the catalog or the connectors."""
