"""Random draws (双随机、一公开): who draws, from which library, the record that lets anyone
re-run a draw to the same result, the positive list; officer pages and commands."""
