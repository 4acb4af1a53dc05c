/*
 * CPython 3.11 as one static program (Debian's libpython3.11.a, glibc),
 * for the differential test app-python: the same binary runs on the host
 * and under Wicket. Its module path is the standard library's directory
 * and nothing else: no lib-dynload (a static program cannot load the
 * host's extension modules, and the host's glibc would try), no
 * site-packages (the site module is not imported), so both sides import
 * the same files. Arguments are python's own (`-u script.py`).
 *
 * Debian builds _contextvars as an extension module, which a static
 * program cannot load, and asyncio (through contextvars) and decimal need
 * it: it is built in here. It only names what the interpreter's core
 * already has (Python/context.c).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define STANDARD_LIBRARY "/usr/lib/python3.11"

static PyObject *copy_context(PyObject *module, PyObject *unused)
{
	(void)module;
	(void)unused;
	return PyContext_CopyCurrent();
}

static PyMethodDef contextvars_functions[] = {
	{ "copy_context", copy_context, METH_NOARGS,
	  "A copy of the current context." },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef contextvars_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "_contextvars",
	.m_size = -1,
	.m_methods = contextvars_functions,
};

static PyObject *init_contextvars(void)
{
	PyObject *module = PyModule_Create(&contextvars_module);

	if (module != NULL &&
	    (PyModule_AddType(module, &PyContext_Type) < 0 ||
	     PyModule_AddType(module, &PyContextVar_Type) < 0 ||
	     PyModule_AddType(module, &PyContextToken_Type) < 0))
		Py_CLEAR(module);
	return module;
}

int main(int argc, char **argv)
{
	PyConfig config;
	PyStatus status;

	if (PyImport_AppendInittab("_contextvars", init_contextvars) < 0)
		return 1;
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
