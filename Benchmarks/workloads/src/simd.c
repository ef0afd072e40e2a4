/* simd: array loops that clang vectorises to 128-bit SIMD when it may.  Built
 * twice from this source: simd.wasm with -msimd128 (v128 instructions) and
 * simd.scalar.wasm without, so the two builds compare a runtime's SIMD with
 * its scalar code on the same work and the same checksum.  Every loop is
 * exact in both (lane-wise float arithmetic, integer reductions), so the
 * results agree bit for bit.
 *   f32:  y = a*x + y and a damped update (f32x4 mul/add/sub)
 *   i32:  a dot product and a mixing step (i32x4 mul/add/xor/shift)
 *   u8:   a saturating blend and a rounding average of two images
 *         (i8x16.add_sat_u, i8x16.avgr_u)
 *   i16:  a 3-tap filter (i16x8 mul/add)
 * usage: simd [rounds]   (default 2000) */
#include "workload.h"

#define N 8192

static float xs[N], ys[N], zs[N];
static int32_t ia[N], ib[N];
static uint8_t pa[N], pb[N], pc[N];
static int16_t sa[N + 2], sb[N];

static uint64_t workload(long rounds) {
  uint64_t rng = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < N; i++) {
    uint64_t r = wl_rand(&rng);
    xs[i] = (float)(int32_t)(r & 0xFFFF) * (1.0f / 4096.0f);
    ys[i] = (float)(int32_t)((r >> 16) & 0xFFFF) * (1.0f / 8192.0f);
    ia[i] = (int32_t)(r >> 32);
    ib[i] = (int32_t)(r >> 20) & 0xFFFF;
    pa[i] = (uint8_t)(r >> 8);
    pb[i] = (uint8_t)(r >> 48);
    sa[i] = (int16_t)(r >> 40);
  }
  uint64_t h = 0;
  for (long round = 0; round < rounds; round++) {
    float a = 1.0f + (float)(round & 7) * (1.0f / 1024.0f);
    for (int i = 0; i < N; i++) zs[i] = a * xs[i] + ys[i];
    for (int i = 0; i < N; i++) ys[i] = zs[i] * 0.5f - xs[i] * 0.25f;

    int32_t dot = 0;
    for (int i = 0; i < N; i++) dot += ia[i] * ib[i];
    for (int i = 0; i < N; i++) ia[i] = (ia[i] ^ (ib[i] >> 3)) + (int32_t)round;
    h = (h ^ (uint32_t)dot) * 0x100000001B3ULL;

    for (int i = 0; i < N; i++) {
      unsigned v = (unsigned)pa[i] + pb[i];
      pc[i] = v > 255 ? 255 : (uint8_t)v;
    }
    for (int i = 0; i < N; i++) pb[i] = (uint8_t)((pc[i] + pa[i] + 1) >> 1);

    for (int i = 0; i < N; i++) sb[i] = (int16_t)(sa[i] * 3 + sa[i + 1] * 5 - sa[i + 2] * 2);
    for (int i = 0; i < N; i++) sa[i] = (int16_t)(sb[i] >> 1);
  }
  for (int i = 0; i < N; i++) {
    union { float f; uint32_t u; } y = { ys[i] };
    h = (h ^ y.u ^ ((uint64_t)pb[i] << 32) ^ ((uint64_t)(uint16_t)sa[i] << 40)) * 0x100000001B3ULL;
  }
  return h;
}

WORKLOAD_MAIN(workload, 2000)
