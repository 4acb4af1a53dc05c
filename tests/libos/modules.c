/*
 * Scenario modules: the kernel maps every module after the libOS read-only
 * into the user half and describes it in the info page. The ISO test gives
 * a text file as module 1; this prints its first line and its string.
 */
#include <stdint.h>

#include "print.h"
#include "scenario.h"

#define LINE_MAX 200

int scenario_modules(const struct wk_info *info)
{
	char line[LINE_MAX + 1];
	uint32_t i;

	print("libos: %u modules\n", info->module_count);
	for (i = 0; i < info->module_count && i < WK_INFO_MODULES_MAX; i++)
		print("libos: module %u at 0x%lx, %lu bytes, string \"%s\"\n", i,
		      (unsigned long)info->modules[i].address,
		      (unsigned long)info->modules[i].size,
		      info->modules[i].string);
	if (info->module_count < 2) {
		print("libos: FAIL no module 1\n");
		return 1;
	}

	const struct wk_module *module = &info->modules[1];
	const volatile char *text = (const volatile char *)module->address;
	uint64_t length = 0;
	while (length < module->size && length < LINE_MAX &&
	       text[length] != '\n') {
		line[length] = text[length];
		length++;
	}
	line[length] = '\0';
	print("libos: module 1 first line: %s\n", line);
	print("libos: module 1 string: %s\n", module->string);
	return 0;
}
