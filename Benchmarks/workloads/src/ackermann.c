/* ackermann: deep, non-tail recursion.  Ackermann's function A(3, n) for
 * n up to the argument (A(3, 10) = 8189 nests about 8,190 calls deep and
 * makes ~44.7M calls), then a plain recursive descent 6,000 frames deep,
 * repeated.  Stresses call/return, frame set-up, a deep call stack.
 * usage: ackermann [n]   (default 10) */
#include "workload.h"

static uint64_t calls;

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n) {
  calls++;
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

/* Not a tail call: the addition after the return keeps every frame live. */
__attribute__((noinline)) static uint64_t descend(uint32_t depth, uint64_t x) {
  if (depth == 0) return x;
  return descend(depth - 1, x * 6364136223846793005ULL + depth) + depth;
}

static uint64_t workload(long n) {
  uint64_t sum = 0;
  for (long k = 1; k <= n; k++) sum = sum * 31 + ack(3, (uint32_t)k);
  for (uint32_t r = 0; r < 6000; r++) sum ^= descend(6000, sum + r);
  return sum * 1000003u + calls;
}
WORKLOAD_MAIN(workload, 10)
