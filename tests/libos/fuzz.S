/*
 * The fuzz scenario's probes (fuzz.c): one memory access each, at a
 * labelled instruction, so that the event hook can tell a probe's #PF
 * from any other and resume at the label after it (RAX is then whatever
 * it held: the hook records the fault).
 *
 *   uint64_t fuzz_load(uint64_t address)          reads 8 bytes
 *   void fuzz_store(uint64_t address, uint64_t v) writes 8 bytes
 *   fuzz_landing                                  ud2: where a random
 *                                                 state may resume
 */
	.text

	.globl	fuzz_load, fuzz_load_access, fuzz_load_done
	.type	fuzz_load, @function
fuzz_load:
	xorl	%eax, %eax
fuzz_load_access:
	movq	(%rdi), %rax
fuzz_load_done:
	ret
	.size	fuzz_load, . - fuzz_load

	.globl	fuzz_store, fuzz_store_access, fuzz_store_done
	.type	fuzz_store, @function
fuzz_store:
fuzz_store_access:
	movq	%rsi, (%rdi)
fuzz_store_done:
	ret
	.size	fuzz_store, . - fuzz_store

	.globl	fuzz_landing
	.type	fuzz_landing, @function
fuzz_landing:
	ud2
	.size	fuzz_landing, . - fuzz_landing

	.section .note.GNU-stack, "", @progbits
