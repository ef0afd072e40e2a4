/* interp: a bytecode interpreter, the shape of many programs shipped as
 * Wasm (scripting engines, emulators).  A switch-dispatched stack machine
 * with a return stack runs a small program: a counted loop calling a hash
 * function and taking a data-dependent branch.  Stresses br_table dispatch,
 * unpredictable indirect branches, i64 arithmetic, loads/stores of the VM's
 * stack.
 * usage: interp [iterations]   (default 3000000) */
#include "workload.h"

enum { PUSH, LOAD, STORE, ADD, MUL, XOR, AND, SHR, LT, JZ, JMP, CALL, RET,
       DUP, SWAP, HALT };

#define MAX_CODE 256
static int32_t code[MAX_CODE];
static int size;
static int labels[8];
static int fixups[32][2];  /* code index, label */
static int nfixups;

static void emit(int32_t v) { code[size++] = v; }
static void emit_ref(int op, int label) {
  emit(op);
  fixups[nfixups][0] = size;
  fixups[nfixups][1] = label;
  nfixups++;
  emit(0);
}
static void mark(int label) { labels[label] = size; }

enum { L_LOOP, L_END, L_HASH, L_XOR, L_NEXT };

/* Registers: r0 accumulator, r1 counter, r2 limit. */
static void assemble(void) {
  size = nfixups = 0;
  emit(PUSH); emit(0); emit(STORE); emit(0);
  emit(PUSH); emit(0); emit(STORE); emit(1);
  mark(L_LOOP);
  emit(LOAD); emit(1); emit(LOAD); emit(2); emit(LT); emit_ref(JZ, L_END);
  emit(LOAD); emit(1); emit_ref(CALL, L_HASH);
  emit(LOAD); emit(0); emit(ADD); emit(STORE); emit(0);
  emit(LOAD); emit(1); emit(PUSH); emit(3); emit(AND); emit_ref(JZ, L_XOR);
  emit_ref(JMP, L_NEXT);
  mark(L_XOR);
  emit(LOAD); emit(0); emit(PUSH); emit(7); emit(SHR); emit(LOAD); emit(1);
  emit(XOR); emit(LOAD); emit(0); emit(XOR); emit(STORE); emit(0);
  mark(L_NEXT);
  emit(LOAD); emit(1); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(1);
  emit_ref(JMP, L_LOOP);
  mark(L_END);
  emit(LOAD); emit(0); emit(HALT);
  /* hash(x) = ((x * 0x9E3779B1) ^ (x >> 5)) & 0xFFFFF */
  mark(L_HASH);
  emit(DUP); emit(PUSH); emit((int32_t)0x9E3779B1); emit(MUL); emit(SWAP);
  emit(PUSH); emit(5); emit(SHR); emit(XOR); emit(PUSH); emit(0xFFFFF);
  emit(AND); emit(RET);
  for (int i = 0; i < nfixups; i++) code[fixups[i][0]] = labels[fixups[i][1]];
}

static int64_t execute(int64_t limit, uint64_t *steps) {
  int64_t stack[64], regs[4] = {0, 0, limit, 0};
  int returns[16];
  int sp = 0, rp = 0, pc = 0;
  uint64_t count = 0;
  for (;;) {
    count++;
    int32_t op = code[pc++];
    switch (op) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case LOAD: stack[sp++] = regs[code[pc++]]; break;
    case STORE: regs[code[pc++]] = stack[--sp]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case MUL: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] * (uint64_t)stack[sp]); break;
    case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case AND: sp--; stack[sp - 1] &= stack[sp]; break;
    case SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> (stack[sp] & 63)); break;
    case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case JZ: { int32_t target = code[pc++]; if (stack[--sp] == 0) pc = target; break; }
    case JMP: pc = code[pc]; break;
    case CALL: returns[rp++] = pc + 1; pc = code[pc]; break;
    case RET: pc = returns[--rp]; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case SWAP: { int64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
    case HALT: *steps = count; return stack[sp - 1];
    default: *steps = count; return -1;
    }
  }
}

static uint64_t workload(long n) {
  assemble();
  uint64_t steps = 0;
  int64_t acc = execute(n, &steps);
  return (uint64_t)acc * 1000003u + steps;
}
WORKLOAD_MAIN(workload, 3000000)
