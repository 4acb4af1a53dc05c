/*
 * The network device: a legacy (or transitional) virtio-net PCI device,
 * such as QEMU's virtio-net-pci on the pc machine. Behind the native calls
 * net_send and net_receive (abi.h has their contracts) and the network
 * events. One CPU, interrupts off.
 */
#ifndef KERNEL_ARCH_X86_64_VIRTIO_NET_H
#define KERNEL_ARCH_X86_64_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

/* The MAC address, all zero without a device. */
extern uint8_t virtio_net_mac[6];

/*
 * Finds the device on PCI bus 0, sets it up (receive buffers posted,
 * interrupts on) and routes its interrupt line through the I/O APIC to
 * APIC_NET_VECTOR; prints one "wicket: network: ..." line when a device
 * is there. Returns whether it is usable. Call once, after apic_init.
 */
bool virtio_net_init(void);

/* Takes the device's interrupt status (which lowers its line): whether
 * it has used buffers to report, a frame received or sent. */
bool virtio_net_interrupt_acknowledge(void);

/* The native calls. */
long virtio_net_send(uint64_t frame, uint64_t length);
long virtio_net_receive(uint64_t buffer, uint64_t length);

#endif /* KERNEL_ARCH_X86_64_VIRTIO_NET_H */
