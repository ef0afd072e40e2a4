/* strings: text processing, byte at a time.  Generates ~4 MB of text from
 * a random stream of syllables, punctuation and mixed case, then per round
 * tokenizes it (character classes, lower-casing), hashes each word
 * (FNV-1a), counts it in an open-addressing table (memcmp on collisions),
 * and finds the longest word and the most frequent one.
 * usage: strings [rounds]   (default 10) */
#include "workload.h"

#define TEXT_BYTES (4u << 20)
#define SLOTS (1u << 18)

static const char *const syllables[16] = {
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo",
    "ber", "dan", "gol", "hip", "qua", "stre", "xyl", "zen"};

struct slot {
  uint32_t hash, start, length, count;
};

static char *text;
static char *word;
static struct slot *table;

static uint32_t generate(void) {
  uint64_t rng = 0x1234567887654321ULL;
  uint32_t at = 0;
  while (at + 64 < TEXT_BYTES) {
    uint64_t r = wl_rand(&rng);
    int parts = 1 + (int)(r & 3);
    for (int p = 0; p < parts; p++) {
      const char *s = syllables[(r >> (4 + 4 * p)) & 15];
      while (*s) text[at++] = *s++;
    }
    if (((r >> 24) & 7) == 0) text[at - 1] = (char)(text[at - 1] - 'a' + 'A');
    switch ((r >> 28) & 15) {
    case 0: text[at++] = ','; break;
    case 1: text[at++] = '.'; text[at++] = '\n'; break;
    case 2: text[at++] = '-'; continue;
    case 3: text[at++] = ' '; text[at++] = '('; break;
    default: break;
    }
    text[at++] = ' ';
  }
  return at;
}

static inline int is_letter(unsigned char c) {
  return (unsigned char)((c | 32) - 'a') < 26;
}

static uint64_t count_words(uint32_t length, uint32_t round) {
  for (uint32_t i = 0; i < SLOTS; i++) table[i].count = 0;
  uint32_t words = 0, distinct = 0, longest = 0;
  uint32_t i = 0;
  while (i < length) {
    while (i < length && !is_letter((unsigned char)text[i])) i++;
    uint32_t start = i, h = 2166136261u;
    uint32_t n = 0;
    while (i < length && is_letter((unsigned char)text[i])) {
      char c = (char)(text[i++] | 32);
      word[n++] = c;
      h = (h ^ (unsigned char)c) * 16777619u;
    }
    if (n == 0) break;
    h ^= round;
    words++;
    if (n > longest) longest = n;
    uint32_t s = h & (SLOTS - 1);
    for (;;) {
      struct slot *e = &table[s];
      if (e->count == 0) {
        e->hash = h; e->start = start; e->length = n; e->count = 1;
        distinct++;
        break;
      }
      if (e->hash == h && e->length == n) {
        /* the table keeps the first spelling; compare case-folded */
        uint32_t k = 0;
        while (k < n && (text[e->start + k] | 32) == word[k]) k++;
        if (k == n) { e->count++; break; }
      }
      s = (s + 1) & (SLOTS - 1);
    }
  }
  uint32_t best = 0, best_slot = 0;
  for (uint32_t s = 0; s < SLOTS; s++)
    if (table[s].count > best) { best = table[s].count; best_slot = s; }
  return ((uint64_t)words << 32) ^ ((uint64_t)distinct << 16) ^ longest ^
         ((uint64_t)best << 40) ^ table[best_slot].start;
}

static uint64_t workload(long rounds) {
  text = wl_alloc(TEXT_BYTES);
  word = wl_alloc(4096);
  table = wl_alloc(SLOTS * sizeof(struct slot));
  if (!text || !word || !table) return 0;
  uint32_t length = generate();
  uint64_t total = length;
  for (long r = 0; r < rounds; r++)
    total = total * 31 + count_words(length, (uint32_t)r);
  return total;
}
WORKLOAD_MAIN(workload, 10)
