import Foundation
import WastRunner
import XCTest

/// The Wasm 3.0 scripts of 64-bit memories and tables (memory64, table64) that pass whole,
/// run with the 3.0 rules, and the scripts their rules decide: memory.wast (limits read as
/// u64, so a 32-bit memory past 4 GiB is invalid, not malformed), copies between a 32- and a
/// 64-bit table, SIMD accesses to a memory other than 0.
final class Spec3Memory64Tests: XCTestCase {
    func runWhole(_ relativePath: String, atLeast minimum: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        try Spec3Scripts.runWhole(relativePath, atLeast: minimum, file: file, line: line)
    }

    func testAddress64() throws { try runWhole("address64.wast", atLeast: 238) }
    func testAlign64() throws { try runWhole("align64.wast", atLeast: 131) }
    func testBinaryLEB128_64() throws { try runWhole("binary_leb128_64.wast", atLeast: 1) }
    func testBulk64() throws { try runWhole("bulk64.wast", atLeast: 45) }
    func testCallIndirect64() throws { try runWhole("call_indirect64.wast", atLeast: 1) }
    func testEndianness64() throws { try runWhole("endianness64.wast", atLeast: 68) }
    func testFloatMemory64() throws { try runWhole("float_memory64.wast", atLeast: 60) }
    func testLoad64() throws { try runWhole("load64.wast", atLeast: 96) }
    func testMemory() throws { try runWhole("memory.wast", atLeast: 78) }
    func testMemory64() throws { try runWhole("memory64.wast", atLeast: 59) }
    func testMemory64Imports() throws { try runWhole("memory64-imports.wast", atLeast: 30) }
    func testMemoryCopy64() throws { try runWhole("memory_copy64.wast", atLeast: 4402) }
    func testMemoryFill64() throws { try runWhole("memory_fill64.wast", atLeast: 84) }
    func testMemoryGrow64() throws { try runWhole("memory_grow64.wast", atLeast: 45) }
    func testMemoryInit64() throws { try runWhole("memory_init64.wast", atLeast: 209) }
    func testMemoryRedundancy64() throws { try runWhole("memory_redundancy64.wast", atLeast: 4) }
    func testMemoryTrap64() throws { try runWhole("memory_trap64.wast", atLeast: 170) }
    func testSIMDMemoryMulti() throws { try runWhole("simd_memory-multi.wast", atLeast: 0) }
    func testTable64() throws { try runWhole("table64.wast", atLeast: 2) }
    func testTableCopy64() throws { try runWhole("table_copy64.wast", atLeast: 1649) }
    func testTableCopyMixed() throws { try runWhole("table_copy_mixed.wast", atLeast: 3) }
    func testTableFill64() throws { try runWhole("table_fill64.wast", atLeast: 79) }
    func testTableInit64() throws { try runWhole("table_init64.wast", atLeast: 822) }
    func testTableGet64() throws { try runWhole("table_get64.wast", atLeast: 9) }
    func testTableGrow64() throws { try runWhole("table_grow64.wast", atLeast: 21) }
    func testTableSet64() throws { try runWhole("table_set64.wast", atLeast: 18) }
    func testTableSize64() throws { try runWhole("table_size64.wast", atLeast: 36) }
}
