// CheckedSize: element and byte counts of shapes read from files, without trapping on overflow.
//
// A shape such as [2^32, 2^32] or [2^62] multiplies past Int.max; Swift traps on that, so every
// reader computes sizes here and turns nil into an error that names the file and the tensor.

public enum CheckedSize {
    /// The number of elements of `shape`, or nil when a dimension is negative or the product overflows.
    public static func elements(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// `elements(shape) · width` bytes, or nil on a negative dimension or overflow.
    public static func bytes(_ shape: [Int], width: Int) -> Int? {
        guard let count = elements(shape) else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: width)
        return overflow ? nil : product
    }

    /// a + b, or nil on overflow.
    public static func sum(_ a: Int, _ b: Int) -> Int? {
        let (total, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : total
    }
}
