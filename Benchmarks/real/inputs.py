"""Inputs of the `real` benchmark set (Benchmarks/run --only real) that are generated rather
than kept as files: each function returns the text of one input file, the same on every run
(a fixed-seed linear congruential generator, no `random`). Standard library only."""
from __future__ import annotations

import math


class Lcg:
    """The C library's classic rand() recurrence, so that the inputs never depend on Python's."""

    def __init__(self, seed: int):
        self.state = seed

    def next(self) -> float:
        self.state = (self.state * 1103515245 + 12345) % 2147483648
        return self.state / 2147483648


def is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, math.isqrt(n) + 1))


def factor_smt2(bits: int = 36) -> str:
    """SMT-LIB 2 bit-vector problem: factor the product of the two largest primes below
    2^(bits/2) (bvmul on zero-extended operands, so no overflow), with a model."""
    p = next(x for x in range((1 << (bits // 2)) - 1, 1, -1) if is_prime(x))
    q = next(x for x in range(p - 2, 1, -1) if is_prime(x))
    w = bits + 2
    return "\n".join([
        "(set-option :produce-models true)",
        "(set-logic QF_BV)",
        f"(declare-fun a () (_ BitVec {w}))",
        f"(declare-fun b () (_ BitVec {w}))",
        f"(assert (= (bvmul ((_ zero_extend {w}) a) ((_ zero_extend {w}) b)) (_ bv{p * q} {2 * w})))",
        f"(assert (bvugt a (_ bv1 {w})))",
        f"(assert (bvugt b (_ bv1 {w})))",
        "(assert (bvule a b))",
        "(check-sat)",
        "(get-model)",
        "(exit)",
    ]) + "\n"


def scene_svg(shapes: int = 250) -> str:
    """A 1000x1000 SVG drawing for resvg: a gradient background, star polygons with
    alpha, radial-gradient glows, dashed cubic strokes, and a Gaussian blur on every 20th."""
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000" viewBox="0 0 1000 1000">',
           '<defs>',
           '<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#0b1d3a"/>'
           '<stop offset="1" stop-color="#6a2c70"/></linearGradient>',
           '<radialGradient id="glow"><stop offset="0" stop-color="#ffe08a" stop-opacity="0.9"/>'
           '<stop offset="1" stop-color="#ff6f3c" stop-opacity="0"/></radialGradient>',
           '<filter id="blur"><feGaussianBlur stdDeviation="6"/></filter>',
           '</defs>',
           '<rect width="1000" height="1000" fill="url(#bg)"/>']
    rnd = Lcg(1).next
    for i in range(shapes):
        cx, cy, r = rnd() * 1000, rnd() * 1000, 10 + rnd() * 60
        k = 5 + int(rnd() * 7)
        pts = []
        for j in range(k * 2):
            a = math.pi * j / k
            rr = r if j % 2 == 0 else r * 0.45
            pts.append(f"{cx + rr * math.cos(a):.2f},{cy + rr * math.sin(a):.2f}")
        hue = int(rnd() * 360)
        opacity = 0.3 + rnd() * 0.6
        blur = ' filter="url(#blur)"' if i % 20 == 0 else ""
        out.append(f'<polygon points="{" ".join(pts)}" fill="hsl({hue},70%,60%)" fill-opacity="{opacity:.2f}" '
                   f'stroke="#fff" stroke-width="1.5" stroke-linejoin="round"{blur}/>')
        if i % 4 == 0:
            out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r * 1.8:.1f}" fill="url(#glow)"/>')
        if i % 3 == 0:
            out.append(f'<path d="M{cx:.1f} {cy:.1f} C{cx + 80:.1f} {cy - 120:.1f} {cx + 160:.1f} {cy + 120:.1f} '
                       f'{cx + 240:.1f} {cy:.1f}" fill="none" stroke="hsl({(hue + 180) % 360},80%,70%)" '
                       'stroke-width="3" stroke-dasharray="12 6" stroke-linecap="round"/>')
    out.append('</svg>')
    return "\n".join(out) + "\n"


def paths_svg(shapes: int = 2000) -> str:
    """An SVG of plain paths, as svg-flatten expects after usvg: black and white star
    polygons, overlapping, and round-capped cubic strokes (outlined by svg-flatten)."""
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="200mm" height="200mm" viewBox="0 0 1000 1000">',
           '<defs/>', '<g>']
    rnd = Lcg(7).next
    for i in range(shapes):
        cx, cy, r = rnd() * 1000, rnd() * 1000, 5 + rnd() * 40
        k = 5 + int(rnd() * 7)
        pts = []
        for j in range(k * 2):
            a = math.pi * j / k
            rr = r if j % 2 == 0 else r * 0.45
            pts.append(f"{cx + rr * math.cos(a):.2f} {cy + rr * math.sin(a):.2f}")
        fill = "#000000" if i % 5 else "#ffffff"
        out.append(f'<path d="M {" L ".join(pts)} Z" fill="{fill}"/>')
        if i % 3 == 0:
            out.append(f'<path d="M {cx:.2f} {cy:.2f} C {cx + 40:.2f} {cy - 60:.2f} {cx + 80:.2f} {cy + 60:.2f} '
                       f'{cx + 120:.2f} {cy:.2f}" fill="none" stroke="#000000" stroke-width="{1 + rnd() * 4:.2f}" '
                       'stroke-linecap="round" stroke-linejoin="round"/>')
    out += ['</g>', '</svg>']
    return "\n".join(out) + "\n"
def c_source(n: int = 15) -> str:
    """A self-contained C file (no #include) of n groups of functions: a switch-dispatched
    state machine, a struct-walking loop, a CRC, fixed-point arithmetic and a sort."""
    out = ["typedef unsigned char u8; typedef unsigned int u16; typedef unsigned long u32;",
           "typedef struct node { u16 key; u16 weight; struct node *next; } node;", ""]
    for i in range(n):
        out.append(f"""
static u16 crc16_{i}(const u8 *p, u16 len) {{
  u16 crc = 0x{(0xFFFF ^ i * 0x1021) & 0xFFFF:04x};
  while (len--) {{
    crc ^= (u16)*p++ << 8;
    for (u8 b = 0; b < 8; b++) crc = (crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1;
  }}
  return crc;
}}
static u8 step_{i}(u8 state, u8 input, u16 *acc) {{
  switch (state) {{
  case 0: *acc += input; return input > {i % 200 + 20} ? 1 : 2;
  case 1: *acc ^= (u16)input << {i % 8}; return 3;
  case 2: *acc = (*acc >> 1) | (*acc << 15); return input & 1 ? 0 : 4;
  case 3: if (*acc > {1000 + i}) {{ *acc -= {1000 + i}; return 5; }} return 0;
  case 4: *acc *= {3 + i % 5}; return 6;
  case 5: *acc += crc16_{i}(&input, 1); return 1;
  case 6: return (u8)(*acc & 7);
  default: return 0;
  }}
}}
static u32 walk_{i}(node *n, u16 limit) {{
  u32 total = 0;
  for (; n && limit; n = n->next, limit--) {{
    total += (u32)n->key * n->weight;
    if (n->key % {i % 7 + 2} == 0) total ^= total >> 3;
  }}
  return total;
}}
static long fixmul_{i}(long a, long b) {{ return (a * b) >> {8 + i % 4}; }}
static void sort_{i}(u16 *a, u16 n) {{
  for (u16 j = 1; j < n; j++) {{
    u16 v = a[j], k = j;
    while (k > 0 && a[k - 1] > v) {{ a[k] = a[k - 1]; k--; }}
    a[k] = v;
  }}
}}
u32 run_{i}(const u8 *data, u16 len, node *list) {{
  u16 acc = {i}; u8 s = 0; u16 buf[16];
  for (u16 j = 0; j < len; j++) s = step_{i}(s, data[j], &acc);
  for (u8 j = 0; j < 16; j++) buf[j] = data[j] ^ acc;
  sort_{i}(buf, 16);
  long f = fixmul_{i}((long)acc << 4, (long)buf[3] + {i});
  return walk_{i}(list, {i % 50 + 10}) + (u32)f + crc16_{i}(data, len);
}}""")
    out.append("u32 run_all(const u8 *data, u16 len, node *list) {\n  u32 t = 0;")
    for i in range(n):
        out.append(f"  t += run_{i}(data, len, list);")
    out.append("  return t;\n}")
    return "\n".join(out) + "\n"


def cpp_source(n: int = 8) -> str:
    """Self-contained C++ (no #include): class templates, virtual calls, constexpr
    evaluation and lambdas, instantiated n times over different types and constants."""
    out = ["""typedef unsigned char u8; typedef unsigned int u16; typedef unsigned long u32;
template <typename T, u16 N> struct Ring {
  T items[N]; u16 head = 0, tail = 0;
  bool push(T v) { u16 next = (head + 1) % N; if (next == tail) return false; items[head] = v; head = next; return true; }
  bool pop(T &v) { if (head == tail) return false; v = items[tail]; tail = (tail + 1) % N; return true; }
};
template <typename T> struct Shape { virtual T area() const = 0; virtual T scale(T k) { return area() * k; } };
template <typename T, int W, int H> struct Rect : Shape<T> { T area() const override { return T(W) * T(H); } };
template <typename T, int R> struct Square : Rect<T, R, R> { T scale(T k) override { return this->area() + k; } };
constexpr u32 fib(u16 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
template <u16 N> struct Table { u32 v[N]; constexpr Table() : v() { for (u16 i = 0; i < N; i++) v[i] = fib(i % 10) * (i + 1); } };
template <typename T, typename F> T fold(const T *a, u16 n, T init, F f) { for (u16 i = 0; i < n; i++) init = f(init, a[i]); return init; }
"""]
    types = ["u8", "u16", "u32", "long", "int", "short"]
    for i in range(n):
        t = types[i % len(types)]
        out.append(f"""
namespace g{i} {{
constexpr Table<{16 + i % 32}> table;
struct Acc {{ {t} total = {i % 50}; template <typename U> void add(U u) {{ total += ({t})(u * {i % 7 + 1}); }} }};
{t} run(const {t} *data, u16 n) {{
  Ring<{t}, {8 + i % 24}> ring;
  for (u16 j = 0; j < n; j++) ring.push(data[j] ^ ({t})table.v[j % {16 + i % 32}]);
  Acc acc; {t} v;
  while (ring.pop(v)) acc.add(v);
  Square<{t}, {i % 9 + 2}> sq; Rect<{t}, {i % 5 + 1}, {i % 11 + 3}> rc;
  Shape<{t}> *shapes[2] = {{&sq, &rc}};
  {t} s = fold(data, n, ({t})0, []({t} a, {t} b) {{ return ({t})(a * 31 + b); }});
  for (auto *p : shapes) s += p->scale(({t}){i % 13 + 1});
  return s + acc.total;
}}
}}""")
    out.append("long run_all(const long *data, u16 n) {\n  long t = 0;")
    for i in range(n):
        t = types[i % len(types)]
        out.append(f"  {{ {t} buf[8]; for (u16 j = 0; j < 8; j++) buf[j] = ({t})data[j]; t += g{i}::run(buf, 8); }}")
    out.append("  return t;\n}")
    return "\n".join(out) + "\n"
