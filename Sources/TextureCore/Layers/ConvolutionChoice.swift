// ConvolutionChoice: the user-facing name of a convolution algorithm (`--conv direct|winograd`).

/// Which algorithm computes the 3×3 convolutions. Both compute the same function; they differ
/// in the last bits (Winograd's float32 error is bounded in WinogradTests), so provenance
/// records the choice and `reproduce` uses the recorded one.
public enum ConvolutionChoice: String, Sendable, Codable, CaseIterable {
    /// im2col + sgemm: the reference.
    case direct
    /// Winograd F(4×4, 3×3) for 3×3 layers with ≥ 8 input channels, im2col for the rest.
    case winograd

    /// The faster one; it passes the accuracy bounds against direct (see docs/performance.md).
    public static let `default` = ConvolutionChoice.winograd

    public var algorithm: any ConvolutionAlgorithm { algorithm(gram: nil) }

    /// The algorithm, with Winograd's products computed by `products` (nil: this process's
    /// ProductKernel.machine) and its Gram matrices by `gram` (nil: the product kernel). `direct`
    /// always uses OpenBLAS, ssyrk included: it is the reference.
    public func algorithm(gram: GramKernel?, products: ProductKernel? = nil) -> any ConvolutionAlgorithm {
        switch self {
        case .direct: return Im2ColConvolution()
        case .winograd: return WinogradConvolution(products: products ?? .machine, gram: gram ?? .products)
        }
    }
}
