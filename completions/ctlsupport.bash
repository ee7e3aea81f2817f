_ctlsupport_completion() {
    local IFS=$'\n'
    COMPREPLY=( $( env COMP_WORDS="${COMP_WORDS[*]}" \
                   COMP_CWORD=$COMP_CWORD \
                   _CTLSUPPORT_COMPLETE=complete_bash $1 ) )
    return 0
}

complete -o default -F _ctlsupport_completion ctlsupport
