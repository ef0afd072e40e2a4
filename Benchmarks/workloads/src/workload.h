/* workload.h: the two shapes every Benchmarks workload is built in.
 *
 * A workload defines   static uint64_t workload(long n)   and ends with
 * WORKLOAD_MAIN(workload, DEFAULT_N).
 *
 *   WASI command (default): main() reads n from argv[1] (default DEFAULT_N)
 *       and prints "checksum <u64>", so a wrong answer is never timed.
 *   -DBARE (no libc, no imports): exports run() -> i64 computing
 *       workload(DEFAULT_N), for engines without WASI.
 */
#ifndef WORKLOAD_H
#define WORKLOAD_H
#include <stddef.h>
#include <stdint.h>

#ifdef BARE
/* clang turns struct copies and zeroing loops into these calls on MVP
 * targets; with -mbulk-memory it emits memory.copy/fill instead and these
 * stay unused. */
void *memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}
void *memcpy(void *restrict d, const void *restrict s, size_t n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}
void *memmove(void *d, const void *s, size_t n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  if (p < q) {
    while (n--) *p++ = *q++;
  } else {
    while (n--) p[n] = q[n];
  }
  return d;
}
int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *p = a, *q = b;
  for (; n; n--, p++, q++)
    if (*p != *q) return *p - *q;
  return 0;
}
/* Fresh pages are zeroed, so this is calloc without a free list. */
static void *wl_alloc(size_t bytes) {
  size_t pages = (bytes + 65535) / 65536;
  size_t old = __builtin_wasm_memory_grow(0, pages);
  return old == (size_t)-1 ? NULL : (void *)(old * 65536);
}
#define WORKLOAD_MAIN(fn, default_n)                                     \
  __attribute__((export_name("run"))) uint64_t run(void) {               \
    return fn(default_n);                                                \
  }
#else
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static void *wl_alloc(size_t bytes) { return calloc(1, bytes); }
#define WORKLOAD_MAIN(fn, default_n)                                     \
  int main(int argc, char **argv) {                                      \
    long n = argc > 1 ? atol(argv[1]) : (default_n);                     \
    printf("checksum %llu\n", (unsigned long long)fn(n));                \
    return 0;                                                            \
  }
#endif

/* xorshift64*: the same pseudo-random stream on every platform. */
static inline uint64_t wl_rand(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}
#endif
