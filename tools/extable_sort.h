/*
 * The exception-table sorter's interface (tools/extable_sort.c), for the
 * tool's main and for tests/unit/test_extable.c. Functions return 0 on
 * success, or -1 with a message in `error`.
 */
#ifndef TOOLS_EXTABLE_SORT_H
#define TOOLS_EXTABLE_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts `size` bytes of entries living at runtime address
 * `section_address`, keeping every absolute target (stable). */
int extable_sort_entries(uint8_t *bytes, size_t size, uint64_t section_address);
int extable_sort_image(uint8_t *image, size_t size, char *error,
		       size_t error_size);
int extable_check_image(const uint8_t *image, size_t size, char *error,
			size_t error_size);
int extable_verify_image(const uint8_t *before, size_t before_size,
			 const uint8_t *after, size_t after_size, char *error,
			 size_t error_size);
int extable_sort_file(const char *in_path, const char *out_path, char *error,
		      size_t error_size);
int extable_check_file(const char *path, char *error, size_t error_size);

#endif /* TOOLS_EXTABLE_SORT_H */
