// SeedDerivation: the documented hash from (set seed, source id, sample[, condition]) to a job seed.
//
//   key  = UTF-8 of "<source id>\u{1F}<sample>"             (init: shared, the default)
//        | UTF-8 of "<source id>\u{1F}<condition>\u{1F}<sample>"   (init: per-condition)
//   seed = SplitMix64(set seed XOR FNV-1a-64(key)).next()
// FNV-1a-64: h = 0xcbf29ce484222325; for each byte b: h = (h XOR b) · 0x100000001b3 (mod 2⁶⁴).
// Neither Swift's Hasher nor hashValue is used: both are randomly seeded per process.

import TextureCore

public enum SeedDerivation {
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    public static func jobSeed(setSeed: UInt64, sourceId: String, sample: Int, condition: String?) -> UInt64 {
        let key = condition.map { "\(sourceId)\u{1F}\($0)\u{1F}\(sample)" } ?? "\(sourceId)\u{1F}\(sample)"
        var generator = SplitMix64(seed: setSeed ^ fnv1a64(key))
        return generator.next()
    }
}
