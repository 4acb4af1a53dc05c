/*
 * The libOS's start (docs/libos.md): check the info page, take the
 * options, set up events, load the app (module 1) with its argv and
 * environment, and enter it. Runs once, on the kernel's boot stack; from
 * then on the libOS runs only in its event handler.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/archive.h"
#include "linux/clock.h"
#include "linux/exec.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/procfs.h"
#include "linux/syscalls.h"
#include "loader/argv.h"
#include "mm/vm.h"
#include "net/netif.h"
#include "options.h"
#include "trap/fastcall.h"
#include "trap/patch.h"
#include "sched/sched.h"
#include "terminal.h"
#include "trap/event.h"
#include "wicket/native.h"

#define ARGV_MAX 128
#define ENV_MAX  (OPTIONS_ENV_MAX + 8)

const struct wk_info *libos_info;
struct wk_vcpu *libos_vcpu;

static const char *const default_env[] = {
	"HOME=/",
	"PATH=/usr/local/bin:/usr/bin:/bin",
	"TERM=linux",
};

/* wicket.bootlog: each stage's end in microseconds since the kernel's
 * first instruction (the info page's TSC readings). */
static void print_boot_log(uint64_t libos_start_tsc)
{
#define STAGE_NAME(index, name) name,
	static const char *const names[] = { WK_BOOT_STAGES(STAGE_NAME) };
#undef STAGE_NAME
	uint64_t per_us = libos_info->tsc_frequency_hz / 1000000;

	if (per_us == 0)
		per_us = 1;
	libos_report("boot log (microseconds since the kernel started):");
	for (unsigned i = 0; i < WK_BOOT_STAGE_COUNT; i++)
		libos_report("  %8lu  %s",
			     (libos_info->boot_stage_tsc[i] -
			      libos_info->boot_tsc) / per_us, names[i]);
	libos_report("  %8lu  libOS started",
		     (libos_start_tsc - libos_info->boot_tsc) / per_us);
	libos_report("  %8lu  app loaded, entering it",
		     (rdtsc() - libos_info->boot_tsc) / per_us);
}

void libos_exit(int status)
{
	static int kept_status = -1;

	/* As Linux's exit closes the descriptors and the kernel sends what
	 * their connections held: the run goes on until they have, for
	 * NET_LINGER_SECONDS at most. */
	if (kept_status < 0 && netif_exit()) {
		kept_status = status & 0xff;
		sched_linger(rdtsc() + clock_ns_to_ticks(NET_LINGER_SECONDS *
							 UINT64_C(1000000000)));
	}
	if (kept_status >= 0)
		status = kept_status;
	if (options.strace) {
		struct patch_counts sites = patch_counts();

		libos_report("call sites: %u rewritten (%u answered in the "
			     "trampoline), %u left to the kernel",
			     sites.patched, sites.answered, sites.refused);
	}
	terminal_end();
	for (;;)
		wk_exit(status & 0xff);
}

/* Modules 2 on: file archives (module string "files", linux/archive.h),
 * each adding to the tree in turn (a name already there stays as the
 * first gave it); anything else is reported and left alone. */
static void load_files(const struct wk_info *info)
{
	for (uint32_t i = 2; i < info->module_count; i++) {
		const struct wk_module *module = &info->modules[i];

		if (string_equals_word("files", 5, module->string))
			archive_load((const uint8_t *)module->address,
				     module->size);
		else
			libos_report("module %u (\"%s\") is not a file "
				     "archive (a module \"files\"); left "
				     "alone", i, module->string);
	}
}

/* The app's module as a file of the tree at wicket.exe's path, unless
 * the tree has a file there already, which is then the app's. */
static unsigned place_executable(const struct wk_module *module,
				 const char *path)
{
	unsigned node = archive_place(path, (const uint8_t *)module->address,
				      module->size, S_IFREG | 0755,
				      (int64_t)(clock_realtime_ns() /
						1000000000));

	if (node == NO_NODE)
		libos_report("wicket.exe: the app cannot be %s in the file "
			     "tree (a directory there, or a file above it, or "
			     "the tree is full); /proc/self/exe names it all "
			     "the same", path);
	else
		files_set_executable(node);
	return node;
}

__attribute__((noreturn)) static void refuse_app(const char *reason)
{
	libos_report("bad app: %s", reason);
	libos_exit(LIBOS_EXIT_BAD_APP);
}

/* The environment: the defaults, then each wicket.env=NAME=VALUE,
 * replacing an entry with the same NAME. */
static int build_env(const char **env)
{
	int count = 0;

	for (unsigned i = 0; i < sizeof(default_env) / sizeof(*default_env);
	     i++)
		env[count++] = default_env[i];
	for (unsigned i = 0; i < options.env_count; i++) {
		const char *entry = options.env[i];
		size_t name = 0;
		int slot = count;

		while (entry[name] != '=')
			name++;
		for (int j = 0; j < count; j++)
			if (memcmp(env[j], entry, name + 1) == 0)
				slot = j;
		env[slot] = entry;
		if (slot == count)
			count++;
	}
	return count;
}

/* The vCPU page and the upcall stack (layout.h), then event_setup. */
static void setup_events(void)
{
	if (wk_mem_map(LIBOS_VCPU_ADDRESS, PAGE_SIZE,
		       WK_PROT_READ | WK_PROT_WRITE) < 0 ||
	    wk_mem_map(LIBOS_UPCALL_STACK_BOTTOM, LIBOS_UPCALL_STACK_BYTES,
		       WK_PROT_READ | WK_PROT_WRITE) < 0) {
		libos_report("no memory for the libOS's own pages");
		libos_exit(WK_EXIT_LIBOS_DOUBLE_FAULT);
	}
	libos_vcpu = (struct wk_vcpu *)LIBOS_VCPU_ADDRESS;
	/* Masked until the app runs: a fault in the libOS's start is then
	 * the kernel's libOS double-fault report, not an app signal. */
	libos_vcpu->events_masked = 1;
	if (wk_event_setup((long)event_entry, LIBOS_VCPU_ADDRESS,
			   LIBOS_UPCALL_STACK_BOTTOM +
				   LIBOS_UPCALL_STACK_BYTES) < 0) {
		libos_report("event_setup refused");
		libos_exit(WK_EXIT_LIBOS_DOUBLE_FAULT);
	}
}

__attribute__((noreturn)) void libos_main(const struct wk_info *info)
{
	static bool started;
	static char argv_storage[2 * (WK_INFO_STRING_MAX + 1)];
	char *argv[ARGV_MAX + 1];
	const char *env[ENV_MAX];
	const char *reason;

	uint64_t start_tsc = rdtsc();

	if (started) {
		libos_report("the app jumped to the libOS's start");
		libos_exit(139); /* as SIGSEGV would */
	}
	started = true;
	if (info != (const void *)WK_INFO_ADDRESS ||
	    info->magic != WK_INFO_MAGIC || info->abi_version != WK_ABI_VERSION) {
		wk_console_write((long)"wicket: libOS and kernel ABI differ\n",
				 36);
		libos_exit(WK_EXIT_BAD_IMAGE);
	}
	libos_info = info;
	options_parse(info->cmdline);
	if (libos_has_device(WK_DEVICE_SCREEN))
		terminal_start(info->screen_columns, info->screen_rows);
	if (options.echo_off)
		console_set_echo(0);
	setup_events();
	clock_init();
	if (!files_init())
		refuse_app("no memory for the file tree");
	io_init();
	netif_init();
	load_files(info);
	files_defaults();

	if (info->module_count < 2)
		refuse_app("no app was given (module 1: a static x86-64 Linux "
			   "ELF, its module string its argv)");
	const struct wk_module *module = &info->modules[1];
	int argc = argv_split(module->string, argv_storage,
			      sizeof(argv_storage), argv, ARGV_MAX);

	if (argc == ARGV_ERROR_QUOTE)
		refuse_app("its argument string has an unclosed quote");
	if (argc == ARGV_ERROR_TOO_MANY)
		refuse_app("more than 128 arguments");
	if (argc == 0) {
		static char app_name[] = "app";

		argv[argc++] = app_name;
	}
	argv[argc] = NULL;
	unsigned app_node = options.executable
				    ? place_executable(module, options.executable)
				    : NO_NODE;
	if (options.directory) {
		long error = files_change_directory((char *)options.directory);

		if (error) {
			libos_report("wicket.cwd=%s: %s; the app does not start",
				     options.directory,
				     error == -ENOENT    ? "no such directory"
				     : error == -ENOTDIR ? "not a directory"
							 : "not reachable");
			libos_exit(LIBOS_EXIT_BAD_APP);
		}
	}
	procfs_init(argc, argv, options.executable);

	if (sched_init(options.quantum_ms) == NULL)
		refuse_app("no memory for its first thread");
	process_name_first_thread(argv[0]);
	/* strace reports from the general dispatcher only. */
	fastcall_init(!options.strace);
	const uint8_t *app = (const uint8_t *)module->address;

	if (module->size >= 2 && app[0] == '#' && app[1] == '!' &&
	    app_node == NO_NODE)
		refuse_app("a \"#!\" script needs wicket.exe=PATH (./wicket "
			   "run gives it): its interpreter reads it from the "
			   "file tree");
	reason = module->size >= 2 && app[0] == '#' && app[1] == '!'
		 ? exec_script(app_node, options.executable, argc, argv,
			       build_env(env), env, &sched_current()->regs)
		 : exec_load(app, module->size, argc, argv, build_env(env), env,
			     &sched_current()->regs);
	if (reason)
		refuse_app(reason);
	if (options.bootlog)
		print_boot_log(start_tsc);
	sched_resume();
}
