// RestrictedUnpickler: read a PyTorch state_dict pickle without executing anything.
//
// Only the opcodes a state_dict uses are understood, and only these globals may be named:
// collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter,
// torch.FloatStorage and torch.HalfStorage. Any other global (e.g. os.system) or opcode stops
// the read with an error; nothing named in the file is ever called.

import Foundation

/// A tensor described by the pickle: which storage, where in it, and its shape and strides.
public struct PickledTensor: Equatable {
    public var storageKey: String
    public var storageType: String
    public var offset: Int
    public var shape: [Int]
    public var stride: [Int]
}

indirect enum PickleValue: Equatable {
    case none, bool(Bool), int(Int), float(Double), string(String)
    case tuple([PickleValue]), list([PickleValue]), dict([String: PickleValue])
    case global(String), storage(type: String, key: String), tensor(PickledTensor)
}

struct RestrictedUnpickler {
    static let allowedGlobals: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch.FloatStorage", "torch.HalfStorage",
    ]

    let bytes: [UInt8]
    let path: String
    var position = 0
    /// Each value with its nesting depth (0 for a scalar), kept so that no container is built
    /// deeper than `maximumDepth`: releasing a tree of 10^5 nested tuples recurses once per level
    /// and overflows the stack. A state_dict nests four levels (dict, tensor, tuple, int).
    var stack: [(value: PickleValue, depth: Int)] = []
    var marks: [Int] = []
    var memo: [Int: (value: PickleValue, depth: Int)] = [:]
    static let maximumDepth = 32

    init(_ data: Data, path: String) {
        bytes = [UInt8](data)
        self.path = path
    }

    func failure(_ reason: String) -> WeightsError {
        .corruptFile(path: path, format: "PyTorch pickle", reason: reason)
    }

    mutating func take(_ count: Int) throws(WeightsError) -> ArraySlice<UInt8> {
        guard position + count <= bytes.count else { throw failure("unexpected end of data.pkl at byte \(position)") }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// A little-endian integer of `count` bytes (two's complement when `signed`).
    mutating func integer(_ count: Int, signed: Bool = false) throws(WeightsError) -> Int {
        guard count <= 8 else { throw failure("integer of \(count) bytes is too large") }
        let slice = try take(count)
        var value: UInt64 = 0
        for (index, byte) in slice.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        if signed && count < 8 && count > 0 && value >= 1 << (8 * UInt64(count) - 1) {
            return Int(Int64(bitPattern: value) - (1 << (8 * Int64(count))))
        }
        return Int(Int64(bitPattern: value))
    }

    mutating func line() throws(WeightsError) -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw failure("unterminated GLOBAL") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    mutating func pop() throws(WeightsError) -> PickleValue { try popItem().value }

    mutating func popItem() throws(WeightsError) -> (value: PickleValue, depth: Int) {
        guard let item = stack.popLast() else { throw failure("stack underflow at byte \(position)") }
        return item
    }

    mutating func popMark() throws(WeightsError) -> [(value: PickleValue, depth: Int)] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw failure("MARK missing at byte \(position)") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    mutating func push(_ value: PickleValue, depth: Int = 0) { stack.append((value, depth)) }

    /// Pushes a container holding `items`, one level deeper than the deepest of them.
    mutating func pushContainer(
        _ items: [(value: PickleValue, depth: Int)], depth floor: Int = 0,
        _ make: ([PickleValue]) -> PickleValue
    ) throws(WeightsError) {
        let depth = max(floor, (items.map(\.depth).max() ?? 0) + 1)
        guard depth <= Self.maximumDepth else {
            throw failure(
                "values nest deeper than \(Self.maximumDepth) levels at byte \(position); a state_dict nests 4")
        }
        push(make(items.map(\.value)), depth: depth)
    }

    /// Runs the pickle to STOP and returns the top-level value.
    mutating func load() throws(WeightsError) -> PickleValue {
        while true {
            let opcode = try take(1).first!
            switch opcode {
            case 0x80: _ = try take(1)  // PROTO
            case 0x95: _ = try take(8)  // FRAME
            case 0x2E: return try pop()  // STOP
            case 0x28: marks.append(stack.count)  // MARK
            case 0x7D: push(.dict([:]))  // EMPTY_DICT
            case 0x5D: push(.list([]))  // EMPTY_LIST
            case 0x29: push(.tuple([]))  // EMPTY_TUPLE
            case 0x4E: push(.none)  // NONE
            case 0x88, 0x89: push(.bool(opcode == 0x88))  // NEWTRUE, NEWFALSE
            case 0x4B: push(.int(try integer(1)))  // BININT1
            case 0x4D: push(.int(try integer(2)))  // BININT2
            case 0x4A: push(.int(try integer(4, signed: true)))  // BININT
            case 0x8A: let n = try integer(1); push(.int(n == 0 ? 0 : try integer(n, signed: true)))  // LONG1
            case 0x47: push(.float(Double(bitPattern: try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))  // BINFLOAT
            case 0x58: let n = try integer(4); push(.string(String(decoding: try take(n), as: UTF8.self)))  // BINUNICODE
            case 0x8C: let n = try integer(1); push(.string(String(decoding: try take(n), as: UTF8.self)))  // SHORT_BINUNICODE
            case 0x71: memo[try integer(1)] = stack.last  // BINPUT
            case 0x72: memo[try integer(4)] = stack.last  // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last  // MEMOIZE
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let key = try integer(opcode == 0x68 ? 1 : 4)
                guard let item = memo[key] else { throw failure("memo \(key) is empty") }
                stack.append(item)
            case 0x74: try pushContainer(try popMark()) { .tuple($0) }  // TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1..3
                let count = Int(opcode - 0x84)
                guard stack.count >= count else { throw failure("stack underflow at byte \(position)") }
                let items = Array(stack.suffix(count))
                stack.removeLast(count)
                try pushContainer(items) { .tuple($0) }
            case 0x63: try global("\(try line()).\(try line())")  // GLOBAL
            case 0x93:  // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                    throw failure("STACK_GLOBAL needs two strings")
                }
                try global("\(module).\(name)")
            case 0x51: try persistentLoad()  // BINPERSID
            case 0x52: try reduce()  // REDUCE
            case 0x62: _ = try pop()  // BUILD: state of an OrderedDict (_metadata), not needed
            case 0x73: let value = try popItem(), key = try popItem(); try setItems([key, value])  // SETITEM
            case 0x75: try setItems(try popMark())  // SETITEMS
            case 0x61: let value = try popItem(); try append([value])  // APPEND
            case 0x65: try append(try popMark())  // APPENDS
            default:
                throw failure(
                    String(format: "opcode 0x%02X at byte %d is not allowed in a state_dict", opcode, position - 1))
            }
        }
    }

    mutating func global(_ name: String) throws(WeightsError) {
        guard Self.allowedGlobals.contains(name) else {
            throw failure(
                "refuses to load global '\(name)': a state_dict needs only \(Self.allowedGlobals.sorted().joined(separator: ", "))"
            )
        }
        push(.global(name))
    }

    /// ('storage', torch.FloatStorage, key, location, numel) → a storage reference.
    mutating func persistentLoad() throws(WeightsError) {
        guard case .tuple(let items) = try pop(), items.count >= 3, items[0] == .string("storage"),
            case .global(let type) = items[1], case .string(let key) = items[2]
        else { throw failure("unexpected persistent id") }
        push(.storage(type: type, key: key))
    }

    mutating func reduce() throws(WeightsError) {
        guard case .tuple(let arguments) = try pop(), case .global(let callable) = try pop() else {
            throw failure("REDUCE needs a global and a tuple")
        }
        switch callable {
        case "collections.OrderedDict": push(.dict([:]))
        case "torch._utils._rebuild_parameter":
            guard let tensor = arguments.first, case .tensor = tensor else {
                throw failure("_rebuild_parameter without a tensor")
            }
            push(tensor, depth: 1)
        case "torch._utils._rebuild_tensor_v2":
            guard arguments.count >= 4, case .storage(let type, let key) = arguments[0],
                case .int(let offset) = arguments[1],
                case .tuple(let size) = arguments[2], case .tuple(let stride) = arguments[3]
            else { throw failure("bad _rebuild_tensor_v2 arguments") }
            let shape = size.compactMap { if case .int(let v) = $0 { return v } else { return nil } }
            let strides = stride.compactMap { if case .int(let v) = $0 { return v } else { return nil } }
            push(
                .tensor(
                    PickledTensor(storageKey: key, storageType: type, offset: offset, shape: shape, stride: strides)),
                depth: 1)
        default: throw failure("'\(callable)' cannot be called")
        }
    }

    mutating func setItems(_ items: [(value: PickleValue, depth: Int)]) throws(WeightsError) {
        let target = try popItem()
        guard case .dict(var dictionary) = target.value, items.count % 2 == 0 else {
            throw failure("SETITEMS on a non-dict")
        }
        for index in stride(from: 0, to: items.count, by: 2) {
            guard case .string(let key) = items[index].value else { throw failure("state_dict keys must be strings") }
            dictionary[key] = items[index + 1].value
        }
        try pushContainer(items, depth: target.depth) { _ in .dict(dictionary) }
    }

    mutating func append(_ items: [(value: PickleValue, depth: Int)]) throws(WeightsError) {
        let target = try popItem()
        guard case .list(let list) = target.value else { throw failure("APPEND on a non-list") }
        try pushContainer(items, depth: target.depth) { .list(list + $0) }
    }
}
