// One test per top-level script of the Wasm 2.0 spec suite (the SIMD scripts are in
// SpecSIMDScriptTests.swift). SpecSuiteTotals.testEveryScriptHasATestMethod reports scripts that
// are missing here; add a method per new script in the same form.
import XCTest

final class SpecScriptTests: XCTestCase {
    static let generatedScriptNames: Set<String> = [
        "address",
        "align",
        "binary",
        "binary-leb128",
        "block",
        "br",
        "br_if",
        "br_table",
        "bulk",
        "call",
        "call_indirect",
        "comments",
        "const",
        "conversions",
        "custom",
        "data",
        "elem",
        "endianness",
        "exports",
        "f32",
        "f32_bitwise",
        "f32_cmp",
        "f64",
        "f64_bitwise",
        "f64_cmp",
        "fac",
        "float_exprs",
        "float_literals",
        "float_memory",
        "float_misc",
        "forward",
        "func",
        "func_ptrs",
        "global",
        "i32",
        "i64",
        "if",
        "imports",
        "inline-module",
        "int_exprs",
        "int_literals",
        "labels",
        "left-to-right",
        "linking",
        "load",
        "local_get",
        "local_set",
        "local_tee",
        "loop",
        "memory",
        "memory_copy",
        "memory_fill",
        "memory_grow",
        "memory_init",
        "memory_redundancy",
        "memory_size",
        "memory_trap",
        "names",
        "nop",
        "obsolete-keywords",
        "ref_func",
        "ref_is_null",
        "ref_null",
        "return",
        "select",
        "skip-stack-guard-page",
        "stack",
        "start",
        "store",
        "switch",
        "table",
        "table-sub",
        "table_copy",
        "table_fill",
        "table_get",
        "table_grow",
        "table_init",
        "table_set",
        "table_size",
        "token",
        "traps",
        "type",
        "unreachable",
        "unreached-invalid",
        "unreached-valid",
        "unwind",
        "utf8-custom-section-id",
        "utf8-import-field",
        "utf8-import-module",
        "utf8-invalid-encoding",
    ]

    func test_address() throws { try runSpecScript("address") }

    func test_align() throws { try runSpecScript("align") }

    func test_binary() throws { try runSpecScript("binary") }

    func test_binary_leb128() throws { try runSpecScript("binary-leb128") }

    func test_block() throws { try runSpecScript("block") }

    func test_br() throws { try runSpecScript("br") }

    func test_br_if() throws { try runSpecScript("br_if") }

    func test_br_table() throws { try runSpecScript("br_table") }

    func test_bulk() throws { try runSpecScript("bulk") }

    func test_call() throws { try runSpecScript("call") }

    func test_call_indirect() throws { try runSpecScript("call_indirect") }

    func test_comments() throws { try runSpecScript("comments") }

    func test_const() throws { try runSpecScript("const") }

    func test_conversions() throws { try runSpecScript("conversions") }

    func test_custom() throws { try runSpecScript("custom") }

    func test_data() throws { try runSpecScript("data") }

    func test_elem() throws { try runSpecScript("elem") }

    func test_endianness() throws { try runSpecScript("endianness") }

    func test_exports() throws { try runSpecScript("exports") }

    func test_f32() throws { try runSpecScript("f32") }

    func test_f32_bitwise() throws { try runSpecScript("f32_bitwise") }

    func test_f32_cmp() throws { try runSpecScript("f32_cmp") }

    func test_f64() throws { try runSpecScript("f64") }

    func test_f64_bitwise() throws { try runSpecScript("f64_bitwise") }

    func test_f64_cmp() throws { try runSpecScript("f64_cmp") }

    func test_fac() throws { try runSpecScript("fac") }

    func test_float_exprs() throws { try runSpecScript("float_exprs") }

    func test_float_literals() throws { try runSpecScript("float_literals") }

    func test_float_memory() throws { try runSpecScript("float_memory") }

    func test_float_misc() throws { try runSpecScript("float_misc") }

    func test_forward() throws { try runSpecScript("forward") }

    func test_func() throws { try runSpecScript("func") }

    func test_func_ptrs() throws { try runSpecScript("func_ptrs") }

    func test_global() throws { try runSpecScript("global") }

    func test_i32() throws { try runSpecScript("i32") }

    func test_i64() throws { try runSpecScript("i64") }

    func test_if() throws { try runSpecScript("if") }

    func test_imports() throws { try runSpecScript("imports") }

    func test_inline_module() throws { try runSpecScript("inline-module") }

    func test_int_exprs() throws { try runSpecScript("int_exprs") }

    func test_int_literals() throws { try runSpecScript("int_literals") }

    func test_labels() throws { try runSpecScript("labels") }

    func test_left_to_right() throws { try runSpecScript("left-to-right") }

    func test_linking() throws { try runSpecScript("linking") }

    func test_load() throws { try runSpecScript("load") }

    func test_local_get() throws { try runSpecScript("local_get") }

    func test_local_set() throws { try runSpecScript("local_set") }

    func test_local_tee() throws { try runSpecScript("local_tee") }

    func test_loop() throws { try runSpecScript("loop") }

    func test_memory() throws { try runSpecScript("memory") }

    func test_memory_copy() throws { try runSpecScript("memory_copy") }

    func test_memory_fill() throws { try runSpecScript("memory_fill") }

    func test_memory_grow() throws { try runSpecScript("memory_grow") }

    func test_memory_init() throws { try runSpecScript("memory_init") }

    func test_memory_redundancy() throws { try runSpecScript("memory_redundancy") }

    func test_memory_size() throws { try runSpecScript("memory_size") }

    func test_memory_trap() throws { try runSpecScript("memory_trap") }

    func test_names() throws { try runSpecScript("names") }

    func test_nop() throws { try runSpecScript("nop") }

    func test_obsolete_keywords() throws { try runSpecScript("obsolete-keywords") }

    func test_ref_func() throws { try runSpecScript("ref_func") }

    func test_ref_is_null() throws { try runSpecScript("ref_is_null") }

    func test_ref_null() throws { try runSpecScript("ref_null") }

    func test_return() throws { try runSpecScript("return") }

    func test_select() throws { try runSpecScript("select") }

    func test_skip_stack_guard_page() throws { try runSpecScript("skip-stack-guard-page") }

    func test_stack() throws { try runSpecScript("stack") }

    func test_start() throws { try runSpecScript("start") }

    func test_store() throws { try runSpecScript("store") }

    func test_switch() throws { try runSpecScript("switch") }

    func test_table() throws { try runSpecScript("table") }

    func test_table_sub() throws { try runSpecScript("table-sub") }

    func test_table_copy() throws { try runSpecScript("table_copy") }

    func test_table_fill() throws { try runSpecScript("table_fill") }

    func test_table_get() throws { try runSpecScript("table_get") }

    func test_table_grow() throws { try runSpecScript("table_grow") }

    func test_table_init() throws { try runSpecScript("table_init") }

    func test_table_set() throws { try runSpecScript("table_set") }

    func test_table_size() throws { try runSpecScript("table_size") }

    func test_token() throws { try runSpecScript("token") }

    func test_traps() throws { try runSpecScript("traps") }

    func test_type() throws { try runSpecScript("type") }

    func test_unreachable() throws { try runSpecScript("unreachable") }

    func test_unreached_invalid() throws { try runSpecScript("unreached-invalid") }

    func test_unreached_valid() throws { try runSpecScript("unreached-valid") }

    func test_unwind() throws { try runSpecScript("unwind") }

    func test_utf8_custom_section_id() throws { try runSpecScript("utf8-custom-section-id") }

    func test_utf8_import_field() throws { try runSpecScript("utf8-import-field") }

    func test_utf8_import_module() throws { try runSpecScript("utf8-import-module") }

    func test_utf8_invalid_encoding() throws { try runSpecScript("utf8-invalid-encoding") }
}
