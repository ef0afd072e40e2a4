// Plain ECMAScript work: objects and closures, strings and a Map, typed arrays, JSON
function richards(n) {
  const tasks = [];
  for (let i = 0; i < 64; i++) tasks.push({ id: i, count: 0, next: null });
  for (let i = 0; i < 64; i++) tasks[i].next = tasks[(i * 17 + 5) % 64];
  let t = tasks[0];
  for (let i = 0; i < n; i++) { t.count += i & 3; t = t.next; }
  return tasks.reduce((s, x) => s + x.count * (x.id + 1), 0);
}
function wordCount(n) {
  const counts = new Map();
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    const w = "w" + (seed % 5000).toString(36);
    counts.set(w, (counts.get(w) || 0) + 1);
  }
  let max = 0;
  for (const v of counts.values()) if (v > max) max = v;
  return counts.size + ":" + max;
}
function sieve(n) {
  const flags = new Uint8Array(n + 1).fill(1);
  let count = 0;
  for (let i = 2; i <= n; i++) {
    if (!flags[i]) continue;
    count++;
    for (let j = i * i; j <= n; j += i) flags[j] = 0;
  }
  return count;
}
function json(n) {
  const rows = [];
  for (let i = 0; i < n; i++) rows.push({ id: i, name: "row" + i, tags: [i % 3, i % 5], ok: i % 2 === 0 });
  const text = JSON.stringify(rows);
  const back = JSON.parse(text);
  return text.length + ":" + back.filter(r => r.ok).length;
}
function sortFloats(n) {
  const a = [];
  let x = 0.5;
  for (let i = 0; i < n; i++) { x = (x * 3.9) * (1 - x); a.push(x); }
  a.sort((p, q) => p - q);
  return a[n >> 1].toFixed(12);
}
console.log("richards", richards(1500000));
console.log("words", wordCount(150000));
console.log("sieve", sieve(1500000));
console.log("json", json(50000));
console.log("sort", sortFloats(100000));
