# Pure-Python work, no imports: a sieve, a dict/str word count, big-integer digits of pi, a class-heavy n-body
def sieve(n):
    flags = bytearray([1]) * (n + 1)
    flags[0] = flags[1] = 0
    for i in range(2, int(n ** 0.5) + 1):
        if flags[i]:
            flags[i * i::i] = bytearray(len(range(i * i, n + 1, i)))
    return sum(flags)

def words(n):
    counts = {}
    seed = 12345
    for _ in range(n):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        w = "w" + str(seed % 5000)
        counts[w] = counts.get(w, 0) + 1
    return len(counts), max(counts.values())

def pi_digits(n):
    q, r, t, k, m, x = 1, 0, 1, 1, 3, 3
    out = []
    while len(out) < n:
        if 4 * q + r - t < m * t:
            out.append(m)
            q, r, t, k, m, x = 10 * q, 10 * (r - m * t), t, k, (10 * (3 * q + r)) // t - 10 * m, x
        else:
            q, r, t, k, m, x = q * k, (2 * q + r) * x, t * x, k + 1, (q * (7 * k + 2) + r * x) // (t * x), x + 2
    return "".join(map(str, out))

class Body:
    __slots__ = ("x", "y", "vx", "vy", "m")
    def __init__(self, x, y, vx, vy, m):
        self.x, self.y, self.vx, self.vy, self.m = x, y, vx, vy, m

def nbody(steps):
    bodies = [Body(i * 1.0, (i * 7 % 5) * 1.0, 0.0, 0.0, 1.0 + i) for i in range(6)]
    dt = 0.001
    for _ in range(steps):
        for i, a in enumerate(bodies):
            for b in bodies[i + 1:]:
                dx, dy = a.x - b.x, a.y - b.y
                d2 = dx * dx + dy * dy + 0.01
                mag = dt / (d2 * d2 ** 0.5)
                a.vx -= dx * b.m * mag; a.vy -= dy * b.m * mag
                b.vx += dx * a.m * mag; b.vy += dy * a.m * mag
        for a in bodies:
            a.x += dt * a.vx; a.y += dt * a.vy
    return round(sum(a.vx * a.vx + a.vy * a.vy for a in bodies), 6)

print("primes", sieve(1_000_000))
print("words", *words(150_000))
print("pi", pi_digits(1000)[-20:])
print("nbody", nbody(8_000))
