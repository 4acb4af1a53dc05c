# Run by tests/gdb/gdb_check.py through tools/gdb_session.py: stop in the
# app (its main), in the kernel's SYSCALL entry, in the libOS
# (write_console) and in the kernel's C (native_console_write), each with
# its symbols.
continue
bt 1
hbreak syscall_entry
continue
info symbol $pc
delete 2
hbreak write_console
continue
bt 1
hbreak native_console_write
continue
bt 1
