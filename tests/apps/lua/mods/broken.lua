-- A module with a syntax error, for modules.lua.
return {
