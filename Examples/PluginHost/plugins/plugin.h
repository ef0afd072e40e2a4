// The host API of PluginHost, as C sees it. A plugin exports `alloc` (a buffer for the
// request), `handle` (the entry point) and its memory; see ../README.md.
#ifndef PLUGIN_H
#define PLUGIN_H
#include <stddef.h>
#include <stdint.h>

#define HOST_IMPORT(name) __attribute__((import_module("host"), import_name(#name)))
#define PLUGIN_EXPORT(name) __attribute__((export_name(#name)))

// Writes a line to the host's log, prefixed with the plugin's name.
HOST_IMPORT(log) void host_log(const char *text, size_t length);
// Copies the value of `key` into `out` (at most `capacity` bytes) and returns its full
// length, or -1 when the key has no value. Each plugin has its own key space.
HOST_IMPORT(kv_get) int32_t host_kv_get(const char *key, size_t key_length, char *out, size_t capacity);
// Sets `key` to `value`.
HOST_IMPORT(kv_set) void host_kv_set(const char *key, size_t key_length, const char *value, size_t value_length);
// Milliseconds since the Unix epoch.
HOST_IMPORT(now) int64_t host_now(void);
// Sets the answer to the current request.
HOST_IMPORT(reply) void host_reply(const char *text, size_t length);

#endif
