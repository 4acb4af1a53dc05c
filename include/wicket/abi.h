/*
 * The kernel <-> libOS contract (DESIGN.md section 3). Self-contained: C99
 * fixed-width types only; the constants are usable from assembly.
 *
 * Calling convention of a native call (the Linux x86-64 syscall convention):
 * `syscall` with the call number in RAX and arguments in RDI, RSI, RDX, R10,
 * R8, R9; the result comes back in RAX, a negative errno value on failure;
 * RCX and R11 are clobbered (SYSCALL's return RIP and RFLAGS), every other
 * register is preserved. Numbers outside the native range are Linux system
 * calls: until events arrive (#4) they return -ENOSYS.
 */
#ifndef WICKET_ABI_H
#define WICKET_ABI_H

#define WK_ABI_VERSION 11

/*
 * The native calls: one list, from which the kernel's dispatch table
 * (kernel/native.c) and the libOS stubs (wicket/native.h) are generated.
 * X(index, name, argument count). Numbers are WK_NATIVE_BASE + index, far
 * from Linux's numbers and from x32's (0x40000000 + n).
 *
 *   nop()                               0; the null call, for measuring
 *   console_write(buffer, length)       writes min(length, WK_CONSOLE_WRITE_MAX)
 *                                       bytes to the console, all or nothing;
 *                                       returns the count or -EFAULT
 *   mem_map(address, length, prot)      maps zeroed pages; 0, -EINVAL (alignment,
 *                                       range, prot, W+X), -EEXIST (a page in
 *                                       the range is mapped), -ENOMEM
 *   mem_share(address, length, prot,    maps the frames mapped at [from, from +
 *             from)                     length) again at address, with prot;
 *                                       a frame is freed when its last mapping
 *                                       goes; 0, -EINVAL (as mem_map, for both
 *                                       ranges; the counters page), -EEXIST (a
 *                                       target page is mapped), -ENOMEM (a page
 *                                       of `from` is not mapped, a frame has
 *                                       255 shares, no page-table memory):
 *                                       on error nothing is mapped
 *   mem_unmap(address, length)          unmaps; pages not mapped are skipped;
 *                                       a frame is freed with its last
 *                                       mapping; 0 or -EINVAL
 *   mem_protect(address, length, prot)  0, -EINVAL, -ENOMEM (a page in the
 *                                       range is not mapped: nothing changes)
 *   exit(status)                        ends the run with status & 0xff
 *   event_setup(entry, vcpu, stack)     where events go (see "Events" below);
 *                                       0 or -EINVAL; entry 0 turns events off
 *   set_self_state(state, size, flags)  becomes struct wk_regs *state (see
 *                                       below); on success does not return to
 *                                       its caller; -EFAULT, -EINVAL
 *   timer_arm(deadline_tsc)             one-shot timer event when the TSC
 *                                       reaches deadline_tsc; 0 cancels; a
 *                                       deadline already past fires at once;
 *                                       re-arming replaces; returns 0
 *   block()                             halts until an event is pending;
 *                                       returns 0 at once if one already is;
 *                                       -EDEADLK when none can come (no
 *                                       timer armed, no input events and
 *                                       no network device)
 *   console_read(buffer, length)        copies bytes the serial console has
 *                                       received, at most length (and at most
 *                                       64 per call), untranslated; never
 *                                       waits; returns the count (0: none
 *                                       waiting) or -EFAULT (then no byte is
 *                                       taken)
 *   keyboard_read(buffer, length)       the same for the bytes the PS/2
 *                                       keyboard sent (wk_info.devices has
 *                                       WK_DEVICE_KEYBOARD): scancodes of
 *                                       set 1, press and release, as the
 *                                       8042 passes them; -ENODEV without
 *                                       one
 *   net_send(frame, length)             queues one Ethernet frame for the
 *                                       network device (wk_info.devices has
 *                                       WK_DEVICE_NET): its 14-byte header
 *                                       and payload, no checksum (FCS),
 *                                       length 14..WK_NET_FRAME_MAX; copied
 *                                       before the call returns; returns
 *                                       length, -EAGAIN (the transmit queue
 *                                       is full: a WK_EVENT_NET comes when
 *                                       room is made), -EINVAL (length),
 *                                       -EFAULT (nothing is sent), -ENODEV
 *   net_receive(buffer, length)         copies the oldest frame the device
 *                                       received (header and payload, no
 *                                       FCS) and takes it; never waits;
 *                                       returns its length, 0 when none
 *                                       waits, -EINVAL when length is below
 *                                       WK_NET_FRAME_MAX, -EFAULT (then the
 *                                       frame stays), -ENODEV
 *   screen_draw(first, cells, count,    draws count cells (uint16_t each,
 *               cursor)                 WK_SCREEN_CELL) from cell first on
 *                                       (row-major; wk_info.screen_columns
 *                                       a row), then puts the cursor at cell
 *                                       `cursor`, hidden with
 *                                       WK_SCREEN_CURSOR_HIDDEN (or past the
 *                                       last cell); returns count, -EINVAL
 *                                       (the range leaves the screen),
 *                                       -EFAULT (then nothing is drawn),
 *                                       -ENODEV (no WK_DEVICE_SCREEN). From
 *                                       the first call that draws (count 0
 *                                       included), console_write reaches
 *                                       the serial port alone: the libOS is
 *                                       the screen's terminal; the kernel's
 *                                       own messages start on a line of
 *                                       their own below its cursor
 *   screen_read(cells, count)           copies the first count cells shown
 *                                       (the kernel's boot text, say);
 *                                       returns the cursor's cell, -EINVAL
 *                                       (count), -EFAULT, -ENODEV
 */
#define WK_NATIVE_CALLS(X)          \
	X(0, nop, 0)                \
	X(1, console_write, 2)      \
	X(2, mem_map, 3)            \
	X(3, mem_unmap, 2)          \
	X(4, mem_protect, 3)        \
	X(5, exit, 1)               \
	X(6, event_setup, 3)        \
	X(7, set_self_state, 3)     \
	X(8, timer_arm, 1)          \
	X(9, block, 0)              \
	X(10, console_read, 2)      \
	X(11, mem_share, 4)         \
	X(12, net_send, 2)          \
	X(13, net_receive, 2)       \
	X(14, keyboard_read, 2)     \
	X(15, screen_draw, 4)       \
	X(16, screen_read, 2)

#define WK_NATIVE_BASE  0x574b0000 /* "WK" */
#define WK_NATIVE_COUNT 17

#define WK_CALL_NUMBER(index, name, argc) \
	WK_CALL_##name = WK_NATIVE_BASE + (index),
#ifndef __ASSEMBLER__
enum wk_call { WK_NATIVE_CALLS(WK_CALL_NUMBER) };
#endif

#define WK_CONSOLE_WRITE_MAX 4096

/* mem_map / mem_protect protections. W and X together are refused. A page
 * with no protection (0) stays allocated but inaccessible (a guard page). */
#define WK_PROT_READ  0x1
#define WK_PROT_WRITE 0x2
#define WK_PROT_EXEC  0x4

/* Error values (negated), Linux's numbers. */
#define WK_EPERM   1
#define WK_ENOENT  2
#define WK_EAGAIN  11
#define WK_ENOMEM  12
#define WK_EFAULT  14
#define WK_EEXIST  17
#define WK_ENODEV  19
#define WK_EINVAL  22
#define WK_EDEADLK 35
#define WK_ENOSYS  38

/*
 * The user half. Ring 3 may map [WK_USER_MIN, WK_USER_LIMIT): the first
 * 64 KiB stay unmapped so that NULL and small offsets from it fault, and
 * the last page below the canonical hole is never mapped (a SYSCALL
 * returning there would leave RIP non-canonical for SYSRET).
 */
#define WK_USER_MIN   0x10000
#define WK_USER_LIMIT 0x00007ffffffff000
#define WK_PAGE_SIZE  4096

/*
 * Where the kernel puts things for the libOS (all in the user half):
 *   the libOS ELF      linked at WK_LIBOS_BASE (ET_EXEC, W^X); every
 *                      segment in [WK_USER_MIN, WK_INFO_ADDRESS)
 *   the info page(s)   WK_INFO_ADDRESS, read-only, sizeof(struct wk_info)
 *   modules 1..n       from WK_MODULES_ADDRESS up, read-only, page-aligned,
 *                      a guard page between them
 *   the user stack     WK_STACK_BYTES ending at WK_STACK_TOP, an unmapped
 *                      guard page below it
 *   the counters       WK_COUNTERS_ADDRESS, one read-only page that the
 *                      kernel keeps updating (struct wk_counters): the
 *                      one page mem_unmap and mem_protect refuse to touch
 *                      (-EINVAL for a range that includes it)
 * The others are private copies: the libOS may later unmap or re-protect
 * them like any of its pages (the kernel never reads them back).
 */
#define WK_LIBOS_BASE      0x00007f0000000000
#define WK_INFO_ADDRESS    0x00007ff000000000
#define WK_MODULES_ADDRESS 0x00007ff100000000
#define WK_COUNTERS_ADDRESS 0x00007ff0ffff0000
#define WK_STACK_TOP       0x00007fffff000000
#define WK_STACK_BYTES     0x40000 /* 256 KiB */

/*
 * Entry into the libOS: ring 3 at its ELF entry point with
 *   RDI = the info page address (WK_INFO_ADDRESS), RSP = WK_STACK_TOP
 *   (16-byte aligned, as after a call's return address was popped: the
 *   entry must not return), RFLAGS = IF only, every other general register
 *   0, FS and GS bases 0, x87/SSE state as reset.
 */

/* Exit statuses. A run ends with one status in 0..255; the QEMU runner hands
 * it back as its own exit code (docs/runner.md has the transport,
 * docs/boot.md the ways the kernel powers off).
 *
 *   0..118    the app's own exit status (`exit(n)`), 0 is success
 *   119..123  the kernel's own verdicts, below
 *   124, 125  reserved for the runner: timeout or silence, QEMU failure
 *   126..255  the app's again (128 + signal number for a killed app)
 *
 * The kernel's verdicts sit below 128 so that QEMU's isa-debug-exit device,
 * which carries only 7 bits back to the host, can report them without the
 * serial log.
 */
#define WK_EXIT_SUCCESS            0
#define WK_EXIT_USER_FAULT         119 /* ring 3 faulted, no event handler */
#define WK_EXIT_KERNEL_PANIC       120
#define WK_EXIT_BAD_IMAGE          121 /* the libOS ELF was refused */
#define WK_EXIT_LIBOS_DOUBLE_FAULT 122 /* a fault while events are masked,
					   or an unusable vCPU page or upcall
					   stack */
#define WK_EXIT_BAD_BOOT           123
#define WK_EXIT_RUNNER_TIMEOUT     124
#define WK_EXIT_RUNNER_FAILURE     125

/*
 * Events (DESIGN.md section 4). After event_setup(entry, vcpu, stack):
 *
 *   - vcpu is the user address of a struct wk_vcpu (8-byte aligned, in the
 *     user half), stack the top of the upcall stack (16-byte aligned, in
 *     the user half). The kernel reads and writes them only through its
 *     exception table: if either is unusable when an event arrives, the run
 *     ends with a report and WK_EXIT_LIBOS_DOUBLE_FAULT.
 *   - An event that arrives while vcpu->events_masked == 0: the kernel saves
 *     the interrupted context in vcpu->frame, describes the event in
 *     vcpu->event, sets events_masked = 1, and enters ring 3 at `entry`
 *     with RSP = stack - 8 (as after a call), RDI = vcpu, RSI = the event
 *     kind, RFLAGS = IF; the other registers are left as the interrupted
 *     context had them, except after a reflected syscall, which enters by
 *     SYSRET: there RCX = entry and R11 = RFLAGS (the frame keeps the
 *     app's).
 *   - While masked: a timer, input or network event sets its bit in vcpu->pending
 *     (and in the kernel's own record, which is what counts: the page's
 *     bits are for the libOS to read; clearing them does not consume the
 *     event, which the kernel still delivers once events are unmasked) and
 *     the interrupted code goes on; a synchronous
 *     event (an exception, a reflected syscall) is a libOS double fault:
 *     both frames are reported and the run ends with
 *     WK_EXIT_LIBOS_DOUBLE_FAULT. NMI, #DF and #MC are never events.
 *   - Kinds: WK_EVENT_EXCEPTION (vector, error code, fault address = CR2 for
 *     #PF), WK_EVENT_SYSCALL (a `syscall` with a non-native number: the
 *     frame holds the number in RAX, the arguments in RDI RSI RDX R10 R8 R9,
 *     RIP after the instruction, and RCX/R11 as SYSCALL left them),
 *     WK_EVENT_TIMER, WK_EVENT_INPUT (the serial port received bytes for
 *     console_read, or the keyboard sent some for keyboard_read, when
 *     wk_info.devices has WK_DEVICE_INPUT_EVENTS: one comes after bytes
 *     arrive with none waiting; while bytes wait, more may raise none
 *     until the read has taken them all), WK_EVENT_NET
 *     (the network device received frames, or made room in its transmit
 *     queue, when wk_info.devices has WK_DEVICE_NET: one comes after
 *     either with none pending; the libOS then takes frames with
 *     net_receive until it returns 0). With several pending, the timer's
 *     comes first, then the input's, then the network's.
 *   - Before event_setup (or after event_setup(0, 0, 0)): exceptions end the
 *     run with the user-fault report, other syscalls return -ENOSYS, timer
 *     and input events stay pending.
 *
 * set_self_state(state, size, flags) replaces the caller's user registers
 * with *state (size must be sizeof(struct wk_regs)) and returns to the new
 * RIP; RAX is the state's, not a return code. The kernel copies the state
 * in through its exception table (-EFAULT) and checks it:
 *   - refused with -EINVAL: size other than sizeof(struct wk_regs), unknown
 *     flags, RIP not below WK_USER_LIMIT (non-canonical, kernel half, or the
 *     last page below the canonical hole), RSP or FS base not a canonical
 *     user address (< 0x0000800000000000);
 *   - sanitised: RFLAGS keeps CF PF AF ZF SF TF DF OF AC ID as given; IF and
 *     bit 1 are forced on; IOPL, NT, RF, VM, VIF, VIP and every reserved bit
 *     are forced off. TF is allowed (ring 3 may single-step itself: each
 *     step is a #DB event; a `syscall` instruction's step is reported
 *     after the instruction that follows it, since SYSCALL clears TF); AC is allowed (alignment checks in ring 3; the
 *     kernel clears AC on every entry); RF is cleared (the kernel never
 *     resumes a faulting instruction on the libOS's behalf).
 *   - CS and SS are never taken from the state.
 * With WK_UNMASK, events_masked is cleared in the same step; if an event is
 * pending then, it is delivered at once with *state as the interrupted
 * context, instead of returning to it (no lost wake-ups).
 */
#define WK_UNMASK 0x1

#define WK_EVENT_EXCEPTION 1
#define WK_EVENT_SYSCALL   2
#define WK_EVENT_TIMER     3
#define WK_EVENT_INPUT     4
#define WK_EVENT_NET       5

/* Bits of wk_vcpu.pending. */
#define WK_PENDING_TIMER (1u << WK_EVENT_TIMER)
#define WK_PENDING_INPUT (1u << WK_EVENT_INPUT)
#define WK_PENDING_NET   (1u << WK_EVENT_NET)

/* Offsets for assembly (checked against the structures below). */
#define WK_REGS_RAX 0
#define WK_REGS_RBX 8
#define WK_REGS_RCX 16
#define WK_REGS_RDX 24
#define WK_REGS_RSI 32
#define WK_REGS_RDI 40
#define WK_REGS_RBP 48
#define WK_REGS_RSP 56
#define WK_REGS_R8 64
#define WK_REGS_R9 72
#define WK_REGS_R10 80
#define WK_REGS_R11 88
#define WK_REGS_R12 96
#define WK_REGS_R13 104
#define WK_REGS_R14 112
#define WK_REGS_R15 120
#define WK_REGS_RIP 128
#define WK_REGS_RFLAGS 136
#define WK_REGS_FS_BASE 144
#define WK_REGS_SIZE 152

/* Offsets of struct wk_counters, for the entry code. */
#define WK_COUNTERS_SYSCALLS 0
#define WK_COUNTERS_TRAPS    8

#define WK_VCPU_EVENTS_MASKED 0
#define WK_VCPU_PENDING 4
#define WK_VCPU_FRAME 8
#define WK_VCPU_EVENT (8 + WK_REGS_SIZE)
#define WK_VCPU_EVENT_KIND (WK_VCPU_EVENT + 0)
#define WK_VCPU_EVENT_VECTOR (WK_VCPU_EVENT + 4)
#define WK_VCPU_EVENT_ERROR_CODE (WK_VCPU_EVENT + 8)
#define WK_VCPU_EVENT_FAULT_ADDRESS (WK_VCPU_EVENT + 16)
#define WK_VCPU_EVENT_SYSCALL_NUMBER (WK_VCPU_EVENT + 24)
#define WK_VCPU_SIZE (WK_VCPU_EVENT + 32)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* A user register state: set_self_state's argument and the saved frame of
 * an interrupted context. */
struct wk_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags, fs_base;
};

struct wk_event {
	uint32_t kind;           /* WK_EVENT_* */
	uint32_t vector;         /* exception vector */
	uint64_t error_code;     /* exception error code, 0 if none */
	uint64_t fault_address;  /* CR2 for #PF, else 0 */
	uint64_t syscall_number; /* the RAX of a reflected syscall */
};

/* The vCPU page, shared by the kernel and the libOS. */
struct wk_vcpu {
	uint32_t events_masked;  /* the kernel sets it on delivery */
	uint32_t pending;        /* WK_PENDING_* bits of events held back */
	struct wk_regs frame;    /* the interrupted context */
	struct wk_event event;   /* what happened */
};

#define WK_ABI_PIN(type, field, offset) \
	_Static_assert(offsetof(type, field) == (offset), #type "." #field)
WK_ABI_PIN(struct wk_regs, rax, WK_REGS_RAX);
WK_ABI_PIN(struct wk_regs, rsp, WK_REGS_RSP);
WK_ABI_PIN(struct wk_regs, r8, WK_REGS_R8);
WK_ABI_PIN(struct wk_regs, r15, WK_REGS_R15);
WK_ABI_PIN(struct wk_regs, rip, WK_REGS_RIP);
WK_ABI_PIN(struct wk_regs, rflags, WK_REGS_RFLAGS);
WK_ABI_PIN(struct wk_regs, fs_base, WK_REGS_FS_BASE);
_Static_assert(sizeof(struct wk_regs) == WK_REGS_SIZE, "struct wk_regs");
WK_ABI_PIN(struct wk_vcpu, events_masked, WK_VCPU_EVENTS_MASKED);
WK_ABI_PIN(struct wk_vcpu, pending, WK_VCPU_PENDING);
WK_ABI_PIN(struct wk_vcpu, frame, WK_VCPU_FRAME);
WK_ABI_PIN(struct wk_vcpu, event.kind, WK_VCPU_EVENT_KIND);
WK_ABI_PIN(struct wk_vcpu, event.vector, WK_VCPU_EVENT_VECTOR);
WK_ABI_PIN(struct wk_vcpu, event.error_code, WK_VCPU_EVENT_ERROR_CODE);
WK_ABI_PIN(struct wk_vcpu, event.fault_address, WK_VCPU_EVENT_FAULT_ADDRESS);
WK_ABI_PIN(struct wk_vcpu, event.syscall_number, WK_VCPU_EVENT_SYSCALL_NUMBER);
_Static_assert(sizeof(struct wk_vcpu) == WK_VCPU_SIZE, "struct wk_vcpu");

/* Kernel entries from ring 3, counted as they happen (at
 * WK_COUNTERS_ADDRESS): every SYSCALL instruction (native calls and
 * reflected Linux calls alike), and every interrupt or exception taken
 * while ring 3 ran (the timer included). */
struct wk_counters {
	uint64_t syscalls;
	uint64_t traps;
};
WK_ABI_PIN(struct wk_counters, syscalls, WK_COUNTERS_SYSCALLS);
WK_ABI_PIN(struct wk_counters, traps, WK_COUNTERS_TRAPS);

/* CPU features in wk_info.cpu_features: what the CPU has, and (for the
 * protections) whether the kernel turned it on. */
#define WK_CPU_SMEP          (1u << 0)
#define WK_CPU_SMAP          (1u << 1)
#define WK_CPU_UMIP          (1u << 2)
#define WK_CPU_NX            (1u << 3)
#define WK_CPU_FSGSBASE      (1u << 4) /* CR4.FSGSBASE on: wrfsbase works */
#define WK_CPU_XSAVE         (1u << 5) /* CR4.OSXSAVE on, XCR0 set */
#define WK_CPU_X2APIC        (1u << 6)
#define WK_CPU_TSC_DEADLINE  (1u << 7)
#define WK_CPU_INVARIANT_TSC (1u << 8)
#define WK_CPU_RDRAND        (1u << 9)
#define WK_CPU_RDSEED        (1u << 10)

/* Devices in wk_info.devices. */
#define WK_DEVICE_INPUT_EVENTS (1u << 0) /* console input raises events */
#define WK_DEVICE_NET          (1u << 1) /* a network device: net_send,
					    net_receive, WK_EVENT_NET and
					    wk_info.net_mac */
#define WK_DEVICE_KEYBOARD     (1u << 2) /* a PS/2 keyboard: keyboard_read */
#define WK_DEVICE_SCREEN       (1u << 3) /* a screen of text cells:
					    screen_draw, screen_read and
					    wk_info.screen_* */
#define WK_DEVICE_SERIAL       (1u << 4) /* a UART answers at COM1 (none:
					    console_write reaches the
					    screen alone) */

/* A screen cell: the character (ASCII; others show as '?') in the low
 * byte, a VGA attribute in the high one: foreground in bits 0-3 (bit 0
 * blue, 1 green, 2 red, 3 bright), background in bits 4-6; bit 7 blinks
 * on VGA text and is ignored on a framebuffer. */
#define WK_SCREEN_CELL(character, attribute) \
	((uint16_t)(((attribute) << 8) | ((character) & 0xff)))
#define WK_SCREEN_CURSOR_HIDDEN 0x80000000u /* screen_draw's cursor */

/* The largest Ethernet frame net_send and net_receive move: a 14-byte
 * header and a 1500-byte payload (no VLAN tag, no FCS). */
#define WK_NET_FRAME_MAX 1514

/* The boot stages the kernel times: X(index, name). wk_info's
 * boot_stage_tsc[index] is the TSC when the stage ended (boot_tsc is the
 * kernel's first instruction); the libOS prints them with wicket.bootlog. */
#define WK_BOOT_STAGES(X)                       \
	X(0, "cpu tables and boot information") \
	X(1, "memory and page tables")          \
	X(2, "kernel stacks")                   \
	X(3, "protections, acpi, rtc")          \
	X(4, "timer calibration")               \
	X(5, "libOS loaded")
#define WK_BOOT_STAGE_COUNT 6

#define WK_INFO_MAGIC       0x6f666e496b57ull /* "WkInfo" */
#define WK_INFO_MODULES_MAX 16
#define WK_INFO_STRING_MAX  512
#define WK_INFO_CMDLINE_MAX 1024

/* How the TSC frequency was found. */
#define WK_TSC_FROM_CPUID_15      1 /* crystal ratio */
#define WK_TSC_FROM_CPUID_16      2 /* base frequency */
#define WK_TSC_FROM_HYPERVISOR    3 /* leaf 0x40000010 */
#define WK_TSC_FROM_PIT           4 /* calibrated against the PIT */

struct wk_module {
	uint64_t address;  /* user address of the first byte */
	uint64_t size;     /* bytes */
	char string[WK_INFO_STRING_MAX];
};

/* The read-only info page(s) at WK_INFO_ADDRESS. Module 0 is the libOS
 * itself (address 0: it is mapped by segments, not as a blob). */
struct wk_info {
	uint64_t magic;            /* WK_INFO_MAGIC */
	uint32_t abi_version;      /* WK_ABI_VERSION */
	uint32_t cpu_features;     /* WK_CPU_* */
	uint64_t tsc_frequency_hz;
	uint32_t tsc_source;       /* WK_TSC_FROM_* */
	uint32_t module_count;
	uint64_t boot_tsc;         /* TSC when the kernel started */
	uint64_t memory_bytes;     /* usable RAM */
	uint64_t stack_bottom;     /* the user stack: [bottom, top) */
	uint64_t stack_top;
	uint64_t xsave_components; /* XCR0 (0 without XSAVE): what XSAVE saves */
	char cmdline[WK_INFO_CMDLINE_MAX];
	struct wk_module modules[WK_INFO_MODULES_MAX];
	uint64_t rtc_unix_seconds; /* Unix time from the CMOS RTC at boot, 0 if unreadable */
	uint64_t rtc_tsc;          /* the TSC when it was read */
	uint64_t boot_stage_tsc[WK_BOOT_STAGE_COUNT]; /* WK_BOOT_STAGES */
	uint32_t devices;          /* WK_DEVICE_* */
	uint8_t net_mac[6];        /* the network device's MAC address */
	uint16_t screen_columns;   /* WK_DEVICE_SCREEN: its size in cells */
	uint16_t screen_rows;
};

#endif /* !__ASSEMBLER__ */

#endif /* WICKET_ABI_H */
