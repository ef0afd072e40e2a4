// A misbehaving plugin: hoards memory without end. Once the host's memory limit makes
// memory.grow fail, malloc returns NULL and the plugin gives up with abort() (a trap).
#include <stdlib.h>
#include <string.h>
#include "plugin.h"

struct block {
    struct block *next;
    char data[(1 << 20) - sizeof(struct block *)];
};

static char request[256];
static struct block *volatile hoard;

PLUGIN_EXPORT(alloc) char *alloc(size_t length) {
    return length <= sizeof request ? request : NULL;
}

PLUGIN_EXPORT(handle) int32_t handle(const char *text, size_t length) {
    (void)text;
    (void)length;
    static const char message[] = "caching everything, forever";
    host_log(message, sizeof message - 1);
    for (;;) {
        struct block *block = malloc(sizeof *block);
        if (block == NULL) abort();
        memset(block->data, 0xAB, sizeof block->data);
        block->next = hoard;
        hoard = block;
    }
}
