-- A module that fails while loading, for modules.lua.
error("raised while loading " .. ...)
