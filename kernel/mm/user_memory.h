/*
 * The user half's memory: the policy behind the native calls mem_map,
 * mem_share, mem_unmap and mem_protect (abi.h has their contracts).
 */
#ifndef KERNEL_MM_USER_MEMORY_H
#define KERNEL_MM_USER_MEMORY_H

#include <stdint.h>

long user_memory_map(uint64_t address, uint64_t length, uint64_t prot);
long user_memory_share(uint64_t address, uint64_t length, uint64_t prot,
		       uint64_t from);
long user_memory_unmap(uint64_t address, uint64_t length);
long user_memory_protect(uint64_t address, uint64_t length, uint64_t prot);

#endif /* KERNEL_MM_USER_MEMORY_H */
