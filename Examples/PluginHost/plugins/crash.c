// A misbehaving plugin: answers the first request, then follows a wild pointer (an out of
// bounds memory access, which traps).
#include <string.h>
#include "plugin.h"

static char request[256];
static int handled;

PLUGIN_EXPORT(alloc) char *alloc(size_t length) {
    return length <= sizeof request ? request : NULL;
}

PLUGIN_EXPORT(handle) int32_t handle(const char *text, size_t length) {
    if (handled++ == 0) {
        host_reply(text, length);
        return 0;
    }
    volatile int32_t *wild = (volatile int32_t *)(uintptr_t)0xFFFFFFF0u;
    return *wild;
}
