/*
 * The host tests' stand-in for wicket/native.h: the memory calls the
 * region table and the files' data slots make, answered by a fake kernel
 * in each test (test_vm.c: a set of mapped pages and, for a shared one,
 * the address it shares; test_file_data.c: mapped ranges) that refuses
 * what the real kernel refuses; test_netif.c: a network device whose
 * frames it writes and reads; test_terminal.c: a screen of cells).
 */
#ifndef WICKET_NATIVE_H
#define WICKET_NATIVE_H

#include "wicket/abi.h"

long wk_mem_map(long address, long length, long prot);
long wk_mem_unmap(long address, long length);
long wk_mem_protect(long address, long length, long prot);
long wk_mem_share(long address, long length, long prot, long from);
long wk_net_send(long frame, long length);
long wk_net_receive(long buffer, long length);
long wk_screen_draw(long first, long cells, long count, long cursor);
long wk_screen_read(long to, long count);

#endif /* WICKET_NATIVE_H */
