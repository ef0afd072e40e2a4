// A well-behaved plugin: counts how often each request was seen, in the host's key-value
// store, and answers with the count.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plugin.h"

static char request[1024];

PLUGIN_EXPORT(alloc) char *alloc(size_t length) {
    return length <= sizeof request ? request : NULL;
}

PLUGIN_EXPORT(handle) int32_t handle(const char *text, size_t length) {
    static int64_t started;
    if (started == 0) {
        started = host_now();
        char line[64];
        int line_length = snprintf(line, sizeof line, "ready at %lld ms since 1970", (long long)started);
        host_log(line, (size_t)line_length);
    }

    char key[1100];
    int key_length = snprintf(key, sizeof key, "count:%.*s", (int)length, text);
    if (key_length < 0 || (size_t)key_length >= sizeof key) return 1;

    char value[32] = {0};
    int32_t found = host_kv_get(key, (size_t)key_length, value, sizeof value - 1);
    long count = found < 0 ? 0 : strtol(value, NULL, 10);
    count += 1;
    int value_length = snprintf(value, sizeof value, "%ld", count);
    host_kv_set(key, (size_t)key_length, value, (size_t)value_length);

    char answer[1200];
    int answer_length = snprintf(answer, sizeof answer, "seen \"%.*s\" %ld time%s",
                                 (int)length, text, count, count == 1 ? "" : "s");
    host_reply(answer, (size_t)answer_length);
    return 0;
}
