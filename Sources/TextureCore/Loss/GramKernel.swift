// GramKernel: which code computes a run's Gram matrices, OpenBLAS's ssyrk or the run's product kernel.

/// The code behind G = F Fᵀ / M. The two differ in the last bits, so provenance records the one
/// that ran (`machine.gram`) and `reproduce` uses it again.
public enum GramKernel: String, Sendable, Codable, CaseIterable {
    /// OpenBLAS's ssyrk, split as in GramMatrix.compute: `--conv direct` (the reference), every
    /// machine without texstim's own product kernel, and records written before `machine.gram`
    /// existed (which is how `reproduce` reads a record without it).
    case openBLAS = "openblas-ssyrk"
    /// The run's own product kernel (ProductKernel, recorded as `machine.winograd_products`), on
    /// chunks of positions (GramMatrix+ProductKernel.swift): the default with `--conv winograd`.
    case products = "product-kernel"

    /// What actually runs when this kernel is asked for with `products`: the product kernel only
    /// where it is texstim's own code, else ssyrk.
    public func resolved(products: ProductKernel) -> GramKernel {
        self == .products && products.runsOwnCode ? .products : .openBLAS
    }
}
