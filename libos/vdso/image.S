/*
 * The vDSO image (vdso.c, linked by vdso.ld) inside the libOS, for
 * loader/vdso.c to copy into the app. VDSO_IMAGE_PATH is the built file
 * (meson.build).
 */
	.section .rodata.vdso, "a"
	.balign 64
	.globl	vdso_image, vdso_image_end
vdso_image:
	.incbin	VDSO_IMAGE_PATH
vdso_image_end:

	.section .note.GNU-stack, "", @progbits
