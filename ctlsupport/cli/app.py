"""The Typer app and `main()`, the one error boundary of the program."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ctlsupport import __version__
from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState
from ctlsupport.errors import CtlError
from ctlsupport.exitcodes import ExitCode

app = typer.Typer(
    name="ctlsupport",
    help="Open, track and escalate support tickets at the provider's desk.",
    epilog="Try it with no account: ctlsupport --sandbox open",
    no_args_is_help=True,
    add_completion=False,
    # Pretty exceptions print local variables: a PIN could end up on screen.
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# The state of the current run, for main() to render errors the way the user asked.
_current: AppState | None = None


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"ctlsupport {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            help="Profile to use (default: CTLSUPPORT_PROFILE).",
            autocompletion=complete.profiles,
        ),
    ] = None,
    sandbox: Annotated[
        bool,
        typer.Option("--sandbox", help="Use the embedded local sandbox desk: no account needed."),
    ] = False,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print exactly one JSON object on stdout.")
    ] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt; fail on missing input.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show HTTP traffic (secrets masked) and tracebacks.")
    ] = False,
    accessible: Annotated[
        bool,
        typer.Option(
            "--accessible",
            help="Plain line-by-line prompts for screen readers: no cursor movement, no "
            "spinner (also CTLSUPPORT_ACCESSIBLE=1).",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Open, track and escalate support tickets at the provider's desk."""
    global _current
    state = AppState(
        profile_name=profile,
        sandbox=sandbox,
        json=json_output,
        no_input=no_input,
        debug=debug,
        accessible=accessible,
    )
    _current = state  # main() closes it, after the outbox is flushed on the same desk
    ctx.obj = state


def _register() -> None:
    from ctlsupport.cli.commands import customers, outbox, sandbox, setup, templates, tickets
    from ctlsupport.cli.commands import open as open_cmd

    app.command("open", help=open_cmd.HELP, epilog=open_cmd.EPILOG)(open_cmd.open_ticket)
    app.command("list", help=tickets.LIST_HELP, epilog=tickets.LIST_EPILOG)(tickets.list_requests)
    app.command("show", help=tickets.SHOW_HELP, epilog=tickets.SHOW_EPILOG)(tickets.show_request)
    _register_tracking()
    app.command("setup", help=setup.HELP, epilog=setup.EPILOG)(setup.setup)
    app.add_typer(sandbox.app, name="sandbox")
    app.add_typer(outbox.app, name="outbox")
    app.add_typer(outbox.drafts_app, name="drafts")
    app.add_typer(customers.app, name="customers")
    app.add_typer(templates.app, name="templates")
    _register_completion()
    _register_credentials()
    _register_process()


def _register_tracking() -> None:
    """Following tickets after they are opened: comment, solve, watch."""
    from ctlsupport.cli.commands import comment, solve, watch

    app.command("comment", help=comment.HELP, epilog=comment.EPILOG)(comment.comment)
    app.command("solve", help=solve.HELP, epilog=solve.EPILOG)(solve.solve)
    app.command("watch", help=watch.HELP, epilog=watch.EPILOG)(watch.watch)
    from ctlsupport.cli.commands import sync as sync_cmd

    app.command("sync", help=sync_cmd.HELP, epilog=sync_cmd.EPILOG)(sync_cmd.sync)


def _register_credentials() -> None:
    from ctlsupport.cli.commands import auth, config_cmd, doctor

    app.add_typer(auth.app, name="auth")
    app.add_typer(config_cmd.app, name="config")
    app.command("doctor", help=doctor.HELP, epilog=doctor.EPILOG)(doctor.doctor)


def _register_process() -> None:
    """The provider's process: escalation, service tasks, matrix, knowledge base, status."""
    from ctlsupport.cli.commands import escalate, kb, matrix, status, task

    app.command("task", help=task.HELP, epilog=task.EPILOG)(task.task)
    app.command("escalate", help=escalate.HELP, epilog=escalate.EPILOG)(escalate.escalate)
    app.command("matrix", help=matrix.HELP)(matrix.matrix)
    app.command("status", help=status.HELP, epilog=status.EPILOG)(status.status)
    app.add_typer(kb.app, name="kb")
    from ctlsupport.cli.commands import report as report_cmd

    app.command("report", help=report_cmd.HELP, epilog=report_cmd.EPILOG)(report_cmd.report)


def _register_completion() -> None:
    from ctlsupport.cli.commands import completion

    app.command("completion", help=completion.HELP, epilog=completion.EPILOG)(completion.completion)


_register()


# Options whose value may be left out (`open --resume` = the newest draft). Typer has
# no public way to declare that, so the missing value is filled in before parsing.
OPTIONAL_VALUES = {"--resume": "latest"}


def _optional_values(argv: list[str]) -> list[str]:
    out = []
    for index, arg in enumerate(argv):
        out.append(arg)
        if arg == "--":
            return out + argv[index + 1 :]
        following = argv[index + 1] if index + 1 < len(argv) else None
        if arg in OPTIONAL_VALUES and (following is None or following.startswith("-")):
            out.append(OPTIONAL_VALUES[arg])
    return out


def _wants(flag: str, argv: list[str]) -> bool:
    """Whether a global flag was given, for errors raised before the callback ran."""
    return flag in argv[: argv.index("--")] if "--" in argv else flag in argv


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every error becomes one line (or JSON) and an exit code here."""
    global _current
    _current = None
    if "ctlsupport.store.outbox" in sys.modules:
        sys.modules["ctlsupport.store.outbox"].new_run()
    from ctlsupport.cli import help_style
    from ctlsupport.cli.global_flags import hoist
    from ctlsupport.cli.output import quiet_stdout

    # Built once, for hoist() and the run; help texts in the one style.
    command = help_style.apply(typer.main.get_command(app))
    args = hoist(_optional_values(list(sys.argv[1:] if argv is None else argv)), command)
    code: int
    try:
        result = _invoke(command, args)
        code = result if isinstance(result, int) else ExitCode.OK
        if code == ExitCode.OK and _current is not None:
            _send_queued(_current)
    except (Exception, KeyboardInterrupt):
        code = fail(args)
    finally:
        if _current is not None:
            _current.close()
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            quiet_stdout()
    return int(code)


def fail(args: list[str], state: AppState | None = None) -> int:
    """The error being handled, as one line (or JSON) and its exit code: the boundary
    shared by main() and the light path of entry.py."""
    from typer._click import exceptions as click_exc

    global _current
    if state is not None:
        _current = state
    exc = sys.exc_info()[1]
    if isinstance(exc, BrokenPipeError):  # `ctlsupport list | head`: the reader has gone
        from ctlsupport.cli.output import quiet_stdout

        quiet_stdout()
        return ExitCode.OK
    if isinstance(exc, CtlError):
        _output(args).error(exc)
        _maybe_traceback(args)
        return exc.exit_code
    if isinstance(exc, click_exc.NoArgsIsHelpError):  # `ctlsupport` or `ctlsupport auth` alone
        sys.stdout.write(exc.format_message() + "\n")
        return ExitCode.OK
    if isinstance(exc, click_exc.UsageError):
        out = _output(args)
        if out.json_mode:
            out.error(_usage(exc))
        else:
            sys.stderr.write(f"ctlsupport: error: {exc.format_message()}\n")
            sys.stderr.write(f"hint: run `{_command_path(exc)} --help` for usage.\n")
        return ExitCode.USAGE
    if isinstance(exc, typer.Abort | KeyboardInterrupt):  # Ctrl-C anywhere, at a prompt or not
        _output(args).error(_interrupted())
        return ExitCode.INTERRUPTED
    if isinstance(exc, click_exc.ClickException):
        _output(args).error(CtlError(exc.format_message()))
        return ExitCode.USAGE
    # The boundary: anything unexpected is still one line.
    error = _known_failure(exc) or _internal(exc)
    _output(args).error(error)
    _maybe_traceback(args)
    return error.exit_code


def _invoke(command, args: list[str]):
    """Run the command as Click's main() would, minus its handling of Ctrl-C (an exit
    130 that nobody sees) and of a closed stdout: main() handles both, visibly."""
    try:
        with command.make_context("ctlsupport", args) as ctx:
            return command.invoke(ctx)
    except typer.Exit as exc:
        return exc.exit_code
    except EOFError:  # stdin closed at a prompt
        raise typer.Abort() from None


def _known_failure(exc: BaseException | None) -> CtlError | None:
    """Failures of the machine, not of the program: one line that says what to do."""
    import sqlite3

    if isinstance(exc, sqlite3.Error):
        from ctlsupport.store.db import explain

        return explain(exc)
    return None


def _internal(exc: BaseException | None) -> CtlError:
    from ctlsupport.secret import SCRUBBER

    return CtlError(
        f"internal error: {type(exc).__name__}: {SCRUBBER.scrub(str(exc))}",
        hint="Run again with --debug and report the traceback.",
    )


def _send_queued(state: AppState) -> None:
    """After a command that reached the desk, deliver what is still queued (quietly)."""
    if not state.talked_to_desk or state.outbox_flushed:
        return
    try:
        if not state.settings().auto_send_outbox:
            return
        from ctlsupport.actions.delivery import send_pending

        report = send_pending(state, interactive=False)
    except CtlError as exc:
        state.out.debug_line(f"queued items not sent: {exc.message}")
        return
    except Exception as exc:  # the command itself went well: its result stands alone
        error = _known_failure(exc) or _internal(exc)
        state.out.warn(f"queued items not sent: {error.message}")
        return
    for line in report.lines:
        state.out.note(f"outbox: {line}")


def _output(args: list[str]):
    if _current is not None:
        return _current.out
    from ctlsupport.cli.output import Output

    return Output(json_mode=_wants("--json", args), debug=_wants("--debug", args))


def _usage(exc: Exception) -> CtlError:
    from ctlsupport.errors import UsageError

    return UsageError(exc.format_message(), hint="Run with --help for usage.")  # type: ignore[attr-defined]


def _interrupted() -> CtlError:
    """Ctrl-C: say what became of a submission this run had queued."""
    from ctlsupport.errors import Interrupted

    kept = []
    if "ctlsupport.store.outbox" in sys.modules:  # only if this run touched the outbox
        from ctlsupport.store.outbox import unsent_this_run

        kept = unsent_this_run()
    if not kept:
        return Interrupted("interrupted; nothing more was sent")
    items = ", ".join(str(i) for i in kept)
    return Interrupted(
        f"interrupted; kept in the outbox as item {items}",
        hint="`ctlsupport outbox send` sends it (it is looked for at the desk first, "
        "never sent twice).",
    )


def _command_path(exc: Exception) -> str:
    ctx = getattr(exc, "ctx", None)
    return ctx.command_path if ctx is not None else "ctlsupport"


def _maybe_traceback(args: list[str]) -> None:
    if (_current.debug if _current else _wants("--debug", args)) and sys.exc_info()[0]:
        import traceback

        from ctlsupport.secret import SCRUBBER

        sys.stderr.write(SCRUBBER.scrub(traceback.format_exc()))


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
