"""The shell scripts that ask ctlsupport for completions (committed under completions/).

They are Typer's scripts for each shell, so the protocol is Typer's. The zsh one has
a small wrapper: installed in $fpath, Typer's file only registers its function on the
first TAB (which then lists nothing) and completes from the second; the wrapper
completes at once when compinit autoloads it.
"""

from __future__ import annotations

PROG = "ctlsupport"
VAR = "_CTLSUPPORT_COMPLETE"
FUNC = "_ctlsupport_completion"

BASH = f"""\
{FUNC}() {{
    local IFS=$'\\n'
    COMPREPLY=( $( env COMP_WORDS="${{COMP_WORDS[*]}}" \\
                   COMP_CWORD=$COMP_CWORD \\
                   {VAR}=complete_bash $1 ) )
    return 0
}}

complete -o default -F {FUNC} {PROG}"""

ZSH = f"""\
#compdef {PROG}

{FUNC}() {{
  eval $(env _TYPER_COMPLETE_ARGS="${{words[1,$CURRENT]}}" {VAR}=complete_zsh {PROG})
}}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  # Autoloaded from $fpath by compinit on the first TAB: complete now.
  {FUNC} "$@"
else
  # Sourced: register for the TABs to come.
  compdef {FUNC} {PROG}
fi"""

FISH = (
    f"complete --command {PROG} --no-files "
    f'--arguments "(env {VAR}=complete_fish _TYPER_COMPLETE_FISH_ACTION=get-args '
    f'_TYPER_COMPLETE_ARGS=(commandline -cp) {PROG})" '
    f'--condition "env {VAR}=complete_fish _TYPER_COMPLETE_FISH_ACTION=is-args '
    f'_TYPER_COMPLETE_ARGS=(commandline -cp) {PROG}"'
)

POWERSHELL = f"""\
Import-Module PSReadLine
Set-PSReadLineKeyHandler -Chord Tab -Function MenuComplete
$scriptblock = {{
    param($wordToComplete, $commandAst, $cursorPosition)
    $Env:{VAR} = "complete_powershell"
    $Env:_TYPER_COMPLETE_ARGS = $commandAst.ToString()
    $Env:_TYPER_COMPLETE_WORD_TO_COMPLETE = $wordToComplete
    {PROG} | ForEach-Object {{
        $commandArray = $_ -Split ":::"
        $command = $commandArray[0]
        $helpString = $commandArray[1]
        [System.Management.Automation.CompletionResult]::new(
            $command, $command, 'ParameterValue', $helpString)
    }}
    $Env:{VAR} = ""
    $Env:_TYPER_COMPLETE_ARGS = ""
    $Env:_TYPER_COMPLETE_WORD_TO_COMPLETE = ""
}}
Register-ArgumentCompleter -Native -CommandName {PROG} -ScriptBlock $scriptblock"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH, "powershell": POWERSHELL}
# The file each script is committed as, under completions/.
FILES = {"bash": "ctlsupport.bash", "zsh": "_ctlsupport", "fish": "ctlsupport.fish",
         "powershell": "ctlsupport.ps1"}  # fmt: skip


def script(shell: str) -> str:
    """The completion script for one shell (bash, zsh, fish, powershell)."""
    return SCRIPTS[shell]
