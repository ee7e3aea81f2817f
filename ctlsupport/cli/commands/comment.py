"""`ctlsupport comment`: flags in, the comment action (actions/comment.py), its result out."""

from __future__ import annotations

from typing import Annotated

import typer

from ctlsupport.cli import options
from ctlsupport.cli.completion import complete
from ctlsupport.cli.context import AppState
from ctlsupport.cli.options import RequestId

HELP = "Add a comment to a request (signed with your full name), with attachments."
EPILOG = (
    "Examples:\n\n"
    "  ctlsupport comment 1042 --body 'The customer confirms the server is back.'\n\n"
    "  ctlsupport comment 1042 --body-file notes.txt --attach ping.log\n\n"
    "  dmesg | tail -50 | ctlsupport --no-input comment 1042 --body-file -\n\n"
    "  ctlsupport comment 1042 --resume        (a draft saved by Ctrl-C or a failure)\n\n"
    "  ctlsupport comment 1042 --via email --body '...'   (a reply to the ticket's mail)\n\n"
    "  ctlsupport comment 1042 --via email --in-reply-to '<...@partner.example>' --body '...'"
)


def comment(
    ctx: typer.Context,
    request_id: RequestId,
    body: Annotated[
        str | None, typer.Option("--body", "-b", help="The comment text.", metavar="TEXT")
    ] = None,
    body_file: Annotated[
        str | None,
        typer.Option(
            "--body-file",
            "-F",
            help="Read the text from FILE (- for stdin).",
            metavar="FILE",
            autocompletion=complete.paths,
        ),
    ] = None,
    attach: Annotated[
        list[str] | None,
        typer.Option(
            "--attach",
            "-a",
            help="Attach a file (repeatable).",
            metavar="FILE",
            autocompletion=complete.paths,
        ),
    ] = None,
    full_name: Annotated[
        str | None,
        typer.Option("--full-name", help="Your full name for the signature (default: profile's)."),
    ] = None,
    follow_up: Annotated[
        bool | None,
        typer.Option(
            "--follow-up/--no-follow-up",
            help="On a closed request: open a follow-up request instead (asked if not given).",
        ),
    ] = None,
    via: Annotated[
        str | None,
        options.via_option(
            "api (the desk's API) or email (a reply to the mail that opened the ticket "
            "from here); default: the profile's `via`, else api."
        ),
    ] = None,
    in_reply_to: Annotated[
        str | None,
        typer.Option(
            "--in-reply-to",
            metavar="MESSAGE-ID",
            help="--via email without API access: the Message-ID that `open --via email` "
            "printed for the mail that became this ticket (remembered from then on).",
        ),
    ] = None,
    resume: Annotated[
        str | None,
        typer.Option(
            "--resume",
            metavar="[DRAFT]",
            help="Send a saved comment draft: the newest, or draft number DRAFT.",
        ),
    ] = None,
    no_redact: Annotated[
        bool,
        typer.Option(
            "--no-redact",
            help="Send the text and text attachments without redacting secret-looking "
            "text (your PIN and passwords are still masked).",
        ),
    ] = False,
) -> None:
    from ctlsupport.actions import comment as action
    from ctlsupport.cli.commands.open import piped_stdin

    state: AppState = ctx.obj
    opts = action.CommentOptions(
        request_id=request_id,
        body=body,
        body_file=body_file,
        stdin=piped_stdin(body_file) if body_file == "-" else None,
        attachments=list(attach or []),
        full_name=full_name,
        follow_up=follow_up,
        route=options.route(via, state.profile().via),
        in_reply_to=in_reply_to,
        resume=resume,
        redact=not no_redact,
    )
    state.out.done(action.comment(opts, state))
