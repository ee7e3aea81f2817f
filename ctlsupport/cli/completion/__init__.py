"""TAB completion, all in one place: the values offered (`complete`), the answer to a
completion request without Typer (`engine`, from the generated `table`), and each
shell's script (`scripts`)."""
