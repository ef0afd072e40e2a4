/* Per-call and per-instantiation costs of wasmtime's C API, printed as JSON lines like
 * Benchmarks/embedding's Swift program. Linked against the libwasmtime that PyPI's `wasmtime`
 * package ships (which has no C headers), so the few declarations needed are written out
 * here, with the layouts of wasmtime 50's wasmtime.h (as its Python bindings record them).
 *
 *     embedding_wasmtime_c MODULE_FOLDER [SCALE]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct wasm_engine_t wasm_engine_t;
typedef struct wasmtime_store wasmtime_store_t;
typedef struct wasmtime_context wasmtime_context_t;
typedef struct wasmtime_module wasmtime_module_t;
typedef struct wasmtime_error wasmtime_error_t;
typedef struct wasm_trap_t wasm_trap_t;
typedef struct wasmtime_caller wasmtime_caller_t;
typedef struct wasm_functype_t wasm_functype_t;
typedef struct wasm_valtype_t wasm_valtype_t;
typedef struct { size_t size; uint8_t *data; } wasm_byte_vec_t;
typedef struct { size_t size; wasm_valtype_t **data; } wasm_valtype_vec_t;
typedef struct { uint64_t store_id; void *private_; } wasmtime_func_t;
typedef struct { uint64_t store_id; size_t private_; } wasmtime_instance_t;
/* Larger than any member of the real union: only single externs are passed, never arrays. */
typedef struct { uint8_t kind; union { wasmtime_func_t func; uint8_t bytes[56]; } of; } wasmtime_extern_t;
typedef struct { uint8_t kind; union { int32_t i32; int64_t i64; uint8_t bytes[16]; } of; } wasmtime_val_t;
typedef wasm_trap_t *(*wasmtime_func_callback_t)(void *, wasmtime_caller_t *, const wasmtime_val_t *, size_t,
                                                 wasmtime_val_t *, size_t);

wasm_engine_t *wasm_engine_new(void);
wasmtime_store_t *wasmtime_store_new(wasm_engine_t *, void *, void (*)(void *));
wasmtime_context_t *wasmtime_store_context(wasmtime_store_t *);
void wasmtime_store_delete(wasmtime_store_t *);
wasmtime_error_t *wasmtime_wat2wasm(const char *, size_t, wasm_byte_vec_t *);
wasmtime_error_t *wasmtime_module_new(wasm_engine_t *, const uint8_t *, size_t, wasmtime_module_t **);
void wasm_valtype_vec_new_empty(wasm_valtype_vec_t *);
wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *, wasm_valtype_vec_t *);
void wasmtime_func_new(wasmtime_context_t *, const wasm_functype_t *, wasmtime_func_callback_t, void *,
                       void (*)(void *), wasmtime_func_t *);
wasmtime_error_t *wasmtime_instance_new(wasmtime_context_t *, const wasmtime_module_t *, const wasmtime_extern_t *,
                                        size_t, wasmtime_instance_t *, wasm_trap_t **);
bool wasmtime_instance_export_get(wasmtime_context_t *, const wasmtime_instance_t *, const char *, size_t,
                                  wasmtime_extern_t *);
wasmtime_error_t *wasmtime_func_call(wasmtime_context_t *, const wasmtime_func_t *, const wasmtime_val_t *, size_t,
                                     wasmtime_val_t *, size_t, wasm_trap_t **);

static void fail(const char *what) {
    fprintf(stderr, "embedding_wasmtime_c: %s failed\n", what);
    exit(1);
}

static char *read_text(const char *folder, const char *name, size_t *length) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *f = fopen(path, "rb");
    if (!f) fail(path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (fread(text, 1, (size_t)size, f) != (size_t)size) fail(path);
    fclose(f);
    text[size] = 0;
    *length = (size_t)size;
    return text;
}

static wasmtime_module_t *compile(wasm_engine_t *engine, const char *folder, const char *name) {
    size_t length;
    char *text = read_text(folder, name, &length);
    wasm_byte_vec_t binary;
    if (wasmtime_wat2wasm(text, length, &binary)) fail("wat2wasm");
    wasmtime_module_t *module;
    if (wasmtime_module_new(engine, binary.data, binary.size, &module)) fail("module_new");
    return module;
}

static wasm_trap_t *empty_host(void *env, wasmtime_caller_t *caller, const wasmtime_val_t *args, size_t nargs,
                               wasmtime_val_t *results, size_t nresults) {
    (void)env; (void)caller; (void)args; (void)nargs; (void)results; (void)nresults;
    return NULL;
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef void (*body_t)(void *, long);

/* The median over 7 rounds of the time per operation of body(n), after a warm-up. */
static double measure(long n, body_t body, void *state) {
    double samples[7];
    body(state, n / 10 > 0 ? n / 10 : 1);
    for (int i = 0; i < 7; i++) {
        uint64_t start = now_ns();
        body(state, n);
        samples[i] = (double)(now_ns() - start) / (double)n;
    }
    qsort(samples, 7, sizeof samples[0], compare);
    return samples[3];
}

static void report(const char *name, double ns, long n) {
    printf("{\"name\": \"%s\", \"ns\": %.2f, \"n\": %ld}\n", name, ns, n);
    fflush(stdout);
}

struct state {
    wasm_engine_t *engine;
    wasmtime_context_t *context;
    wasmtime_func_t empty, call_host, loop;
    wasmtime_module_t *small;
};

static void call_export(void *p, long n) {
    struct state *s = p;
    wasm_trap_t *trap = NULL;
    for (long i = 0; i < n; i++) {
        if (wasmtime_func_call(s->context, &s->empty, NULL, 0, NULL, 0, &trap) || trap) fail("call empty");
    }
}

static void call_with_count(struct state *s, wasmtime_func_t *f, long n) {
    wasmtime_val_t arg = {.kind = 0 /* WASMTIME_I32 */, .of.i32 = (int32_t)n};
    wasm_trap_t *trap = NULL;
    if (wasmtime_func_call(s->context, f, &arg, 1, NULL, 0, &trap) || trap) fail("call with count");
}

static void call_host(void *p, long n) { call_with_count(p, &((struct state *)p)->call_host, n); }
static void guest_loop(void *p, long n) { call_with_count(p, &((struct state *)p)->loop, n); }

static void instantiate(void *p, long n) {
    struct state *s = p;
    for (long i = 0; i < n; i++) {
        wasmtime_store_t *store = wasmtime_store_new(s->engine, NULL, NULL);
        wasmtime_instance_t instance;
        wasm_trap_t *trap = NULL;
        if (wasmtime_instance_new(wasmtime_store_context(store), s->small, NULL, 0, &instance, &trap) || trap)
            fail("instantiate");
        wasmtime_store_delete(store);
    }
}

static wasmtime_func_t export_function(struct state *s, wasmtime_instance_t *instance, const char *name) {
    wasmtime_extern_t item;
    if (!wasmtime_instance_export_get(s->context, instance, name, strlen(name), &item) || item.kind != 0)
        fail(name);
    return item.of.func;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: embedding_wasmtime_c MODULE_FOLDER [SCALE]\n");
        return 2;
    }
    long scale = argc > 2 ? atol(argv[2]) : 1;
    struct state s;
    s.engine = wasm_engine_new();
    wasmtime_store_t *store = wasmtime_store_new(s.engine, NULL, NULL);
    s.context = wasmtime_store_context(store);
    wasmtime_module_t *calls = compile(s.engine, argv[1], "calls.wat");

    wasm_valtype_vec_t params, results;
    wasm_valtype_vec_new_empty(&params);
    wasm_valtype_vec_new_empty(&results);
    wasm_functype_t *type = wasm_functype_new(&params, &results);
    wasmtime_extern_t import = {.kind = 0 /* WASMTIME_EXTERN_FUNC */};
    wasmtime_func_new(s.context, type, empty_host, NULL, NULL, &import.of.func);
    wasmtime_instance_t instance;
    wasm_trap_t *trap = NULL;
    if (wasmtime_instance_new(s.context, calls, &import, 1, &instance, &trap) || trap) fail("instantiate calls.wat");
    s.empty = export_function(&s, &instance, "empty");
    s.call_host = export_function(&s, &instance, "call_host");
    s.loop = export_function(&s, &instance, "loop");
    s.small = compile(s.engine, argv[1], "instantiate.wat");

    long call_n = 2000000 * scale, host_n = 5000000 * scale, instantiate_n = 20000 * scale;
    report("call_export", measure(call_n, call_export, &s), call_n);
    report("call_host", measure(host_n, call_host, &s), host_n);
    report("guest_loop", measure(host_n, guest_loop, &s), host_n);
    report("instantiate", measure(instantiate_n, instantiate, &s), instantiate_n);
    return 0;
}
