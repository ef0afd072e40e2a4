// A C++ program that throws and catches: exceptions from several frames deep, caught by
// their own type and by a base class, rethrown with `throw;`, caught by `catch (...)`, with
// destructors running while the stack unwinds. Built for WASI with exceptions by build.sh;
// its output is checked by Tests/SpecTests/CLICppExceptionTests.swift.
#include <cstdio>
#include <stdexcept>
#include <string>

static int live = 0;  // objects constructed and not yet destroyed

struct Guard {
    Guard() { live++; }
    ~Guard() { live--; }
};

struct ParseError : std::runtime_error {
    int position;
    ParseError(const std::string &what, int position) : std::runtime_error(what), position(position) {}
};

static int digit(char c, int position) {
    Guard guard;
    if (c < '0' || c > '9') throw ParseError(std::string("not a digit: ") + c, position);
    return c - '0';
}

static long parse(const char *text) {
    Guard guard;
    if (!*text) throw std::invalid_argument("empty input");
    long value = 0;
    for (int i = 0; text[i]; i++) value = value * 10 + digit(text[i], i);
    return value;
}

static long parseOrRethrow(const char *text, int &rethrown) {
    try {
        return parse(text);
    } catch (const ParseError &) {
        rethrown++;
        throw;
    }
}

int main() {
    const char *inputs[] = {"1234", "12x4", "", "99999", "7a"};
    long total = 0;
    int parseErrors = 0, otherErrors = 0, rethrown = 0;
    for (const char *input : inputs) {
        try {
            long value = parseOrRethrow(input, rethrown);
            std::printf("\"%s\" -> %ld\n", input, value);
            total += value;
        } catch (const ParseError &e) {
            std::printf("\"%s\" -> parse error at %d: %s\n", input, e.position, e.what());
            parseErrors++;
        } catch (const std::exception &e) {
            std::printf("\"%s\" -> error: %s\n", input, e.what());
            otherErrors++;
        }
    }
    try {
        throw 42;
    } catch (...) {
        std::printf("caught something\n");
    }
    std::printf("total %ld, parse errors %d, other errors %d, rethrown %d, live guards %d\n",
                total, parseErrors, otherErrors, rethrown, live);
    return parseErrors == 2 && otherErrors == 1 && rethrown == 2 && live == 0 ? 0 : 1;
}
