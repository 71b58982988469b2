// Planes: the real and complex (H, W) images, in double precision, that the pyramid and the statistics use.

import Foundation

/// A real (H, W) image, row-major: value (y, x) is `values[y · W + x]`.
public struct RealPlane: Sendable, Equatable {
    public let height: Int
    public let width: Int
    public var values: [Double]

    public init(height: Int, width: Int, values: [Double]) {
        precondition(values.count == height * width, "\(values.count) values for a \(height)×\(width) plane")
        self.height = height
        self.width = width
        self.values = values
    }

    public init(zeros height: Int, _ width: Int) {
        self.init(height: height, width: width, values: Array(repeating: 0, count: height * width))
    }

    public var count: Int { height * width }

    /// (1 / N) Σ v.
    public var mean: Double { values.reduce(0, +) / Double(count) }

    /// v − mean(v) (the mean of the result is 0 up to rounding).
    public func centred() -> RealPlane {
        let m = mean
        return RealPlane(height: height, width: width, values: values.map { $0 - m })
    }

    /// The complex plane v + 0i.
    public var complex: ComplexPlane {
        var interleaved = [Double](repeating: 0, count: 2 * count)
        for i in 0..<count { interleaved[2 * i] = values[i] }
        return ComplexPlane(height: height, width: width, interleaved: interleaved)
    }

    /// Backward of `centred` (x ↦ x − mean x): G − mean G.
    public static func centredBackward(_ dOut: RealPlane) -> RealPlane { dOut.centred() }

    /// v · s.
    public func scaled(by s: Double) -> RealPlane {
        RealPlane(height: height, width: width, values: values.map { $0 * s })
    }

    public static func + (a: RealPlane, b: RealPlane) -> RealPlane {
        precondition(a.height == b.height && a.width == b.width)
        return RealPlane(height: a.height, width: a.width, values: zip(a.values, b.values).map { $0 + $1 })
    }
}

/// A complex (H, W) image, row-major, re and im interleaved: (y, x) is
/// `interleaved[2 (y · W + x)] + i · interleaved[2 (y · W + x) + 1]` (FFTW's fftw_complex layout).
public struct ComplexPlane: Sendable, Equatable {
    public let height: Int
    public let width: Int
    public var interleaved: [Double]

    public init(height: Int, width: Int, interleaved: [Double]) {
        precondition(
            interleaved.count == 2 * height * width,
            "\(interleaved.count) doubles for a \(height)×\(width) complex plane")
        self.height = height
        self.width = width
        self.interleaved = interleaved
    }

    public init(zeros height: Int, _ width: Int) {
        self.init(height: height, width: width, interleaved: Array(repeating: 0, count: 2 * height * width))
    }

    public var count: Int { height * width }

    public var real: RealPlane { component(0) }
    public var imaginary: RealPlane { component(1) }

    private func component(_ part: Int) -> RealPlane {
        RealPlane(height: height, width: width, values: (0..<count).map { interleaved[2 * $0 + part] })
    }

    /// |z| = √(re² + im²) (hypot, as torch's abs of a complex tensor).
    public var magnitude: RealPlane {
        RealPlane(
            height: height, width: width,
            values: (0..<count).map { hypot(interleaved[2 * $0], interleaved[2 * $0 + 1]) })
    }

    /// Backward of `magnitude` (z ↦ |z|): G_z = G · z / |z|. |z| has no derivative at z = 0;
    /// there the gradient is 0, the minimum-norm subgradient (every direction's slope is 1).
    public static func magnitudeBackward(_ dMagnitude: RealPlane, _ z: ComplexPlane) -> ComplexPlane {
        var out = ComplexPlane(zeros: z.height, z.width)
        for i in 0..<z.count {
            let (re, im) = (z.interleaved[2 * i], z.interleaved[2 * i + 1])
            let r = hypot(re, im)
            guard r > 0 else { continue }
            out.interleaved[2 * i] = dMagnitude.values[i] * re / r
            out.interleaved[2 * i + 1] = dMagnitude.values[i] * im / r
        }
        return out
    }

    /// z · m(y, x) for a real mask of the same shape.
    public func multiplied(by mask: [Double]) -> ComplexPlane {
        precondition(mask.count == count)
        var out = interleaved
        for i in 0..<count {
            out[2 * i] *= mask[i]
            out[2 * i + 1] *= mask[i]
        }
        return ComplexPlane(height: height, width: width, interleaved: out)
    }

    /// z · c for a complex constant c = (re, im).
    public func multiplied(by c: (re: Double, im: Double)) -> ComplexPlane {
        var out = interleaved
        for i in 0..<count {
            let (a, b) = (interleaved[2 * i], interleaved[2 * i + 1])
            out[2 * i] = a * c.re - b * c.im
            out[2 * i + 1] = a * c.im + b * c.re
        }
        return ComplexPlane(height: height, width: width, interleaved: out)
    }

    /// z · s for a real scalar s.
    public func scaled(by s: Double) -> ComplexPlane {
        ComplexPlane(height: height, width: width, interleaved: interleaved.map { $0 * s })
    }

    public static func + (a: ComplexPlane, b: ComplexPlane) -> ComplexPlane {
        precondition(a.height == b.height && a.width == b.width)
        return ComplexPlane(
            height: a.height, width: a.width, interleaved: zip(a.interleaved, b.interleaved).map { $0 + $1 })
    }

    /// Rows top..<bottom and columns left..<right.
    public func cropped(rows: Range<Int>, columns: Range<Int>) -> ComplexPlane {
        var out = ComplexPlane(zeros: rows.count, columns.count)
        for (y, row) in rows.enumerated() {
            for (x, column) in columns.enumerated() {
                out[y, x] = self[row, column]
            }
        }
        return out
    }

    /// A zero plane of height × width with `self` written at rows `top…`, columns `left…`.
    public func padded(height: Int, width: Int, top: Int, left: Int) -> ComplexPlane {
        var out = ComplexPlane(zeros: height, width)
        for y in 0..<self.height {
            for x in 0..<self.width { out[top + y, left + x] = self[y, x] }
        }
        return out
    }

    public subscript(y: Int, x: Int) -> (re: Double, im: Double) {
        get { (interleaved[2 * (y * width + x)], interleaved[2 * (y * width + x) + 1]) }
        set {
            interleaved[2 * (y * width + x)] = newValue.re
            interleaved[2 * (y * width + x) + 1] = newValue.im
        }
    }
}
