/*
 * A legacy virtio-net driver (virtio 1.0, sections 4.1.4.8 "Legacy
 * Interfaces: A Note on PCI Device Layout", 2.4 "Virtqueues" with 2.4.2's
 * legacy layout, 5.1 "Network Device"). Its owner is the libOS: frames go
 * out by net_send and come in by net_receive, copied through the exception
 * table; the interrupt only marks a network event pending (events.c).
 *
 * The device's registers are in the I/O space at BAR0 (its legacy header,
 * MSI-X off): device features (32 bits) at +0x00, driver features at +0x04,
 * the selected queue's page frame number at +0x08, its size (16 bits) at
 * +0x0c, queue select at +0x0e, queue notify at +0x10, device status (8
 * bits) at +0x12, ISR status (8 bits, cleared by reading) at +0x13, and
 * the network configuration from +0x14: the MAC address first.
 *
 * Queue 0 receives, queue 1 transmits, each a struct ring in the kernel's
 * bss, whose physical address is its virtual one less KERNEL_VMA.
 * Descriptor i of a queue always points at its buffer i. Every buffer
 * starts with the 10-byte legacy virtio_net_hdr (no MRG_RXBUF); the
 * driver's stays zero (no offload asked for), the device's is skipped.
 */
#include "arch/x86_64/virtio_net.h"

#include <stddef.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/pci.h"
#include "arch/x86_64/uaccess.h"
#include "console.h"
#include "wicket/abi.h"

#define VIRTIO_VENDOR          0x1af4
#define VIRTIO_NET_LEGACY      0x1000 /* a transitional network device */
#define VIRTIO_DEVICE_FEATURES 0x00
#define VIRTIO_DRIVER_FEATURES 0x04
#define VIRTIO_QUEUE_PAGE      0x08
#define VIRTIO_QUEUE_SIZE      0x0c
#define VIRTIO_QUEUE_SELECT    0x0e
#define VIRTIO_QUEUE_NOTIFY    0x10
#define VIRTIO_STATUS          0x12
#define VIRTIO_ISR             0x13
#define VIRTIO_NET_MAC         0x14
#define STATUS_DRIVER_FOUND    3 /* ACKNOWLEDGE (1) and DRIVER (2) */
#define STATUS_DRIVER_OK       4
#define FEATURE_NET_MAC        (1u << 5)
/* The header and the frame in one descriptor: QEMU takes it either way,
 * but a legacy device may assume otherwise without this feature. */
#define FEATURE_ANY_LAYOUT     (1u << 27)
#define ISR_QUEUE              1 /* a queue has used buffers */
#define DESCRIPTOR_WRITE       2 /* the device writes the buffer */
#define AVAILABLE_NO_INTERRUPT 1

#define QUEUE_RECEIVE     0
#define QUEUE_TRANSMIT    1
#define QUEUE_SIZE        256 /* QEMU's; a legacy driver cannot choose */
#define NET_HEADER_BYTES  10
#define ETHERNET_HEADER_BYTES 14
#define BUFFER_BYTES      1536 /* header and frame, a VLAN tag to spare */
#define RECEIVE_BUFFERS   32
#define TRANSMIT_BUFFERS  16
#define TRANSMIT_ALL_BUSY ((1u << TRANSMIT_BUFFERS) - 1)

/* A queue in the legacy layout: the descriptor table, the available ring
 * (its used_event word, after the entries, is not used without
 * VIRTIO_F_EVENT_IDX), and on the next page the used ring. */
struct ring {
	struct { uint64_t address; uint32_t length; uint16_t flags, next; }
		descriptors[QUEUE_SIZE];
	uint16_t available_flags, available_index, available[QUEUE_SIZE];
	uint8_t to_the_next_page[4096 - 4 - 2 * QUEUE_SIZE];
	uint16_t used_flags, used_index;
	/* id: the first descriptor of a buffer; length: bytes written */
	struct used { uint32_t id, length; } used[QUEUE_SIZE];
} __attribute__((aligned(4096)));
_Static_assert(offsetof(struct ring, used_flags) == 2 * 4096,
	       "the legacy layout for QUEUE_SIZE entries");

uint8_t virtio_net_mac[6];
static uint16_t io; /* BAR0's port base; 0 without a usable device */
static volatile struct ring rings[2];
static uint16_t taken[2]; /* per queue, the used entries consumed */
static uint32_t transmit_busy; /* bit i: transmit buffer i is the device's */
static __attribute__((aligned(64)))
uint8_t buffers[RECEIVE_BUFFERS + TRANSMIT_BUFFERS][BUFFER_BYTES];

/* The kernel image's physical address (below 4 GiB) of one of its own. */
#define PHYSICAL(kernel_address) \
	((uint32_t)((uint64_t)(kernel_address) - KERNEL_VMA))

/* Gives queue `index` buffers `first`.. as its descriptors: a receive
 * queue gets them all posted, a transmit queue asks for no interrupt
 * (transmit_buffer asks when it must wait). */
static bool queue_init(unsigned index, unsigned first, unsigned count,
		       bool receive)
{
	volatile struct ring *ring = &rings[index];

	outw(io + VIRTIO_QUEUE_SELECT, (uint16_t)index);
	if (inw(io + VIRTIO_QUEUE_SIZE) != QUEUE_SIZE)
		return false;
	for (unsigned i = 0; i < count; i++) {
		ring->descriptors[i].address = PHYSICAL(buffers[first + i]);
		ring->descriptors[i].length = BUFFER_BYTES;
		ring->descriptors[i].flags = receive ? DESCRIPTOR_WRITE : 0;
		ring->available[i] = (uint16_t)i;
	}
	ring->available_index = receive ? (uint16_t)count : 0;
	ring->available_flags = receive ? 0 : AVAILABLE_NO_INTERRUPT;
	outl(io + VIRTIO_QUEUE_PAGE, PHYSICAL(ring) >> 12);
	return true;
}

/* The device's status sequence for a legacy driver (3.1.2, legacy):
 * reset, ACKNOWLEDGE, DRIVER, features, queues, DRIVER_OK. */
static bool device_init(void)
{
	outb(io + VIRTIO_STATUS, 0);
	outb(io + VIRTIO_STATUS, STATUS_DRIVER_FOUND);
	uint32_t features = inl(io + VIRTIO_DEVICE_FEATURES);

	outl(io + VIRTIO_DRIVER_FEATURES,
	     features & (FEATURE_NET_MAC | FEATURE_ANY_LAYOUT));
	if (!(features & FEATURE_NET_MAC) ||
	    !queue_init(QUEUE_RECEIVE, 0, RECEIVE_BUFFERS, true) ||
	    !queue_init(QUEUE_TRANSMIT, RECEIVE_BUFFERS, TRANSMIT_BUFFERS,
			false))
		return false;
	for (unsigned i = 0; i < sizeof(virtio_net_mac); i++)
		virtio_net_mac[i] = inb(io + VIRTIO_NET_MAC + i);
	outb(io + VIRTIO_STATUS, STATUS_DRIVER_FOUND | STATUS_DRIVER_OK);
	outw(io + VIRTIO_QUEUE_NOTIFY, QUEUE_RECEIVE);
	return true;
}

bool virtio_net_init(void)
{
	int slot = pci_find_and_enable(VIRTIO_VENDOR, VIRTIO_NET_LEGACY);

	if (slot < 0)
		return false;
	uint32_t bar = pci_read(slot, PCI_BAR0);
	unsigned irq = pci_read(slot, PCI_INTERRUPT_LINE) & 0xff;

	io = (bar & PCI_BAR_IO) ? (uint16_t)(bar & 0xfffc) : 0;
	/* Line 0xff: none routed (0 is the timer's, never a PCI device's). */
	if (io == 0 || irq == 0 || irq == 0xff || !device_init() ||
	    ioapic_route_irq(irq, APIC_NET_VECTOR, true) < 0) {
		if (io)
			outb(io + VIRTIO_STATUS, 0); /* reset: quiet, no DMA */
		io = 0;
		kinfo("wicket: network: virtio-net in PCI slot %d not usable "
		      "(BAR0 %#x, IRQ %u)\n", slot, bar, irq);
		return false;
	}
	const uint8_t *m = virtio_net_mac;
	kinfo("wicket: network: virtio-net %02x:%02x:%02x:%02x:%02x:%02x "
	      "(IRQ %u)\n", m[0], m[1], m[2], m[3], m[4], m[5], irq);
	return true;
}

bool virtio_net_interrupt_acknowledge(void)
{
	return io != 0 && (inb(io + VIRTIO_ISR) & ISR_QUEUE);
}

/* Hands descriptor `id` of queue `index` to the device. x86 keeps stores
 * in order, so the device sees the buffer and the ring entry before the
 * index; the compiler is told to keep them so too. */
static void queue_publish(unsigned index, uint16_t id)
{
	volatile struct ring *ring = &rings[index];

	ring->available[ring->available_index % QUEUE_SIZE] = id;
	__asm__ volatile("" : : : "memory");
	ring->available_index++;
	__asm__ volatile("" : : : "memory");
	outw(io + VIRTIO_QUEUE_NOTIFY, (uint16_t)index);
}

/* The oldest used entry of queue `index` not yet taken (the caller takes
 * it: taken[index]++), or NULL. */
static volatile struct used *queue_used(unsigned index)
{
	volatile struct ring *ring = &rings[index];

	if (taken[index] == ring->used_index)
		return NULL;
	return &ring->used[taken[index] % QUEUE_SIZE];
}

/*
 * A free transmit buffer, after taking back those the device has sent;
 * TRANSMIT_BUFFERS when none is free. Then the device is asked to
 * interrupt when it sends one (the WK_EVENT_NET abi.h promises) and looked
 * at once more: it may have sent them all before it was asked. The fence
 * keeps the flag's store before that second look's loads.
 */
static unsigned transmit_buffer(void)
{
	volatile struct used *used;

	for (int look = 0; look < 2; look++) {
		for (; (used = queue_used(QUEUE_TRANSMIT));
		     taken[QUEUE_TRANSMIT]++)
			transmit_busy &= ~(1u << (used->id % TRANSMIT_BUFFERS));
		if (transmit_busy != TRANSMIT_ALL_BUSY) {
			rings[QUEUE_TRANSMIT].available_flags =
				AVAILABLE_NO_INTERRUPT;
			return (unsigned)__builtin_ctz(~transmit_busy);
		}
		rings[QUEUE_TRANSMIT].available_flags = 0;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	return TRANSMIT_BUFFERS;
}

long virtio_net_send(uint64_t frame, uint64_t length)
{
	if (io == 0)
		return -WK_ENODEV;
	if (length < ETHERNET_HEADER_BYTES || length > WK_NET_FRAME_MAX)
		return -WK_EINVAL;
	unsigned id = transmit_buffer();

	if (id == TRANSMIT_BUFFERS)
		return -WK_EAGAIN;
	if (copy_from_user(buffers[RECEIVE_BUFFERS + id] + NET_HEADER_BYTES,
			   user_pointer(frame), length))
		return -WK_EFAULT;
	rings[QUEUE_TRANSMIT].descriptors[id].length =
		(uint32_t)(NET_HEADER_BYTES + length);
	transmit_busy |= 1u << id;
	queue_publish(QUEUE_TRANSMIT, (uint16_t)id);
	return (long)length;
}

/* Frames shorter than an Ethernet header or longer than WK_NET_FRAME_MAX
 * (a VLAN-tagged one, say) are dropped. */
long virtio_net_receive(uint64_t buffer, uint64_t length)
{
	volatile struct used *used;

	if (io == 0)
		return -WK_ENODEV;
	if (length < WK_NET_FRAME_MAX)
		return -WK_EINVAL;
	while ((used = queue_used(QUEUE_RECEIVE))) {
		/* The device gives back the ids it got; less than a header
		 * wraps round to too long. */
		uint32_t id = used->id % RECEIVE_BUFFERS;
		uint32_t bytes = used->length - NET_HEADER_BYTES;
		bool whole = bytes >= ETHERNET_HEADER_BYTES &&
			     bytes <= WK_NET_FRAME_MAX;

		if (whole && copy_to_user(user_pointer(buffer),
					  buffers[id] + NET_HEADER_BYTES, bytes))
			return -WK_EFAULT; /* the frame stays */
		taken[QUEUE_RECEIVE]++;
		queue_publish(QUEUE_RECEIVE, (uint16_t)id);
		if (whole)
			return bytes;
	}
	return 0;
}
