/* Included first in every libOS file (meson: -include): the libOS is one
 * static image, so every symbol, declared or defined, is hidden and
 * reached RIP-relative, never through a GOT (libos.ld has none). */
#pragma GCC visibility push(hidden)
