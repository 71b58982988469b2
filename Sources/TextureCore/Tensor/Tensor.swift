// Tensor: a contiguous float32 (C, H, W) array, the one data type of the numeric core.

/// The size of a (C, H, W) tensor. Row-major: index = (c * H + y) * W + x.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(_ channels: Int, _ height: Int, _ width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Spatial positions H·W (M in the paper's notation).
    public var positions: Int { height * width }
    public var count: Int { channels * height * width }
    public var description: String { "(\(channels), \(height), \(width))" }
}

/// A float32 tensor of shape (C, H, W), stored contiguously in row-major (CHW) order.
///
/// A value type: copies are cheap until written (copy-on-write through `Array`). Hot loops
/// reach the storage through `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer`.
public struct Tensor: Sendable, Equatable {
    public private(set) var shape: Shape
    public var data: [Float]

    /// A zero-filled tensor.
    public init(_ shape: Shape) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.count)
    }

    /// A tensor over existing values; `data.count` must equal `shape.count`.
    public init(_ shape: Shape, data: [Float]) {
        precondition(data.count == shape.count, "Tensor: \(data.count) values for shape \(shape)")
        self.shape = shape
        self.data = data
    }

    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { data[(c * shape.height + y) * shape.width + x] }
        set { data[(c * shape.height + y) * shape.width + x] = newValue }
    }

    /// Sets every element to zero without reallocating.
    public mutating func zero(threads: Int = 1) {
        data.withUnsafeMutableBufferPointer { values in
            let shared = SharedPointer(values.baseAddress!)
            parallelElements(count: values.count, threads: threads) { range in
                (shared.base + range.lowerBound).update(repeating: 0, count: range.count)
            }
        }
    }

    /// Takes another shape; the values are not kept (elements added are zero). Storage shrinks
    /// without releasing capacity, so a tensor made at its largest shape never reallocates.
    public mutating func reshape(to newShape: Shape) {
        shape = newShape
        if data.count > newShape.count {
            data.removeLast(data.count - newShape.count)
        } else if data.count < newShape.count {
            data.append(contentsOf: repeatElement(0, count: newShape.count - data.count))
        }
    }

    /// Copies `other`'s values (same shape) without reallocating.
    public mutating func copy(from other: Tensor, threads: Int = 1) {
        precondition(shape == other.shape)
        other.data.withUnsafeBufferPointer { source in
            data.withUnsafeMutableBufferPointer { values in
                let (from, to) = (
                    SharedPointer(UnsafeMutablePointer(mutating: source.baseAddress!)),
                    SharedPointer(values.baseAddress!)
                )
                parallelElements(count: values.count, threads: threads) { range in
                    (to.base + range.lowerBound).update(from: from.base + range.lowerBound, count: range.count)
                }
            }
        }
    }

    /// Σ self · other over all elements, accumulated in Double.
    public func dot(_ other: Tensor) -> Double {
        precondition(shape == other.shape)
        var sum = 0.0
        for i in 0..<data.count { sum += Double(data[i]) * Double(other.data[i]) }
        return sum
    }

    /// Largest absolute elementwise difference (for tests and golden comparisons).
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape)
        var worst: Float = 0
        for i in 0..<data.count { worst = max(worst, abs(data[i] - other.data[i])) }
        return worst
    }

    public var minimum: Float { data.min() ?? 0 }
    public var maximum: Float { data.max() ?? 0 }
}
