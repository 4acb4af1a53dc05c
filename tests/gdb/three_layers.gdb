# Run by tests/gdb/gdb_check.py through tools/gdb_session.py: stop in the
# app (its main), in the libOS (write_console) and in the kernel
# (native_console_write), each with its symbols.
continue
bt 1
hbreak write_console
continue
bt 1
hbreak native_console_write
continue
bt 1
