/*
 * Event delivery and the self-state-set trap. The vCPU page and the upcall
 * stack are user memory: every access goes through copy_to_user and
 * copy_from_user, and a failure is the libOS's fatal error (reported, status
 * WK_EXIT_LIBOS_DOUBLE_FAULT), never a kernel fault. The kernel keeps its
 * own record of pending events (events_pending) and mirrors it into the
 * page; the page's events_masked flag is the libOS's, read at each
 * delivery.
 */
#include "events.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/trap_frame.h"
#include "arch/x86_64/uaccess.h"
#include "arch/x86_64/virtio_net.h"
#include "console.h"
#include "wicket/abi.h"

#define CANONICAL_USER_END 0x0000800000000000ull

uint32_t events_pending;

uint64_t event_entry;
uint64_t event_vcpu;
uint64_t event_stack;
bool entry_rdfsbase;
static uint64_t timer_deadline; /* 0: not armed */
static bool timer_present;
uint32_t events_devices;

static const char *const event_kind_names[] = {
	[WK_EVENT_EXCEPTION] = "exception",
	[WK_EVENT_SYSCALL] = "reflected syscall",
	[WK_EVENT_TIMER] = "timer",
	[WK_EVENT_INPUT] = "input",
	[WK_EVENT_NET] = "network",
};

static void print_regs(const struct wk_regs *r)
{
	kprintf("  rip 0x%016lx  rsp 0x%016lx  rflags 0x%lx  fs 0x%lx\n",
		r->rip, r->rsp, r->rflags, r->fs_base);
	trap_print_general_registers(r);
}

/* `event` may come from the vCPU page, i.e. from ring 3: the kind is an
 * untrusted index. */
static void print_event(const struct wk_event *event)
{
	const char *kind = event->kind >= WK_EVENT_EXCEPTION &&
				   event->kind <= WK_EVENT_NET
			   ? event_kind_names[event->kind]
			   : "unknown kind";
	kprintf("  event: %s (%u), vector %u, error 0x%lx, address 0x%lx, "
		"syscall %lu\n", kind, event->kind, event->vector,
		event->error_code, event->fault_address, event->syscall_number);
}

/*
 * The libOS cannot take an event: report what arrived, the frame it
 * interrupted and, when readable, the frame the libOS was handling, then
 * end the run.
 */
__attribute__((noreturn)) static void libos_double_fault(
	const char *why, const struct trap_frame *frame,
	const struct wk_event *event)
{
	struct wk_regs regs;
	struct wk_vcpu vcpu;

	interrupts_disable();
	kprintf("wicket: LIBOS DOUBLE FAULT: %s\n", why);
	print_event(event);
	kprintf("wicket: the interrupted frame:\n");
	trap_frame_to_regs(&regs, frame);
	print_regs(&regs);
	if (copy_from_user(&vcpu, user_pointer(event_vcpu), sizeof(vcpu)) == 0) {
		kprintf("wicket: the frame in the vCPU page (the event being "
			"handled):\n");
		print_event(&vcpu.event);
		print_regs(&vcpu.frame);
	} else {
		kprintf("wicket: the vCPU page at 0x%lx is unreadable\n",
			event_vcpu);
	}
	power_exit(WK_EXIT_LIBOS_DOUBLE_FAULT);
}

void events_fast_path_fault(void)
{
	interrupts_disable();
	kprintf("wicket: LIBOS DOUBLE FAULT: the vCPU page or a set_self_state "
		"state became unusable in the middle of an event path\n");
	power_exit(WK_EXIT_LIBOS_DOUBLE_FAULT);
}

/* Reads the libOS's events_masked flag. */
static uint32_t vcpu_masked(const struct trap_frame *frame,
			    const struct wk_event *event)
{
	uint32_t masked;

	if (copy_from_user(&masked,
			   user_pointer(event_vcpu + WK_VCPU_EVENTS_MASKED),
			   sizeof(masked)))
		libos_double_fault("the vCPU page is not readable", frame,
				   event);
	return masked;
}

/* Saves `frame` and `event` in the vCPU page, masks events, and turns
 * `frame` into the entry of the libOS's handler. */
static void deliver(struct trap_frame *frame, const struct wk_event *event)
{
	struct wk_vcpu vcpu = {
		.events_masked = 1,
		.pending = events_pending,
		.event = *event,
	};

	trap_frame_to_regs(&vcpu.frame, frame);
	if (copy_to_user(user_pointer(event_vcpu), &vcpu, sizeof(vcpu)))
		libos_double_fault("the vCPU page is not writable", frame,
				   event);
	/* The upcall stack must be usable: probe its top word now, so that a
	 * bad one is reported here rather than as a fault in the handler. */
	uint64_t probe = 0;
	if (copy_to_user(user_pointer(event_stack - 8), &probe, sizeof(probe)))
		libos_double_fault("the upcall stack is not writable", frame,
				   event);
	frame->rip = event_entry;
	frame->rsp = event_stack - 8;
	frame->rdi = event_vcpu;
	frame->rsi = event->kind;
	frame->rflags = RFLAGS_ALWAYS;
}

/* A synchronous event: delivered if unmasked, else fatal. */
static void deliver_synchronous(struct trap_frame *frame,
				const struct wk_event *event)
{
	if (vcpu_masked(frame, event))
		libos_double_fault("a synchronous event arrived while events "
				   "were masked", frame, event);
	deliver(frame, event);
}

void events_exception(struct trap_frame *frame)
{
	if (event_entry == 0)
		trap_user_fault(frame);
	struct wk_event event = {
		.kind = WK_EVENT_EXCEPTION,
		.vector = (uint32_t)frame->vector,
		.error_code = frame->error_code,
		.fault_address = frame->vector == 14 ? read_cr2() : 0,
	};

	deliver_synchronous(frame, &event);
}

bool events_reflect_syscall(struct trap_frame *frame)
{
	if (event_entry == 0)
		return false;
	struct wk_event event = {
		.kind = WK_EVENT_SYSCALL,
		.syscall_number = frame->rax,
	};
	deliver_synchronous(frame, &event);
	return true;
}

/* One pending event at a time: the lowest bit, so the timer's first, then
 * the input's, then the network's (WK_PENDING_* follow WK_EVENT_*);
 * delivering it leaves the others pending in the page it writes, for the
 * libOS to see. */
void events_deliver_pending(struct trap_frame *frame)
{
	if (events_pending == 0 || event_entry == 0)
		return;
	struct wk_event event = {
		.kind = (uint32_t)__builtin_ctz(events_pending),
	};

	if (vcpu_masked(frame, &event)) {
		if (copy_to_user(user_pointer(event_vcpu + WK_VCPU_PENDING),
				 &events_pending, sizeof(events_pending)))
			libos_double_fault("the vCPU page is not writable",
					   frame, &event);
		return;
	}
	events_pending &= ~(1u << event.kind);
	deliver(frame, &event);
}

void events_timer_interrupt(void)
{
	apic_eoi();
	if (timer_deadline == 0)
		return; /* cancelled after it was programmed */
	if (read_tsc() < timer_deadline) {
		/* A one-shot count too short for a far deadline. */
		apic_timer_arm(timer_deadline);
		return;
	}
	timer_deadline = 0;
	events_pending |= WK_PENDING_TIMER;
}

void events_input_interrupt(void)
{
	apic_eoi();
	events_pending |= WK_PENDING_INPUT;
}

/* The device lowers its level-triggered line when its status is read,
 * which must come before the EOI: a line still high would be delivered
 * again at once. A shared line may interrupt for another device. */
void events_net_interrupt(void)
{
	if (virtio_net_interrupt_acknowledge())
		events_pending |= WK_PENDING_NET;
	apic_eoi();
}

/* ---- the native calls */

static bool user_address(uint64_t address)
{
	return address >= WK_USER_MIN && address < WK_USER_LIMIT;
}

/* All three 0 turns events off. */
long events_setup(uint64_t entry, uint64_t vcpu, uint64_t stack)
{
	bool off = entry == 0 && vcpu == 0 && stack == 0;

	if (!off && (!user_address(entry) || !user_address(vcpu) || vcpu % 8 ||
		     vcpu > WK_USER_LIMIT - sizeof(struct wk_vcpu) ||
		     stack <= WK_USER_MIN || stack > WK_USER_LIMIT ||
		     stack % 16))
		return -WK_EINVAL;
	event_entry = entry;
	event_vcpu = vcpu;
	event_stack = stack;
	return 0;
}

long events_set_self_state(struct trap_frame *frame, uint64_t state,
			   uint64_t size, uint64_t flags)
{
	struct wk_regs r;

	if (size != sizeof(r) || (flags & ~(uint64_t)WK_UNMASK))
		return -WK_EINVAL;
	if (copy_from_user(&r, user_pointer(state), sizeof(r)))
		return -WK_EFAULT;
	/* The checks of abi.h: RIP below the user limit, RSP and FS base
	 * canonical user addresses. */
	if (r.rip >= WK_USER_LIMIT || r.rsp >= CANONICAL_USER_END ||
	    r.fs_base >= CANONICAL_USER_END)
		return -WK_EINVAL;
	/* Clears events_masked in the vCPU page (when events are set up). */
	if ((flags & WK_UNMASK) && event_entry != 0 &&
	    copy_to_user(user_pointer(event_vcpu + WK_VCPU_EVENTS_MASKED),
			 &(uint32_t){ 0 }, sizeof(uint32_t)))
		return -WK_EFAULT;

#define FROM_STATE(reg) frame->reg = r.reg;
	FOR_EACH_USER_REGISTER(FROM_STATE)
	frame->rflags = (r.rflags & RFLAGS_USER_BITS) | RFLAGS_ALWAYS;
	wrmsr(MSR_FS_BASE, r.fs_base);
	/* The dispatcher stores the result in RAX: return the state's own.
	 * A pending event is delivered by the return path (syscall_dispatch
	 * calls events_return_to_user), with this state as the interrupted
	 * context. */
	return (long)r.rax;
}

long events_timer_arm(uint64_t deadline)
{
	if (!timer_present)
		return -WK_ENOSYS;
	bool due = deadline != 0 && deadline <= read_tsc();

	timer_deadline = due ? 0 : deadline;
	apic_timer_arm(timer_deadline);
	if (due)
		events_pending |= WK_PENDING_TIMER;
	return 0;
}

/*
 * Halts until an event is pending. STI takes effect after the next
 * instruction, so "sti; hlt" has no window in which an interrupt could
 * arrive before the HLT and be missed; the interrupt ends the HLT.
 */
long events_block(void)
{
	while (!events_pending) {
		/* The keyboard raises input events (WK_DEVICE_INPUT_EVENTS). */
		if (timer_deadline == 0 &&
		    (events_devices &
		     (WK_DEVICE_INPUT_EVENTS | WK_DEVICE_NET)) == 0)
			return -WK_EDEADLK; /* nothing could ever wake us */
		__asm__ volatile("sti; hlt; cli" : : : "memory");
	}
	return 0;
}

void events_init(bool have_timer, uint32_t devices)
{
	timer_present = have_timer;
	events_devices = devices;
	entry_rdfsbase = cpu_features.fsgsbase;
}
