"""The user actions, with no terminal: one module per action (open, comment, escalate, ...).

Each takes a plain options object, a `Session` (what one run holds: settings, profile,
secrets, desk client, outbox) and an `Asker` for questions, reports progress through a
callback, and returns a result object or raises an error from `ctlsupport.errors`. The
terminal layer (`ctlsupport.cli`) turns flags into options, answers the questions and
renders the results; imports point one way: cli -> actions -> core -> transport, config,
store.
"""
