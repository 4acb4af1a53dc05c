/*
 * The vDSO's pages in the app (vdso.h).
 */
#include "loader/vdso.h"

#include "layout.h"
#include "lib/string.h"
#include "linux/clock.h"
#include "mm/vm.h"

/* vdso/image.S */
extern const uint8_t vdso_image[], vdso_image_end[];

static uint64_t image_bytes(void)
{
	return (uint64_t)(vdso_image_end - vdso_image);
}

static uint64_t image_address(void)
{
	return APP_VDSO_DATA + PAGE_SIZE;
}

void vdso_original_page(uint64_t page, void *out)
{
	uint64_t image = image_address();

	if (page == APP_VDSO_DATA)
		memcpy(out, clock_source(), sizeof(struct clock_source));
	else if (page >= image && page < image + image_bytes())
		memcpy(out, vdso_image + (page - image),
		       image + image_bytes() - page < PAGE_SIZE
			       ? image + image_bytes() - page
			       : PAGE_SIZE);
}

uint64_t vdso_map(void)
{
	uint64_t image = image_address();
	uint64_t end = page_up(image + image_bytes());

	if (vm_map(APP_VDSO_DATA, end - APP_VDSO_DATA,
		   PROT_READ | PROT_WRITE, REGION_IMAGE) < 0)
		return 0;
	for (uint64_t page = APP_VDSO_DATA; page < end; page += PAGE_SIZE)
		vdso_original_page(page, (void *)page);
	if (vm_protect(APP_VDSO_DATA, PAGE_SIZE, PROT_READ) < 0 ||
	    vm_protect(image, end - image, PROT_READ | PROT_EXEC) < 0) {
		vm_unmap(APP_VDSO_DATA, end - APP_VDSO_DATA);
		return 0;
	}
	return image;
}

void vdso_clock_changed(void)
{
	const struct region *region = vm_find(APP_VDSO_DATA);

	if (region == NULL || region->kind != REGION_IMAGE ||
	    !vm_page_present(APP_VDSO_DATA))
		return;
	uint32_t prot = region->prot;

	if (vm_protect(APP_VDSO_DATA, PAGE_SIZE, PROT_READ | PROT_WRITE) < 0)
		return;
	memcpy((void *)APP_VDSO_DATA, clock_source(),
	       sizeof(struct clock_source));
	vm_protect(APP_VDSO_DATA, PAGE_SIZE, prot);
}
