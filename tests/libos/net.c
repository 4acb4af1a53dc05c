/*
 * Scenarios net and net-absent: the network device's native calls
 * (net_send, net_receive), WK_EVENT_NET and wk_info's devices and MAC.
 *
 * net (booted with the runner's --net, and wicket.input=poll so that only
 * the network device can end a block() without a timer): QEMU's default
 * MAC; lengths out of range (-EINVAL) and bad pointers (-EFAULT) on both
 * calls; an ARP request from 10.0.2.15 for 10.0.2.2 (QEMU's user-mode
 * network answers for its gateway), block() with events masked until the
 * reply's event is pending, bad buffers while the reply waits (-EFAULT,
 * and it stays), then the reply itself; then frames sent until the
 * transmit queue is full (-EAGAIN), and the event that says room was made.
 *
 * net-absent (no --net): no WK_DEVICE_NET, a zero MAC, -ENODEV from both
 * calls, and block() without a timer or a device is -EDEADLK.
 *
 * net-forward (the runner's --forward udp:PORT:7777, while the host sends
 * datagrams to 127.0.0.1:PORT: net_forward_runner.py): the ARP request
 * (which also tells QEMU our MAC), then the first UDP datagram to port
 * 7777, printed.
 */
#include <stdint.h>

#include "check.h"
#include "events.h"
#include "print.h"
#include "string.h"
#include "wicket/native.h"

__attribute__((noreturn)) void libos_exit(int status);

#define ETHERNET_HEADER 14
#define ARP_FRAME       42 /* the Ethernet header and a 28-byte ARP packet */
#define FLOOD_FRAME     60
#define FLOOD_MAX       20000
#define RW_PAGE         (EVENT_SCRATCH + 0x00100000ull)

static const uint8_t qemu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t guest_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gateway_ip[4] = { 10, 0, 2, 2 };

static volatile unsigned net_events, timer_events;
static struct wk_regs here_state;
static uint8_t frame[WK_NET_FRAME_MAX];
static uint8_t received[WK_NET_FRAME_MAX];

static void net_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	if (kind == WK_EVENT_NET && vcpu->event.kind == WK_EVENT_NET) {
		net_events++;
	} else if (kind == WK_EVENT_TIMER) {
		timer_events++;
	} else {
		print("libos: FAIL unexpected event kind %u (vCPU page: %u)\n",
		      kind, vcpu->event.kind);
		libos_exit(1);
	}
}

static uint16_t load_be16(const uint8_t *bytes)
{
	return (uint16_t)(bytes[0] << 8 | bytes[1]);
}

/* An ARP request (RFC 826) from us at 10.0.2.15, broadcast, for the IPv4
 * address 10.0.2.2. */
static void build_arp_request(const uint8_t mac[6])
{
	static const uint8_t arp_ipv4_request[8] = {
		0, 1, 0x08, 0x00, 6, 4, 0, 1 /* Ethernet, IPv4, request */
	};

	memset(frame, 0xff, 6);
	memcpy(frame + 6, mac, 6);
	frame[12] = 0x08;
	frame[13] = 0x06;
	memcpy(frame + 14, arp_ipv4_request, 8);
	memcpy(frame + 22, mac, 6);
	memcpy(frame + 28, guest_ip, 4);
	memset(frame + 32, 0, 6);
	memcpy(frame + 38, gateway_ip, 4);
}

/* Whether `bytes` is the gateway's ARP reply to `mac`; prints its MAC. */
static bool is_arp_reply(const uint8_t *bytes, long length,
			 const uint8_t mac[6])
{
	if (length < ARP_FRAME || load_be16(bytes + 12) != 0x0806 ||
	    load_be16(bytes + 20) != 2 || memcmp(bytes + 28, gateway_ip, 4))
		return false;
	print("libos: ARP reply (%ld bytes): 10.0.2.2 is at "
	      "%02x:%02x:%02x:%02x:%02x:%02x\n", length, bytes[22], bytes[23],
	      bytes[24], bytes[25], bytes[26], bytes[27]);
	check_true("the reply is addressed to our MAC",
		   memcmp(bytes, mac, 6) == 0);
	check_true("the reply's target is our MAC and 10.0.2.15",
		   memcmp(bytes + 32, mac, 6) == 0 &&
		   memcmp(bytes + 38, guest_ip, 4) == 0);
	return true;
}

/* With events masked: block() until `bit` is pending in the vCPU page,
 * or the backstop timer (1 s) fires. Returns whether `bit` came. */
static bool masked_wait(const struct wk_info *info, uint32_t bit)
{
	wk_timer_arm((long)(read_tsc() + info->tsc_frequency_hz));
	while (!(event_vcpu->pending & bit) &&
	       !(event_vcpu->pending & WK_PENDING_TIMER))
		wk_block();
	wk_timer_arm(0);
	return event_vcpu->pending & bit;
}

static void mask_events(void)
{
	event_vcpu->events_masked = 1;
	event_vcpu->pending = 0;
	__asm__ volatile("" ::: "memory");
}

/* Unmasks: the pending events are delivered to net_hook on the way. */
static void unmask_events(void)
{
	check_value("set_self_state(WK_UNMASK) resumes here",
		    self_state_here(&here_state, WK_UNMASK),
		    SELF_STATE_RESUMED);
}

static void check_bad_lengths_and_pointers(void)
{
	check_value("net_send(length 13)", wk_net_send((long)frame, 13),
		    -WK_EINVAL);
	check_value("net_send(length 1515)", wk_net_send((long)frame, 1515),
		    -WK_EINVAL);
	check_value("net_send(length -1)", wk_net_send((long)frame, -1),
		    -WK_EINVAL);
	check_value("net_send(NULL)", wk_net_send(0, ARP_FRAME), -WK_EFAULT);
	check_value("net_send(kernel 0xffffffff80000000)",
		    wk_net_send((long)0xffffffff80000000ull, ARP_FRAME),
		    -WK_EFAULT);
	check_value("net_send(non-canonical 0x0000800000000000)",
		    wk_net_send((long)0x0000800000000000ull, ARP_FRAME),
		    -WK_EFAULT);
	if (check_value("mem_map(rw page)",
			wk_mem_map(RW_PAGE, WK_PAGE_SIZE,
				   WK_PROT_READ | WK_PROT_WRITE), 0))
		check_value("net_send(straddling the end of a mapping)",
			    wk_net_send(RW_PAGE + WK_PAGE_SIZE - 20,
					ARP_FRAME), -WK_EFAULT);
	check_value("net_receive(length 1513)",
		    wk_net_receive((long)received, 1513), -WK_EINVAL);
	check_value("net_receive(length 0)",
		    wk_net_receive((long)received, 0), -WK_EINVAL);
}

/* While a frame waits: bad buffers take nothing. */
static void check_bad_receive_buffers(void)
{
	check_value("net_receive(NULL)", wk_net_receive(0, WK_NET_FRAME_MAX),
		    -WK_EFAULT);
	check_value("net_receive(kernel 0xffffffff80000000)",
		    wk_net_receive((long)0xffffffff80000000ull,
				   WK_NET_FRAME_MAX), -WK_EFAULT);
	check_value("net_receive(the read-only info page)",
		    wk_net_receive(WK_INFO_ADDRESS, WK_NET_FRAME_MAX),
		    -WK_EFAULT);
	check_value("net_receive(straddling the end of a mapping)",
		    wk_net_receive(RW_PAGE + WK_PAGE_SIZE - 20,
				   WK_NET_FRAME_MAX), -WK_EFAULT);
}

/* The ARP exchange; returns whether the reply came. */
static bool arp_exchange(const struct wk_info *info)
{
	bool found = false;

	build_arp_request(info->net_mac);
	mask_events();
	check_value("net_send(ARP request for 10.0.2.2)",
		    wk_net_send((long)frame, ARP_FRAME), ARP_FRAME);
	/* No timer armed and input polled: only the device can wake it (the
	 * reply may also be pending already: then block() returns at once). */
	do {
		if (!check_value("block() with the network device to wake it",
				 wk_block(), 0))
			break;
	} while (!(event_vcpu->pending & WK_PENDING_NET));
	unsigned before = net_events;
	unmask_events();
	/* At least the pending one: another frame (the runner's forwarded
	 * datagram, say) may raise one more once events are unmasked. */
	check_true("a network event delivered on unmasking",
		   net_events - before >= 1);
	check_bad_receive_buffers();
	for (int frames = 0; frames < 8 && !found; frames++) {
		long length = wk_net_receive((long)received, sizeof(received));
		if (length == 0) {
			mask_events();
			if (!masked_wait(info, WK_PENDING_NET))
				break;
			unmask_events();
			continue;
		}
		if (!check_true("net_receive returns a frame length",
				length >= ETHERNET_HEADER &&
				length <= WK_NET_FRAME_MAX))
			break;
		found = is_arp_reply(received, length, info->net_mac);
	}
	check_true("the gateway's ARP reply came", found);
	return found;
}

/* Broadcast frames of a local experimental type (0x88b5), which QEMU's
 * user-mode network ignores, until the transmit queue is full; then the
 * event that says it has room, and a send that works. */
static void fill_transmit_queue(const struct wk_info *info)
{
	long result = 0;
	unsigned sent = 0;

	memset(frame, 0xff, 6);
	memcpy(frame + 6, info->net_mac, 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	memset(frame + 14, 0x5a, FLOOD_FRAME - 14);
	mask_events();
	while (sent < FLOOD_MAX &&
	       (result = wk_net_send((long)frame, FLOOD_FRAME)) == FLOOD_FRAME)
		sent++;
	print("libos: %u frames sent before net_send returned %ld\n", sent,
	      result);
	if (!check_value("net_send with the transmit queue full", result,
			 -WK_EAGAIN))
		return;
	/* A frame received also raises the event (QEMU's network may send
	 * one at any time): the send that still finds the queue full asks
	 * for the next event, as abi.h says, so wait again (a few times). */
	bool evented = false;

	for (unsigned tries = 0; tries < 8; tries++) {
		if (!masked_wait(info, WK_PENDING_NET))
			break;
		evented = true;
		unmask_events();
		result = wk_net_send((long)frame, FLOOD_FRAME);
		if (result != -WK_EAGAIN)
			break;
		mask_events();
	}
	if (event_vcpu->events_masked) /* no event came: a failure below */
		unmask_events();
	check_true("a network event when the queue has room", evented);
	check_value("net_send after the event", result, FLOOD_FRAME);
}

int scenario_net(const struct wk_info *info)
{
	const uint8_t *m = info->net_mac;

	print("libos: devices 0x%x, MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
	      info->devices, m[0], m[1], m[2], m[3], m[4], m[5]);
	if (!check_true("wk_info.devices has WK_DEVICE_NET",
			info->devices & WK_DEVICE_NET))
		return check_finish("net");
	check_true("the MAC is QEMU's default 52:54:00:12:34:56",
		   memcmp(m, qemu_mac, 6) == 0);
	if (!events_setup())
		return 1;
	event_hook = net_hook;
	check_bad_lengths_and_pointers();
	if (arp_exchange(info)) {
		check_value("net_receive with nothing waiting",
			    wk_net_receive((long)received, sizeof(received)),
			    0);
		fill_transmit_queue(info);
	}
	print("libos: %u network events, %u timer events\n", net_events,
	      timer_events);
	return check_finish("net");
}

/* The payload of `bytes` if it is an IPv4 UDP datagram to 10.0.2.15 port
 * `port` (RFC 791, 768), NULL otherwise; *length its bytes. */
static const uint8_t *udp_payload(const uint8_t *bytes, long frame_length,
				  uint16_t port, long *length)
{
	const uint8_t *ip = bytes + ETHERNET_HEADER;
	long header = (ip[0] & 0xf) * 4;

	if (frame_length < ETHERNET_HEADER + 28 ||
	    load_be16(bytes + 12) != 0x0800 || ip[9] != 17 ||
	    memcmp(ip + 16, guest_ip, 4) ||
	    frame_length < ETHERNET_HEADER + header + 8 ||
	    load_be16(ip + header + 2) != port)
		return NULL;
	*length = load_be16(ip + header + 4) - 8;
	if (*length < 0 || *length > frame_length - ETHERNET_HEADER - header - 8)
		return NULL;
	return ip + header + 8;
}

int scenario_net_forward(const struct wk_info *info)
{
	if (!check_true("wk_info.devices has WK_DEVICE_NET",
			info->devices & WK_DEVICE_NET) || !events_setup())
		return check_finish("net-forward");
	event_hook = net_hook;
	if (!arp_exchange(info))
		return check_finish("net-forward");
	const uint8_t *payload = NULL;
	long length = 0;
	for (int waits = 0; !payload && waits < 20;) {
		long frame_length = wk_net_receive((long)received,
						   sizeof(received));
		if (frame_length > 0) {
			payload = udp_payload(received, frame_length, 7777,
					      &length);
		} else if (check_true("net_receive", frame_length == 0)) {
			mask_events();
			waits++;
			masked_wait(info, WK_PENDING_NET);
			unmask_events();
		} else {
			break;
		}
	}
	if (check_true("a UDP datagram to port 7777 came", payload != NULL)) {
		char text[64] = "";
		memcpy(text, payload, length < 63 ? (size_t)length : 63);
		print("libos: UDP to port 7777: \"%s\"\n", text);
	}
	return check_finish("net-forward");
}

int scenario_net_absent(const struct wk_info *info)
{
	static const uint8_t zero[6];

	check_true("wk_info.devices lacks WK_DEVICE_NET",
		   !(info->devices & WK_DEVICE_NET));
	check_true("wk_info.net_mac is zero",
		   memcmp(info->net_mac, zero, 6) == 0);
	build_arp_request(info->net_mac);
	check_value("net_send(ARP request)", wk_net_send((long)frame, 42),
		    -WK_ENODEV);
	check_value("net_receive", wk_net_receive((long)received,
						  sizeof(received)),
		    -WK_ENODEV);
	check_value("net_send(NULL, 0)", wk_net_send(0, 0), -WK_ENODEV);
	if (!(info->devices & WK_DEVICE_INPUT_EVENTS))
		check_value("block() with no timer and no device",
			    wk_block(), -WK_EDEADLK);
	return check_finish("net-absent");
}
