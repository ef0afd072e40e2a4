/* memops: bulk memory.  Built with -mbulk-memory, so every memcpy, memmove
 * and memset below is one memory.copy or memory.fill instruction: copies and
 * fills of 8 bytes to 1 MiB, overlapping moves in both directions, within a
 * 16 MiB arena; a cheap rolling hash samples the arena as it changes.
 * usage: memops [rounds]   (default 500) */
#include "workload.h"

#define ARENA (16u << 20)
#define MASK (ARENA - 1)

static unsigned char *arena;

static uint64_t sample(uint64_t h, uint32_t at) {
  const unsigned char *p = arena + (at & (MASK & ~63u));
  for (int i = 0; i < 64; i += 8) h = (h ^ p[i]) * 0x100000001B3ULL;
  return h;
}

static uint64_t round_of_ops(uint64_t *rng, uint64_t h) {
  /* many small copies: struct-sized moves, as compiled code makes */
  for (int i = 0; i < 20000; i++) {
    uint64_t r = wl_rand(rng);
    uint32_t len = 8u << (r & 5);               /* 8 .. 256 bytes */
    uint32_t from = (uint32_t)(r >> 8) & (MASK >> 1);
    uint32_t to = (uint32_t)(r >> 32) & (MASK >> 1);
    memcpy(arena + (ARENA >> 1) + to, arena + from, len);
  }
  h = sample(h, (uint32_t)wl_rand(rng));
  /* page-sized fills and copies */
  for (int i = 0; i < 2000; i++) {
    uint64_t r = wl_rand(rng);
    uint32_t at = (uint32_t)(r >> 16) & (MASK - 8191);
    memset(arena + at, (int)(r & 255), 4096);
    memcpy(arena + (at ^ 0x800000u), arena + at, 4096);
  }
  h = sample(h, (uint32_t)wl_rand(rng));
  /* large overlapping moves, both directions */
  for (int i = 0; i < 24; i++) {
    uint64_t r = wl_rand(rng);
    uint32_t len = 1u << 20;
    uint32_t at = (uint32_t)(r >> 20) & (MASK >> 1);
    uint32_t shift = 1 + (uint32_t)(r & 4095);
    if (i & 1) memmove(arena + at + shift, arena + at, len);
    else memmove(arena + at, arena + at + shift, len);
    h = sample(h, at + (uint32_t)(r >> 40));
  }
  /* a byte stream written through small memsets */
  for (int i = 0; i < 20000; i++) {
    uint64_t r = wl_rand(rng);
    memset(arena + ((uint32_t)r & (MASK - 63)), (int)(r >> 56), 1 + ((r >> 32) & 31));
  }
  return sample(h, (uint32_t)wl_rand(rng));
}

static uint64_t workload(long rounds) {
  /* slack: a small copy may start just below the end of the arena */
  arena = wl_alloc(ARENA + 4096);
  if (!arena) return 0;
  for (uint32_t i = 0; i < ARENA; i += 4) {
    uint32_t v = i * 0x01000193u + (i >> 11);
    memcpy(arena + i, &v, 4);
  }
  uint64_t rng = 0x9E3779B97F4A7C15ULL, h = 14695981039346656037ULL;
  for (long r = 0; r < rounds; r++) h = round_of_ops(&rng, h);
  for (uint32_t i = 0; i < ARENA; i += 4096) h = sample(h, i);
  return h;
}
WORKLOAD_MAIN(workload, 500)
