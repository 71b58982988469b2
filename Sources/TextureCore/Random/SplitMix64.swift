// SplitMix64 and a Box–Muller normal sampler: texstim's own seeded generators.
//
// Every random number texstim uses (start noise, random filters, weights) comes from here,
// never from the system generator or Swift's Hasher, so results survive toolchain updates.
import Foundation

// Golden values are pinned in RandomTests.swift.

/// SplitMix64 (Steele, Lea & Flood 2014): state += 0x9E3779B97F4A7C15, then a 64-bit mix.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in the open interval (0, 1): the top 53 bits plus one half step,
    /// so the logarithm in the normal sampler is always finite.
    public mutating func nextUnitInterval() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }
}

/// Standard normal draws by the Box–Muller transform, both outputs used in turn:
/// z0 = √(−2 ln u1) · cos(2π u2), z1 = √(−2 ln u1) · sin(2π u2).
public struct NormalSampler: Sendable {
    public private(set) var generator: SplitMix64
    private var spare: Double?

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public mutating func next() -> Double {
        if let value = spare {
            spare = nil
            return value
        }
        let u1 = generator.nextUnitInterval()
        let u2 = generator.nextUnitInterval()
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spare = radius * sin(angle)
        return radius * cos(angle)
    }

    /// `count` standard normal draws as Float.
    public mutating func fill(count: Int, scale: Double = 1) -> [Float] {
        (0..<count).map { _ in Float(next() * scale) }
    }
}

/// Derives independent child seeds from a parent seed and a label (e.g. a layer index),
/// by running SplitMix64's mix over parent ⊕ (label · golden ratio constant).
public func deriveSeed(_ parent: UInt64, _ label: UInt64) -> UInt64 {
    var generator = SplitMix64(seed: parent ^ (label &* 0xD1B5_4A32_D192_ED03))
    return generator.next()
}
