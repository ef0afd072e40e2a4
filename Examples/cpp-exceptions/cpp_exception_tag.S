# The tag C++ exceptions are thrown with: one i32, the address of the exception object.
# Toolchains whose C++ runtime has exceptions define it in their compiler-rt; zig's has none.
.globl __cpp_exception
.tagtype __cpp_exception i32
__cpp_exception:
