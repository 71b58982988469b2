// ProtobufReader: read protobuf wire format (varints, fixed and length-delimited fields) from bytes
// in memory, every length checked against the end of its message; CaffeModel's only reader.

struct ProtobufReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int
    let path: String

    init(_ bytes: [UInt8], range: Range<Int>, path: String) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
        self.path = path
    }

    func failure(_ reason: String) -> WeightsError {
        .corruptFile(path: path, format: "caffemodel (protobuf)", reason: reason)
    }

    var atEnd: Bool { position >= end }

    mutating func varint() throws(WeightsError) -> UInt64 {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < end, shift < 64 else { throw failure("truncated varint at byte \(position)") }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// The next field: number, wire type, and for length-delimited fields their byte range.
    mutating func field() throws(WeightsError) -> (number: Int, wireType: Int, range: Range<Int>?, value: UInt64) {
        let key = try varint()
        let (number, wireType) = (Int(key >> 3), Int(key & 7))
        switch wireType {
        case 0: return (number, wireType, nil, try varint())
        case 1: try skip(8); return (number, wireType, (position - 8)..<position, 0)
        case 5: try skip(4); return (number, wireType, (position - 4)..<position, 0)
        case 2:
            let raw = try varint()
            let length = try integer(raw, "length of field \(number)")
            try skip(length)
            return (number, wireType, (position - length)..<position, 0)
        default: throw failure("unsupported wire type \(wireType) at byte \(position)")
        }
    }

    /// A varint used as a length or dimension; 2^63 and above do not fit an Int (and no real file has them).
    func integer(_ value: UInt64, _ what: String) throws(WeightsError) -> Int {
        guard value <= UInt64(Int.max) else {
            throw failure("\(what) is \(value) at byte \(position), larger than any file")
        }
        return Int(value)
    }

    mutating func skip(_ count: Int) throws(WeightsError) {
        // count ≤ end − position, not position + count ≤ end: the sum can overflow.
        guard count >= 0, count <= end - position else {
            throw failure("field runs past the end of its message (truncated?)")
        }
        position += count
    }
}
