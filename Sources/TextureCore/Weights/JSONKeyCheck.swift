// JSONKeyCheck: find a key that appears twice in one JSON object, which JSONSerialization hides.
//
// JSONSerialization keeps one of two equal keys without a word, so a safetensors header with two
// entries for "conv1_1.weight" would load whichever it kept. A safetensors header is flat (tensor
// entries one level down), so nesting deeper than `maximumDepth` is refused too.

import Foundation

enum JSONKeyCheck {
    static let maximumDepth = 16

    enum Problem: Equatable {
        case duplicateKey(String)
        case tooDeep
    }

    /// The first problem in `bytes` (assumed to be JSON; malformed text is left to the parser).
    static func problem(in bytes: Data) -> Problem? {
        let text = [UInt8](bytes)
        var objects: [Set<String>?] = []  // nil for an array
        var index = 0
        while index < text.count {
            switch text[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                objects.append(text[index] == UInt8(ascii: "{") ? [] : nil)
                if objects.count > maximumDepth { return .tooDeep }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = objects.popLast()
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < text.count && text[index] != UInt8(ascii: "\"") {
                    index += text[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < text.count else { return nil }
                var next = index + 1
                while next < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[next]) { next += 1 }
                if next < text.count, text[next] == UInt8(ascii: ":"), let keys = objects.last, var seen = keys {
                    let key = decoded(text[start...index])
                    if seen.contains(key) { return .duplicateKey(key) }
                    seen.insert(key)
                    objects[objects.count - 1] = seen
                }
            default: break
            }
            index += 1
        }
        return nil
    }

    /// A string token's value, so that "a" and "\u0061" count as the same key.
    private static func decoded(_ token: ArraySlice<UInt8>) -> String {
        guard token.contains(UInt8(ascii: "\\")) else {
            return String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
        }
        let wrapped = Data([UInt8(ascii: "[")] + token + [UInt8(ascii: "]")])
        return ((try? JSONSerialization.jsonObject(with: wrapped)) as? [String])?.first
            ?? String(decoding: token, as: UTF8.self)
    }
}
