/// Numeric literals of the text format
/// (https://webassembly.github.io/spec/core/text/values.html#numbers): integers with signs,
/// hex and `_` separators, and floats (decimal, hex, `inf`, `nan`, `nan:0x...`) rounded
/// correctly to nearest-even without going through the platform's `strtod`.

/// Why a literal was not accepted; `syntax` means "not a number at all", which lets a parser
/// that expects a number report an unexpected token.
enum LiteralError: Error {
    case syntax
    case outOfRange
}

/// The digits of an integer literal, before its range is checked.
struct IntegerLiteral {
    var sign: UInt8?  // `+`, `-` or none
    var magnitude: UInt64
    var overflow: Bool

    var isNegative: Bool { sign == UInt8(ascii: "-") }
}

/// Reads `digits` (base 10 or 16) separated by single `_`s, as in `1_000` or `ff_ff`.
/// Returns the index after the last digit, or nil when no well-formed digit run starts at
/// `start`.
private func scanDigits(
    _ bytes: [UInt8], _ start: Int, _ end: Int, hex: Bool, _ visit: (UInt8) -> Void
) -> Int? {
    var i = start
    var lastWasDigit = false
    while i < end {
        let c = bytes[i]
        if c == UInt8(ascii: "_") {
            if !lastWasDigit { return nil }
            lastWasDigit = false
            i += 1
            continue
        }
        let d: UInt8?
        if hex {
            d = hexDigitValue(c)
        } else {
            d = (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) ? c - UInt8(ascii: "0") : nil
        }
        guard let digit = d else { break }
        visit(digit)
        lastWasDigit = true
        i += 1
    }
    if !lastWasDigit { return nil }
    return i
}

func parseIntegerLiteral(_ bytes: [UInt8], _ start: Int, _ end: Int) -> IntegerLiteral? {
    var i = start
    var sign: UInt8? = nil
    if i < end && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
        sign = bytes[i]
        i += 1
    }
    var hex = false
    if i + 1 < end && bytes[i] == UInt8(ascii: "0") && bytes[i + 1] == UInt8(ascii: "x") {
        hex = true
        i += 2
    }
    var value: UInt64 = 0
    var overflow = false
    let base: UInt64 = hex ? 16 : 10
    guard let stop = scanDigits(bytes, i, end, hex: hex, { d in
        let (m, o1) = value.multipliedReportingOverflow(by: base)
        let (a, o2) = m.addingReportingOverflow(UInt64(d))
        if o1 || o2 { overflow = true }
        value = a
    }), stop == end else { return nil }
    return IntegerLiteral(sign: sign, magnitude: value, overflow: overflow)
}

/// An unsigned literal (`u32`, `u64`): no sign allowed.
func parseUnsigned(_ bytes: [UInt8], _ start: Int, _ end: Int, bits: Int) -> Result<UInt64, LiteralError> {
    guard let lit = parseIntegerLiteral(bytes, start, end), lit.sign == nil else {
        return .failure(.syntax)
    }
    if lit.overflow || (bits < 64 && lit.magnitude >> UInt64(bits) != 0) {
        return .failure(.outOfRange)
    }
    return .success(lit.magnitude)
}

/// An `iN` literal: unsigned up to 2^N-1, or signed; returns the two's-complement bits.
func parseSignedOrUnsigned(_ bytes: [UInt8], _ start: Int, _ end: Int, bits: Int) -> Result<UInt64, LiteralError> {
    guard let lit = parseIntegerLiteral(bytes, start, end) else { return .failure(.syntax) }
    if lit.overflow { return .failure(.outOfRange) }
    let m = lit.magnitude
    let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
    let half: UInt64 = 1 << UInt64(bits - 1)
    switch lit.sign {
    case nil:
        return m & ~mask == 0 ? .success(m) : .failure(.outOfRange)
    case UInt8(ascii: "+"):
        return m < half ? .success(m) : .failure(.outOfRange)
    default:
        return m <= half ? .success((0 &- m) & mask) : .failure(.outOfRange)
    }
}

// MARK: - Floats

/// The layout of an IEEE 754 binary format.
struct FloatFormat {
    let fractionBits: Int
    let exponentBits: Int
    static let f32 = FloatFormat(fractionBits: 23, exponentBits: 8)
    static let f64 = FloatFormat(fractionBits: 52, exponentBits: 11)

    var bias: Int { (1 << (exponentBits - 1)) - 1 }
    var infinityBits: UInt64 { UInt64((1 << exponentBits) - 1) << UInt64(fractionBits) }
    var signBit: UInt64 { 1 << UInt64(fractionBits + exponentBits) }
    var quietBit: UInt64 { 1 << UInt64(fractionBits - 1) }
}

/// Parses an `f32`/`f64` literal into its bit pattern (in the low bits for f32).
func parseFloatLiteral(_ bytes: [UInt8], _ start: Int, _ end: Int, format: FloatFormat) -> Result<UInt64, LiteralError> {
    var i = start
    var negative = false
    if i < end && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
        negative = bytes[i] == UInt8(ascii: "-")
        i += 1
    }
    let sign: UInt64 = negative ? format.signBit : 0
    guard i < end else { return .failure(.syntax) }
    if matches(bytes, i, end, "inf") {
        return .success(sign | format.infinityBits)
    }
    if matches(bytes, i, end, "nan") {
        return .success(sign | format.infinityBits | format.quietBit)
    }
    if end - i > 6 && matches(bytes, i, i + 6, "nan:0x") {
        var payload: UInt64 = 0
        var overflow = false
        guard let stop = scanDigits(bytes, i + 6, end, hex: true, { d in
            if payload >> 60 != 0 { overflow = true }
            payload = payload << 4 | UInt64(d)
        }), stop == end else { return .failure(.syntax) }
        if overflow || payload == 0 || payload >> UInt64(format.fractionBits) != 0 {
            return .failure(.outOfRange)
        }
        return .success(sign | format.infinityBits | payload)
    }
    let magnitude: Result<UInt64, LiteralError>
    if i + 1 < end && bytes[i] == UInt8(ascii: "0") && bytes[i + 1] == UInt8(ascii: "x") {
        magnitude = parseHexFloat(bytes, i + 2, end, format: format)
    } else {
        magnitude = parseDecimalFloat(bytes, i, end, format: format)
    }
    switch magnitude {
    case .success(let bits):
        // A finite literal that rounds to infinity is out of range, not infinity.
        if bits == format.infinityBits { return .failure(.outOfRange) }
        return .success(sign | bits)
    case .failure(let e):
        return .failure(e)
    }
}

private func matches(_ bytes: [UInt8], _ start: Int, _ end: Int, _ word: StaticString) -> Bool {
    guard end - start == word.utf8CodeUnitCount else { return false }
    let p = word.utf8Start
    for k in 0..<(end - start) where bytes[start + k] != p[k] { return false }
    return true
}

/// Reads the decimal exponent after `e`/`p`, saturating far beyond any float's range.
private func parseExponent(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
    var i = start
    var negative = false
    if i < end && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
        negative = bytes[i] == UInt8(ascii: "-")
        i += 1
    }
    var value = 0
    guard let stop = scanDigits(bytes, i, end, hex: false, { d in
        value = min(value * 10 + Int(d), 100_000_000)
    }), stop == end else { return nil }
    return negative ? -value : value
}

/// `hexnum ('.' hexfrac?)? ('p' sign? num)?` after the `0x`.
private func parseHexFloat(_ bytes: [UInt8], _ start: Int, _ end: Int, format: FloatFormat) -> Result<UInt64, LiteralError> {
    // Keep the first 64 significant bits; later nonzero digits only matter as a sticky bit.
    var mantissa: UInt64 = 0
    var sticky = false
    var exponent = 0  // binary exponent of mantissa's unit
    var nonzeroSeen = false
    var i = start
    let visitInteger: (UInt8) -> Void = { d in
        if mantissa >> 60 == 0 {
            mantissa = mantissa << 4 | UInt64(d)
        } else {
            if d != 0 { sticky = true }
            exponent += 4
        }
        if d != 0 { nonzeroSeen = true }
    }
    guard let intEnd = scanDigits(bytes, i, end, hex: true, visitInteger) else { return .failure(.syntax) }
    i = intEnd
    if i < end && bytes[i] == UInt8(ascii: ".") {
        i += 1
        if i < end, hexDigitValue(bytes[i]) != nil {
            guard let fracEnd = scanDigits(bytes, i, end, hex: true, { d in
                if mantissa >> 60 == 0 {
                    mantissa = mantissa << 4 | UInt64(d)
                    exponent -= 4
                } else if d != 0 {
                    sticky = true
                }
                if d != 0 { nonzeroSeen = true }
            }) else { return .failure(.syntax) }
            i = fracEnd
        }
    }
    if i < end {
        guard bytes[i] == UInt8(ascii: "p") || bytes[i] == UInt8(ascii: "P"),
            let e = parseExponent(bytes, i + 1, end)
        else { return .failure(.syntax) }
        exponent += e
    }
    if !nonzeroSeen { return .success(0) }
    return .success(roundToFloat(mantissa: mantissa, exponent: exponent, sticky: sticky, format: format))
}

/// `num ('.' frac?)? ('e' sign? num)?`.
private func parseDecimalFloat(_ bytes: [UInt8], _ start: Int, _ end: Int, format: FloatFormat) -> Result<UInt64, LiteralError> {
    var digits: [UInt8] = []
    var decimalExponent = 0
    var i = start
    guard let intEnd = scanDigits(bytes, i, end, hex: false, { digits.append($0) }) else {
        return .failure(.syntax)
    }
    i = intEnd
    if i < end && bytes[i] == UInt8(ascii: ".") {
        i += 1
        if i < end, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            guard let fracEnd = scanDigits(bytes, i, end, hex: false, { d in
                digits.append(d)
                decimalExponent -= 1
            }) else { return .failure(.syntax) }
            i = fracEnd
        }
    }
    if i < end {
        guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E"),
            let e = parseExponent(bytes, i + 1, end)
        else { return .failure(.syntax) }
        decimalExponent += e
    }
    return .success(decimalToFloat(digits: digits, exponent: decimalExponent, format: format))
}

/// Rounds `(mantissa + sticky·ε) · 2^exponent` to the nearest representable value of `format`,
/// ties to even; returns the bits of the (nonnegative) result, which may be infinity.
func roundToFloat(mantissa: UInt64, exponent: Int, sticky: Bool, format: FloatFormat) -> UInt64 {
    if mantissa == 0 { return 0 }
    let lz = mantissa.leadingZeroBitCount
    let m = mantissa << UInt64(lz)
    let leadingExponent = exponent - lz + 63  // exponent of m's top bit
    let precision = format.fractionBits + 1
    let minNormalExponent = 1 - format.bias
    var shift = 64 - precision
    if leadingExponent < minNormalExponent {
        shift += minNormalExponent - leadingExponent
    }
    var rounded: UInt64
    if shift > 64 {
        return 0  // below half of the smallest subnormal
    } else if shift == 64 {
        let half: UInt64 = 1 << 63
        rounded = (m > half || (m == half && sticky)) ? 1 : 0
    } else {
        rounded = m >> UInt64(shift)
        let remainder = m & ((1 << UInt64(shift)) - 1)
        let half: UInt64 = 1 << UInt64(shift - 1)
        if remainder > half || (remainder == half && (sticky || rounded & 1 == 1)) {
            rounded += 1
        }
    }
    if leadingExponent < minNormalExponent {
        // Subnormal: a carry into bit `fractionBits` turns it into the smallest normal.
        return rounded
    }
    // `rounded` is in [2^p-1, 2^p]; adding it to the exponent field minus one lets a carry
    // from rounding bump the exponent.
    let biased = UInt64(leadingExponent + format.bias)
    if biased >= UInt64((1 << format.exponentBits) - 1) { return format.infinityBits }
    let bits = ((biased - 1) << UInt64(format.fractionBits)) + rounded
    return min(bits, format.infinityBits)
}

/// Converts `digits · 10^exponent` exactly: the value becomes a big integer (times a power of
/// two) or a big quotient with enough bits, which then rounds once.
private func decimalToFloat(digits: [UInt8], exponent: Int, format: FloatFormat) -> UInt64 {
    var first = 0
    while first < digits.count && digits[first] == 0 { first += 1 }
    if first == digits.count { return 0 }
    var digits = digits
    var last = digits.count
    var exponent = exponent
    // No midpoint between two doubles needs more than 767 significant digits, so a longer
    // literal can be cut, keeping only whether the cut part was nonzero as one more digit.
    // This keeps conversion time bounded for absurdly long literals.
    let maxDigits = 800
    if last - first > maxDigits + 1 {
        let cut = first + maxDigits
        let sticky = digits[cut..<last].contains { $0 != 0 }
        exponent += last - cut - 1
        digits[cut] = sticky ? 1 : 0
        last = cut + 1
    }
    while digits[last - 1] == 0 {
        last -= 1
        exponent += 1
    }
    let count = last - first
    // The value lies in [10^(count-1+exponent), 10^(count+exponent)).
    if count - 1 + exponent > 310 { return format.infinityBits }
    if count + exponent < -340 { return 0 }

    // Exact fast path: a mantissa and a power of ten both exactly representable as Double.
    if count <= 15 && abs(exponent) <= 22 && format.fractionBits == 52 {
        var m: UInt64 = 0
        for k in first..<last { m = m * 10 + UInt64(digits[k]) }
        var power = 1.0
        for _ in 0..<abs(exponent) { power *= 10 }
        let value = exponent >= 0 ? Double(m) * power : Double(m) / power
        return value.bitPattern
    }

    var n = BigUInt(0)
    for k in first..<last { n.multiplyAdd(10, UInt32(digits[k])) }
    if exponent >= 0 {
        n.multiplyByPowerOfFive(exponent)
        let (top, shift, sticky) = n.top64()
        return roundToFloat(mantissa: top, exponent: shift + exponent, sticky: sticky, format: format)
    }
    var d = BigUInt(1)
    d.multiplyByPowerOfFive(-exponent)
    // Scale the numerator so the quotient has at least 66 bits: enough for a guard bit and
    // a sticky bit beyond any format's precision.
    let scale = max(0, d.bitWidth - n.bitWidth + 66)
    n.shiftLeft(scale)
    let (quotient, remainderIsZero) = n.divided(by: d)
    let (top, shift, sticky) = quotient.top64()
    return roundToFloat(
        mantissa: top, exponent: shift - scale + exponent, sticky: sticky || !remainderIsZero,
        format: format)
}

/// Just enough arbitrary-precision unsigned arithmetic for exact decimal conversion.
struct BigUInt {
    /// Little-endian 32-bit limbs, no trailing zero limbs.
    var limbs: [UInt32]

    init(_ value: UInt32) {
        limbs = value == 0 ? [] : [value]
    }

    var bitWidth: Int {
        guard let top = limbs.last else { return 0 }
        return limbs.count * 32 - top.leadingZeroBitCount
    }

    mutating func multiplyAdd(_ factor: UInt32, _ addend: UInt32) {
        var carry = UInt64(addend)
        for k in 0..<limbs.count {
            let product = UInt64(limbs[k]) * UInt64(factor) + carry
            limbs[k] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
    }

    mutating func multiplyByPowerOfFive(_ power: Int) {
        var remaining = power
        while remaining >= 13 {
            multiplyAdd(1_220_703_125, 0)  // 5^13, the largest power of five below 2^32
            remaining -= 13
        }
        var factor: UInt32 = 1
        for _ in 0..<remaining { factor *= 5 }
        if factor != 1 { multiplyAdd(factor, 0) }
    }

    mutating func shiftLeft(_ bits: Int) {
        guard !limbs.isEmpty, bits > 0 else { return }
        let limbShift = bits / 32
        let bitShift = UInt32(bits % 32)
        if bitShift != 0 {
            var carry: UInt32 = 0
            for k in 0..<limbs.count {
                let v = limbs[k]
                limbs[k] = v << bitShift | carry
                carry = v >> (32 - bitShift)
            }
            if carry != 0 { limbs.append(carry) }
        }
        if limbShift > 0 {
            limbs.insert(contentsOf: repeatElement(0, count: limbShift), at: 0)
        }
    }

    func bit(_ index: Int) -> Bool {
        let limb = index / 32
        guard limb < limbs.count else { return false }
        return limbs[limb] >> UInt32(index % 32) & 1 == 1
    }

    /// The top 64 bits (MSB at bit 63 unless the value is smaller), the power of two they are
    /// scaled by, and whether any lower bit is set.
    func top64() -> (UInt64, Int, Bool) {
        let width = bitWidth
        if width <= 64 {
            var v: UInt64 = 0
            for k in stride(from: limbs.count - 1, through: 0, by: -1) { v = v << 32 | UInt64(limbs[k]) }
            return (v, 0, false)
        }
        let shift = width - 64
        var v: UInt64 = 0
        for b in stride(from: width - 1, through: shift, by: -1) where bit(b) {
            v |= 1 << UInt64(b - shift)
        }
        var sticky = false
        let fullLimbs = shift / 32
        for k in 0..<fullLimbs where limbs[k] != 0 {
            sticky = true
            break
        }
        if !sticky {
            for b in (fullLimbs * 32)..<shift where bit(b) {
                sticky = true
                break
            }
        }
        return (v, shift, sticky)
    }

    static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        var k = a.count - 1
        while k >= 0 {
            if a[k] != b[k] { return a[k] < b[k] ? -1 : 1 }
            k -= 1
        }
        return 0
    }

    /// `a -= b`, given `a >= b`.
    static func subtract(_ a: inout [UInt32], _ b: [UInt32]) {
        var borrow: Int64 = 0
        for k in 0..<a.count {
            var v = Int64(a[k]) - borrow - (k < b.count ? Int64(b[k]) : 0)
            if v < 0 {
                v += 1 << 32
                borrow = 1
            } else {
                borrow = 0
            }
            a[k] = UInt32(v)
        }
        while a.last == 0 { a.removeLast() }
    }

    /// Schoolbook binary long division; the quotients needed here have few bits, so this
    /// runs one compare-and-subtract per quotient bit.
    func divided(by divisor: BigUInt) -> (BigUInt, Bool) {
        var remainder = self
        var quotient = BigUInt(0)
        let bits = bitWidth - divisor.bitWidth
        if bits < 0 { return (quotient, limbs.isEmpty) }
        var shifted = divisor
        shifted.shiftLeft(bits)
        var q = [UInt32](repeating: 0, count: bits / 32 + 1)
        var b = bits
        while b >= 0 {
            if BigUInt.compare(remainder.limbs, shifted.limbs) >= 0 {
                BigUInt.subtract(&remainder.limbs, shifted.limbs)
                q[b / 32] |= 1 << UInt32(b % 32)
            }
            shifted.shiftRightOne()
            b -= 1
        }
        while q.last == 0 { q.removeLast() }
        quotient.limbs = q
        return (quotient, remainder.limbs.isEmpty)
    }

    mutating func shiftRightOne() {
        var carry: UInt32 = 0
        var k = limbs.count - 1
        while k >= 0 {
            let v = limbs[k]
            limbs[k] = v >> 1 | carry << 31
            carry = v & 1
            k -= 1
        }
        while limbs.last == 0 { limbs.removeLast() }
    }
}
