/*
 * CPython 3.11 as one static program (Debian's libpython3.11.a, glibc),
 * for the differential test app-python: the same binary runs on the host
 * and under Wicket. Its module path is the standard library's directory
 * and nothing else: no lib-dynload (a static program cannot load the
 * host's extension modules, and the host's glibc would try), no
 * site-packages (the site module is not imported), so both sides import
 * the same files. Arguments are python's own (`-u script.py`).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define STANDARD_LIBRARY "/usr/lib/python3.11"

int main(int argc, char **argv)
{
	PyConfig config;
	PyStatus status;

	PyConfig_InitPythonConfig(&config);
	config.site_import = 0;
	config.module_search_paths_set = 1;
	status = PyWideStringList_Append(&config.module_search_paths,
					 L"" STANDARD_LIBRARY);
	if (!PyStatus_Exception(status))
		status = PyConfig_SetBytesArgv(&config, argc, argv);
	if (!PyStatus_Exception(status))
		status = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(status))
		Py_ExitStatusException(status);
	return Py_RunMain();
}
