/*
 * An embedded Lua 5.4 (differential; Debian's liblua5.4.a, built for glibc,
 * linked statically with gcc): `lua_run SCRIPT [ARGS...]` opens the
 * standard libraries, sets the global `arg` as the stand-alone interpreter
 * does (arg[0] the script, arg[1..] the rest) and runs SCRIPT. The scripts
 * are in tests/apps/lua/, the working directory on the host and the file
 * archive under Wicket (differential.py --files).
 *
 * A Lua error prints "lua_run: " and the message, with a traceback, on
 * stderr and exits 1; os.exit gives its own status. stdout is line
 * buffered on both sides (on the host it is a pipe, under Wicket the
 * console), so its lines and stderr's interleave the same way.
 */
#include <stdio.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

/* The message handler: the error message with a traceback from where it
 * was raised (a non-string error value is described by its type). */
static int lua_run_traceback(lua_State *state)
{
	const char *message = lua_tostring(state, 1);

	if (message == NULL)
		message = lua_pushfstring(state, "(error object is a %s value)",
					  luaL_typename(state, 1));
	luaL_traceback(state, state, message, 1);
	return 1;
}

/* Runs argv[1] with arg = {[0] = argv[1], argv[2], ...}; returns the
 * status for exit(). */
static int lua_run_script(lua_State *state, int argc, char **argv)
{
	lua_createtable(state, argc - 2, 1);
	for (int i = 1; i < argc; i++) {
		lua_pushstring(state, argv[i]);
		lua_rawseti(state, -2, i - 1);
	}
	lua_setglobal(state, "arg");

	lua_pushcfunction(state, lua_run_traceback);
	if (luaL_loadfile(state, argv[1]) != LUA_OK ||
	    lua_pcall(state, 0, 0, -2) != LUA_OK) {
		fflush(stdout);
		fprintf(stderr, "lua_run: %s\n", lua_tostring(state, -1));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: lua_run SCRIPT [ARGS...]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	lua_State *state = luaL_newstate();
	if (state == NULL) {
		fprintf(stderr, "lua_run: cannot create a Lua state\n");
		return 1;
	}
	luaL_openlibs(state);
	int status = lua_run_script(state, argc, argv);
	lua_close(state);
	return status;
}
