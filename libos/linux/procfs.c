/*
 * /proc (procfs.h): the files Linux's procfs has that programs read for
 * the machine and themselves, generated at each read from what the libOS
 * knows. One process, pid 1; /proc/self is a link to 1.
 */
#include "linux/procfs.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/print.h"
#include "lib/string.h"
#include "libos.h"
#include "loader/elf.h"
#include "linux/capability.h"
#include "linux/clock.h"
#include "linux/files.h"
#include "linux/identity.h"
#include "linux/interfaces.h"
#include "linux/io.h"
#include "linux/memory.h"
#include "linux/pipe.h"
#include "linux/proc_net.h"
#include "linux/random.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "sched/thread.h"
#include "trap/patch.h"

/* The app's argv, NUL after each (/proc/1/cmdline), and the link
 * /proc/1/exe's target. */
static char command[2 * 512 + 2];
static size_t command_length;
static char exe[WK_INFO_CMDLINE_MAX];

void procfs_init(int argc, char *const argv[], const char *executable)
{
	const char *name = argc > 0 ? argv[0] : "app";

	command_length = 0;
	for (int i = 0; i < argc; i++) {
		size_t length = strlen(argv[i]) + 1;

		if (command_length + length > sizeof(command))
			break;
		memcpy(command + command_length, argv[i], length);
		command_length += length;
	}
	/* Without wicket.exe the app is a module, not a file: its "path"
	 * is its name at the root. */
	for (const char *at = name; *at; at++)
		if (*at == '/' && at[1])
			name = at + 1;
	if (executable)
		print_format_to(exe, sizeof(exe), "%s", executable);
	else
		print_format_to(exe, sizeof(exe), "/%s", name);
	files_set_link(NODE_PROC_EXE, exe, strlen(exe));
}

/* The app's environment strings and auxiliary vector where stack_build
 * put them (/proc/1/environ and auxv read them there, as Linux reads the
 * process's memory), and /proc/1/oom_score_adj's value. */
static uint64_t environ_start, environ_end, auxv_start, auxv_end;
static int32_t oom_score_adj, oom_score_adj_min;

void procfs_note_stack(uint64_t environment, uint64_t environment_end,
		       uint64_t auxv, uint64_t auxv_bytes)
{
	environ_start = environment;
	environ_end = environment_end;
	auxv_start = auxv;
	auxv_end = auxv + auxv_bytes;
}

/* A read of the app's own bytes [start, end) from offset into its
 * buffer: the count; 0 where they are no longer readable. */
static long read_app_bytes(uint64_t start, uint64_t end, uint64_t offset,
			   uint64_t buffer, uint64_t length)
{
	if (offset >= end - start)
		return 0;
	if (length > end - start - offset)
		length = end - start - offset;
	if (!vm_user_ok(buffer, length, PROT_WRITE))
		return -EFAULT;
	if (!vm_user_ok(start + offset, length, PROT_READ))
		return 0;
	memmove((void *)buffer, (const void *)(start + offset), length);
	return (long)length;
}

/* /proc/1/statm, in pages: the regions' span, what is mapped, no shared
 * pages, the image's executable span, the rest as data. */
static size_t statm(char *out, size_t size)
{
	uint64_t all = 0, text = 0;

	for (unsigned i = 0; vm_region(i); i++) {
		const struct region *region = vm_region(i);
		uint64_t pages = (region->end - region->start) / PAGE_SIZE;

		all += pages;
		if (region->kind == REGION_IMAGE && (region->prot & PROT_EXEC))
			text += pages;
	}
	return print_format_to(out, size, "%lu %lu 0 %lu 0 %lu 0\n",
			       (unsigned long)all,
			       (unsigned long)(vm_mapped_bytes() / PAGE_SIZE),
			       (unsigned long)text,
			       (unsigned long)(all - text));
}

/* A version 4 UUID (RFC 4122), as /proc/sys/kernel/random/uuid gives a
 * new one at each read and boot_id one for the boot. */
static size_t uuid(char *out, size_t size, bool boot)
{
	static uint8_t boot_bytes[16];
	static bool boot_made;
	uint8_t fresh[16];
	uint8_t *bytes = boot ? boot_bytes : fresh;

	if (!boot || !boot_made) {
		random_bytes(bytes, 16);
		bytes[6] = (uint8_t)((bytes[6] & 0x0f) | 0x40);
		bytes[8] = (uint8_t)((bytes[8] & 0x3f) | 0x80);
		boot_made |= boot;
	}
	size_t length = 0;

	for (unsigned i = 0; i < 16; i++)
		length += print_format_to(out + length, size - length,
					  i == 4 || i == 6 || i == 8 || i == 10
						  ? "-%02x" : "%02x",
					  bytes[i]);
	return length + print_format_to(out + length, size - length, "\n");
}

/* /proc/sys's settings that are numbers: Wicket's own limits where it
 * has them (threads, regions, descriptors, a pipe's size, a listen
 * queue), else Linux's defaults. */
static const struct {
	uint16_t node;
	uint64_t value;
} settings[] = {
	{ NODE_SYSCTL_NGROUPS_MAX, 65536 },
	{ NODE_SYSCTL_PID_MAX, 32768 },
	{ NODE_SYSCTL_THREADS_MAX, THREADS_MAX },
	{ NODE_SYSCTL_CAP_LAST_CAP, 40 },
	{ NODE_SYSCTL_ENTROPY_AVAIL, 256 },
	{ NODE_SYSCTL_POOLSIZE, 256 },
	{ NODE_SYSCTL_OVERCOMMIT, 0 },
	{ NODE_SYSCTL_MAX_MAP_COUNT, VM_REGIONS_MAX },
	{ NODE_SYSCTL_SOMAXCONN, 4096 },
	{ NODE_SYSCTL_FILE_MAX, 4096 },
	{ NODE_SYSCTL_NR_OPEN, 4096 },
	{ NODE_SYSCTL_PIPE_MAX_SIZE, PIPE_CAPACITY },
};

/* Seconds since the kernel started, and hundredths. */
static void uptime(uint64_t *seconds, uint64_t *hundredths)
{
	uint64_t ticks = rdtsc() - libos_info->boot_tsc;
	uint64_t hz = libos_info->tsc_frequency_hz;

	*seconds = ticks / hz;
	*hundredths = ticks % hz * 100 / hz;
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
			 : "a"(leaf), "c"(sub));
}

/* A few of Linux's flag names, by CPUID leaf 1 (EDX, ECX) and 7 (EBX). */
static const struct {
	uint8_t word, bit; /* word: 0 leaf 1 EDX, 1 leaf 1 ECX, 2 leaf 7 EBX */
	const char *name;
} flags[] = {
	{ 0, 0, "fpu" },    { 0, 4, "tsc" },      { 0, 15, "cmov" },
	{ 0, 23, "mmx" },   { 0, 24, "fxsr" },    { 0, 25, "sse" },
	{ 0, 26, "sse2" },  { 1, 0, "pni" },      { 1, 9, "ssse3" },
	{ 1, 12, "fma" },   { 1, 13, "cx16" },    { 1, 19, "sse4_1" },
	{ 1, 20, "sse4_2" }, { 1, 22, "movbe" },  { 1, 23, "popcnt" },
	{ 1, 25, "aes" },   { 1, 26, "xsave" },   { 1, 28, "avx" },
	{ 1, 29, "f16c" },  { 1, 30, "rdrand" },  { 2, 0, "fsgsbase" },
	{ 2, 3, "bmi1" },   { 2, 5, "avx2" },     { 2, 8, "bmi2" },
	{ 2, 18, "rdseed" }, { 2, 19, "adx" },    { 2, 29, "sha_ni" },
};

static size_t cpuinfo(char *out, size_t size)
{
	uint32_t regs[4], words[3], name[12];
	char vendor[13];
	size_t length;

	cpuid(0, 0, regs);
	memcpy(vendor, &regs[1], 4);
	memcpy(vendor + 4, &regs[3], 4);
	memcpy(vendor + 8, &regs[2], 4);
	vendor[12] = '\0';
	uint32_t highest = regs[0];

	cpuid(1, 0, regs);
	uint32_t family = (regs[0] >> 8) & 0xf, model = (regs[0] >> 4) & 0xf;

	if (family == 0xf)
		family += (regs[0] >> 20) & 0xff;
	if (family >= 6)
		model |= ((regs[0] >> 16) & 0xf) << 4;
	words[0] = regs[3];
	words[1] = regs[2];
	words[2] = 0;
	if (highest >= 7) {
		cpuid(7, 0, regs);
		words[2] = regs[1];
	}
	cpuid(0x80000000, 0, regs);
	if (regs[0] >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++)
			cpuid(0x80000002 + i, 0, name + 4 * i);
	} else {
		memcpy(name, "unknown", 8);
	}
	((char *)name)[47] = '\0';
	cpuid(1, 0, regs);
	length = print_format_to(
		out, size,
		"processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\n"
		"model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n"
		"cpu MHz\t\t: %lu.000\ncpu cores\t: 1\nflags\t\t:",
		vendor, family, model, (const char *)name, regs[0] & 0xf,
		(unsigned long)(libos_info->tsc_frequency_hz / 1000000));
	for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++)
		if (words[flags[i].word] & (1u << flags[i].bit))
			length += print_format_to(out + length, size - length,
						  " %s", flags[i].name);
	length += print_format_to(out + length, size - length, "\n\n");
	return length;
}

static size_t meminfo(char *out, size_t size)
{
	uint64_t total = libos_info->memory_bytes >> 10;
	uint64_t free = memory_free_bytes() >> 10;

	return print_format_to(
		out, size,
		"MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
		"MemAvailable:   %8lu kB\nBuffers:               0 kB\n"
		"Cached:                0 kB\nSwapTotal:             0 kB\n"
		"SwapFree:              0 kB\n",
		(unsigned long)total, (unsigned long)free, (unsigned long)free);
}

/* The first live thread, whose name (prctl's) /proc/1/comm and status
 * have; NULL never while the app runs. */
static struct thread *leader(void)
{
	for (unsigned i = 0; i < THREADS_MAX; i++) {
		struct thread *thread = thread_slot(i);

		if (thread)
			return thread;
	}
	return NULL;
}

static const char *process_name(void)
{
	const struct thread *first = leader();

	return first ? first->name : "app";
}

/* /proc/1/status, or with a thread its /proc/1/task/TID/status: the
 * lines programs read (names, ids, groups, memory, threads,
 * capabilities), in Linux's order and format. */
static uint64_t status_text(const struct thread *thread, char *out,
			    uint64_t size)
{
	const struct capabilities *caps = capabilities();
	const struct identity *ids = identity();
	const uint32_t *groups;
	unsigned count = identity_groups(&groups);
	uint64_t length = print_format_to(
		out, size,
		"Name:\t%s\nUmask:\t0%u%u%u\nState:\t%s\n"
		"Tgid:\t1\nPid:\t%d\nPPid:\t0\nUid:\t%u\t%u\t%u\t%u\n"
		"Gid:\t%u\t%u\t%u\t%u\nGroups:\t",
		thread ? thread->name : process_name(), process_umask() >> 6,
		(process_umask() >> 3) & 7, process_umask() & 7,
		thread && thread->state == THREAD_BLOCKED ? "S (sleeping)"
							   : "R (running)",
		thread ? thread->tid : 1, ids->uid[0],
		ids->uid[1], ids->uid[2], ids->uid[3], ids->gid[0], ids->gid[1],
		ids->gid[2], ids->gid[3]);

	for (unsigned i = 0; i < count; i++)
		length += print_format_to(out + length, size - length,
					  i ? " %u" : "%u", groups[i]);
	return length + print_format_to(
		out + length, size - length,
		" \nVmRSS:\t%8lu kB\nThreads:\t%u\n"
		"CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\n"
		"CapBnd:\t%016lx\nCapAmb:\t%016lx\n",
		(unsigned long)(vm_mapped_bytes() >> 10), thread_count(),
		(unsigned long)caps->inheritable, (unsigned long)caps->permitted,
		(unsigned long)caps->effective, (unsigned long)caps->bounding,
		(unsigned long)caps->ambient);
}

/* /proc/1/stat, or with a thread its /proc/1/task/TID/stat: fields 1-24
 * as Linux has them (utime in ticks, starttime 0, vsize and rss), the
 * rest 0. */
static size_t stat_text(const struct thread *thread, uint64_t busy,
			char *out, size_t size)
{
	if (thread)
		busy = clock_ticks_to_ns(sched_thread_cpu_ticks(thread)) /
		       (NS_PER_SECOND / 100);
	return print_format_to(
		out, size,
		"%d (%s) %c 0 1 1 0 -1 4194560 0 0 0 0 %lu 0 0 0 20 0 %u "
		"0 0 %lu %lu 18446744073709551615 0 0 0 0 0 0 0 0 0 0 "
		"0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		thread ? thread->tid : 1,
		thread ? thread->name : process_name(),
		thread && thread->state == THREAD_BLOCKED ? 'S' : 'R',
		(unsigned long)busy, thread_count(),
		(unsigned long)vm_mapped_bytes(),
		(unsigned long)(vm_mapped_bytes() / PAGE_SIZE));
}

static size_t generate(unsigned node, const struct thread *thread,
		       char *out, size_t size)
{
	uint64_t seconds, hundredths;
	const struct clock_source *clock = clock_source();
	uint64_t boot = (clock->rtc_unix_ns -
			 clock_ticks_to_ns(clock->rtc_tsc - clock->boot_tsc)) /
			NS_PER_SECOND;

	uptime(&seconds, &hundredths);
	/* USER_HZ ticks (hundredths) since boot: the app's CPU time, and
	 * the rest, idle. */
	uint64_t all = seconds * 100 + hundredths;
	uint64_t busy = clock_ticks_to_ns(sched_process_cpu_ticks()) /
			(NS_PER_SECOND / 100);
	uint64_t idle = all > busy ? all - busy : 0;

	for (size_t i = 0; i < sizeof(settings) / sizeof(*settings); i++)
		if (settings[i].node == node)
			return print_format_to(out, size, "%lu\n",
					       (unsigned long)settings[i].value);
	switch (node) {
	case NODE_PROC_CPUINFO:
		return cpuinfo(out, size);
	case NODE_PROC_CMDLINE:
		return print_format_to(out, size, "%s\n", libos_info->cmdline);
	case NODE_PROC_FILESYSTEMS:
		return print_format_to(out, size, "nodev\tproc\nnodev\tdevtmpfs\n"
				       "nodev\tramfs\nnodev\tmqueue\n");
	case NODE_PID_LIMITS:
		return process_limits_text(out, size);
	case NODE_PID_STATM:
		return statm(out, size);
	case NODE_PID_CGROUP:
		return print_format_to(out, size, "0::/\n");
	case NODE_PID_OOM_SCORE:
		return print_format_to(out, size, "0\n");
	case NODE_PID_OOM_SCORE_ADJ:
		return print_format_to(out, size, "%d\n", oom_score_adj);
	case NODE_SYSCTL_OSTYPE:
		return print_format_to(out, size, "Linux\n");
	case NODE_SYSCTL_OSRELEASE:
		return print_format_to(out, size, "%s\n", LINUX_RELEASE);
	case NODE_SYSCTL_VERSION:
		return print_format_to(out, size, "%s\n", LINUX_VERSION);
	case NODE_SYSCTL_HOSTNAME:
	case NODE_SYSCTL_DOMAINNAME:
		return print_format_to(out, size, "%s\n",
				       process_uts_name(node ==
							NODE_SYSCTL_DOMAINNAME));
	case NODE_SYSCTL_UUID:
	case NODE_SYSCTL_BOOT_ID:
		return uuid(out, size, node == NODE_SYSCTL_BOOT_ID);
	case NODE_PROC_MEMINFO:
		return meminfo(out, size);
	case NODE_PROC_UPTIME:
		return print_format_to(out, size, "%lu.%02lu %lu.%02lu\n",
				       (unsigned long)seconds,
				       (unsigned long)hundredths,
				       (unsigned long)(idle / 100),
				       (unsigned long)(idle % 100));
	case NODE_PROC_LOADAVG:
		return print_format_to(out, size, "0.00 0.00 0.00 1/%u 1\n",
				       thread_count());
	case NODE_PROC_MOUNTS:
	case NODE_PID_MOUNTS:
		return print_format_to(out, size,
				       "ramfs / ramfs rw 0 0\n"
				       "devtmpfs /dev devtmpfs rw 0 0\n"
				       "proc /proc proc rw 0 0\n");
	case NODE_PID_MOUNTINFO:
		/* Mount id, parent's id, st_dev as major:minor (all below 256: major 0), the root
		 * within the file system, the mount point, options, no
		 * optional fields, then type, source and its options. */
		return print_format_to(
			out, size,
			"1 1 0:%u / / rw - ramfs ramfs rw\n"
			"2 1 0:%u / /dev rw - devtmpfs devtmpfs rw\n"
			"3 1 0:%u / /proc rw - proc proc rw\n",
			(unsigned)files_device(NODE_ROOT),
			(unsigned)files_device(NODE_DEV),
			(unsigned)files_device(NODE_PROC));
	case NODE_PROC_VERSION:
		return print_format_to(out, size, "Linux version %s (wicket) "
				       "%s\n", LINUX_RELEASE, LINUX_VERSION);
	case NODE_NET_DEV:
		return interfaces_proc_dev(out, size);
	case NODE_NET_ROUTE:
		return interfaces_proc_route(out, size);
	case NODE_NET_IF_INET6:
		return interfaces_proc_if_inet6(out, size);
	case NODE_PROC_STAT:
		return print_format_to(
			out, size,
			"cpu  %lu 0 0 %lu 0 0 0 0 0 0\n"
			"cpu0 %lu 0 0 %lu 0 0 0 0 0 0\n"
			"btime %lu\nprocesses 1\nprocs_running 1\n"
			"procs_blocked 0\n",
			(unsigned long)busy, (unsigned long)idle,
			(unsigned long)busy, (unsigned long)idle,
			(unsigned long)boot);
	case NODE_PID_CMDLINE:
		if (command_length > size)
			return 0;
		memcpy(out, command, command_length);
		return command_length;
	case NODE_PID_COMM:
		return print_format_to(out, size, "%s\n", process_name());
	case NODE_TASK_COMM:
		return print_format_to(out, size, "%s\n", thread->name);
	case NODE_PID_STATUS:
	case NODE_TASK_STATUS:
		return status_text(thread, out, size);
	case NODE_PID_STAT:
	case NODE_TASK_STAT:
		return stat_text(thread, busy, out, size);
	default:
		return 0;
	}
}

/* A line of /proc/1/maps: a run of memory mapped alike, of file `node`
 * (NO_NODE: of none) from `offset`, or named `name` ("": nothing). */
struct maps_line {
	uint64_t start, end, offset;
	uint32_t prot;
	unsigned node;
	bool shared;
	bool writable_once; /* a private mapping once writable (vm.h) */
	const char *name;
};

/* What the line of region's memory from `start` shows, up to where it
 * may end. The loader's image shows as Linux's loader maps it: each
 * segment's file pages as its file's (the app's or the interpreter's),
 * from their offset, then its .bss pages as memory of no file. */
static void maps_piece(const struct region *region, uint64_t start,
		       struct maps_line *line)
{
	struct image_piece piece;

	*line = (struct maps_line){ .start = start, .end = region->end,
				    .prot = region->prot, .node = NO_NODE,
				    .name = "" };
	if (region->kind == REGION_FILE || region->copied) {
		line->shared = region->kind == REGION_FILE;
		line->writable_once = region->copied && region->writable_once;
		line->node = region->node;
		line->offset = region->offset + (start - region->start);
	} else if (region->kind == REGION_STACK) {
		line->name = "[stack]";
	} else if (region->kind == REGION_HEAP) {
		line->name = "[heap]";
	} else if (region->kind == REGION_ANONYMOUS) {
		/* Named as prctl(PR_SET_VMA_ANON_NAME) names memory; shared
		 * memory as Linux names its object. */
		line->shared = region->shared;
		if (region->shared)
			line->name = "/dev/zero (deleted)";
		else if (patch_in_area(start))
			line->name = "[anon:wicket-trampolines]";
	} else if (start >= APP_VDSO_DATA) {
		line->name = start == APP_VDSO_DATA ? "[vvar]" : "[vdso]";
	} else if (app_image_piece(start, &piece)) {
		if (piece.end < line->end)
			line->end = piece.end;
		line->writable_once = piece.file_backed &&
				      (piece.writable || region->writable_once);
		if (piece.file_backed) {
			const char *path = piece.interpreter
						   ? app_interpreter_at(start)
						   : exe;

			line->offset = piece.offset;
			line->node = piece.interpreter ? files_node_at(path)
						       : files_executable();
			if (line->node == NO_NODE)
				line->name = path; /* a module, not a file */
		}
	}
}

/* Whether `next` continues `line` (the libOS splits regions where Linux
 * would not). */
static bool same_mapping(const struct maps_line *line,
			 const struct maps_line *next)
{
	return next->start == line->end && next->prot == line->prot &&
	       next->shared == line->shared && next->node == line->node &&
	       next->writable_once == line->writable_once &&
	       (line->node == NO_NODE
			? string_equals_word(next->name, strlen(next->name),
					     line->name)
			: next->offset ==
				  line->offset + (next->start - line->start));
}

/* One line of /proc/1/maps, as Linux writes it: addresses, permissions
 * (s for a shared view of a file), offset, device, inode and a space,
 * then the name (a file's path) from column 73. */
static size_t map_line(const struct maps_line *line, char *out, size_t size)
{
	bool file = line->node != NO_NODE;
	uint64_t device = file ? files_device(line->node) : 0;
	size_t length = print_format_to(
		out, size, "%08lx-%08lx %c%c%c%c %08lx %02lx:%02lx %lu ",
		(unsigned long)line->start, (unsigned long)line->end,
		line->prot & PROT_READ ? 'r' : '-',
		line->prot & PROT_WRITE ? 'w' : '-',
		line->prot & PROT_EXEC ? 'x' : '-', line->shared ? 's' : 'p',
		(unsigned long)(file ? line->offset : 0),
		(unsigned long)(device >> 8), (unsigned long)(device & 0xff),
		(unsigned long)(file ? files_inode(line->node) : 0));

	if (file || *line->name) {
		while (length < 73 && length + 1 < size)
			out[length++] = ' ';
		length += file ? files_path(line->node, out + length,
					    size - length)
			       : print_format_to(out + length, size - length,
						 "%s", line->name);
	}
	length += print_format_to(out + length, size - length, "\n");
	return length;
}

/* The next piece of memory from *at in region *index (moving on to the
 * next region once that one is done); false after the last. */
static bool next_piece(unsigned *index, uint64_t *at, struct maps_line *line)
{
	const struct region *region = vm_region(*index);

	if (region && *at >= region->end)
		region = vm_region(++*index);
	if (region == NULL)
		return false;
	if (*at < region->start)
		*at = region->start;
	maps_piece(region, *at, line);
	*at = line->end;
	return true;
}

/* /proc/1/maps, a line at a time: only the lines in [offset, offset +
 * length) are made and copied, however many regions there are. */
static long read_maps(uint64_t offset, uint64_t buffer, uint64_t length)
{
	static char text[80 + 4096 + 16]; /* a path's room and " (deleted)" */
	uint64_t at = 0, done = 0, cursor = 0;
	unsigned index = 0;
	struct maps_line line, next;
	bool more = next_piece(&index, &cursor, &next);

	while (more && done < length) {
		line = next;
		while ((more = next_piece(&index, &cursor, &next)) &&
		       same_mapping(&line, &next))
			line.end = next.end;
		size_t size = map_line(&line, text, sizeof(text));

		if (at + size > offset) {
			uint64_t from = offset > at ? offset - at : 0;
			uint64_t piece = size - from;

			if (piece > length - done)
				piece = length - done;
			if (!vm_user_ok(buffer + done, piece, PROT_WRITE))
				return done ? (long)done : -EFAULT;
			memcpy((void *)(buffer + done), text + from, piece);
			done += piece;
		}
		at += size;
	}
	return (long)done;
}

/* The thread a file of /proc/1/task/TID is of (NULL when it has gone),
 * or the leader for /proc/1/comm; else NULL. */
static struct thread *subject(const struct file *file)
{
	return file->node == NODE_PID_COMM ? leader()
	       : file->node >= NODE_TASK_COMM && file->node <= NODE_TASK_STATUS
		       ? thread_find(file->thread)
		       : NULL;
}

long procfs_read(const struct file *file, uint64_t offset, uint64_t buffer,
		 uint64_t length)
{
	static char text[4096];
	const struct thread *thread = subject(file);

	if (file->node == NODE_PID_MAPS)
		return read_maps(offset, buffer, length);
	if (proc_net_is_table(file->node))
		return proc_net_read(file, offset, buffer, length);
	if (file->node == NODE_PID_ENVIRON)
		return read_app_bytes(environ_start, environ_end, offset, buffer,
				      length);
	if (file->node == NODE_PID_AUXV)
		return read_app_bytes(auxv_start, auxv_end, offset, buffer,
				      length);
	if (thread == NULL && file->node >= NODE_TASK_COMM &&
	    file->node <= NODE_TASK_STATUS)
		return -ESRCH;
	size_t size = generate(file->node,
			       file->node == NODE_PID_COMM ? NULL : thread,
			       text, sizeof(text));

	return io_read_text(text, size, offset, buffer, length);
}

/* A decimal in -1000..1000, a newline after it allowed, as Linux's
 * oom_score_adj_write takes it (-EINVAL otherwise). */
static long write_oom_score_adj(uint64_t buffer, uint64_t length)
{
	char text[24] = { 0 };
	uint64_t taken = length < sizeof(text) - 1 ? length : sizeof(text) - 1;

	if (!vm_user_ok(buffer, taken, PROT_READ))
		return -EFAULT;
	memcpy(text, (const void *)buffer, taken);
	size_t at = text[0] == '-' || text[0] == '+' ? 1 : 0, digits = 0;
	int64_t value = 0;

	while (text[at + digits] >= '0' && text[at + digits] <= '9' &&
	       digits < 8)
		value = value * 10 + (text[at + digits++] - '0');
	at += digits;
	if (text[at] == '\n')
		at++;
	if (digits == 0 || text[at] != '\0' || value > 1000)
		return -EINVAL;
	if (text[0] == '-')
		value = -value;
	/* Below the least set so far, a process needs CAP_SYS_RESOURCE,
	 * which also makes the value the new least (Linux's
	 * oom_score_adj_min). */
	if (value < oom_score_adj_min && !capability_effective(CAP_SYS_RESOURCE))
		return -EACCES;
	if (capability_effective(CAP_SYS_RESOURCE))
		oom_score_adj_min = (int32_t)value;
	oom_score_adj = (int32_t)value;
	return (long)length;
}

long procfs_write(const struct file *file, uint64_t buffer, uint64_t length)
{
	struct thread *thread = subject(file);
	char name[sizeof(thread->name)] = { 0 };
	uint64_t taken = length < sizeof(name) - 1 ? length : sizeof(name) - 1;

	if (file->node == NODE_SYSCTL_HOSTNAME ||
	    file->node == NODE_SYSCTL_DOMAINNAME)
		return process_uts_write(file->node == NODE_SYSCTL_DOMAINNAME,
					 buffer, length);
	if (file->node == NODE_PID_OOM_SCORE_ADJ)
		return write_oom_score_adj(buffer, length);
	/* What Linux answers for a file with no write of its own: /proc's
	 * own files -EIO (proc_reg_write), a process's -EINVAL. */
	if ((file->node >= NODE_PROC_CPUINFO && file->node <= NODE_PROC_STAT &&
	     file->node != NODE_PROC_MOUNTS) ||
	    file->node == NODE_PROC_CMDLINE ||
	    file->node == NODE_PROC_FILESYSTEMS)
		return -EIO;
	if (file->node != NODE_PID_COMM && file->node != NODE_TASK_COMM)
		return -EINVAL;
	if (!vm_user_ok(buffer, taken, PROT_READ))
		return -EFAULT;
	if (thread == NULL)
		return -ESRCH;
	memcpy(name, (const void *)buffer, taken);
	/* Up to a NUL in the bytes, zeros after, as Linux's strscpy_pad. */
	size_t kept = strlen(name);

	memset(name + kept, 0, sizeof(name) - kept);
	memcpy(thread->name, name, sizeof(name));
	return (long)length;
}
