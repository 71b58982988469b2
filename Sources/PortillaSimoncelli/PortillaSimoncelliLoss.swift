// PortillaSimoncelliLoss: the weighted squared error between an image's statistics and a source's, and its gradient (plenoptic's synthesis loss, squared).

import TextureCore

/// L(x) = Σ_g Σ_{i kept in g} (w_{g,i} (s_{g,i}(x) − t_{g,i}))², the squared weighted L2 distance
/// between the statistic vector of x and that of the source t, over plenoptic's vector (the kept
/// entries of its 11 groups; texstim's `magnitude_means` is not in it).
///
/// The weights are plenoptic 2.1.1's `portilla_simoncelli_loss_factory`: 1 for every statistic,
/// except 0 for the image's min and max (`pixel_statistics` entries 4 and 5) and 100 for
/// `var_highpass_residual`. plenoptic's loss is the norm ‖w ⊙ (s − t)‖₂ itself; texstim minimises
/// its square (same minimiser, smooth at 0, and the quadratic L-BFGS-B models best); `norm` is
/// plenoptic's value, √L.
public struct PortillaSimoncelliLoss: Sendable {
    public let model: PortillaSimoncelliModel
    /// The source's groups (full arrays).
    public let target: [StatisticGroup]
    /// Per group, a weight per entry of the full array: 0 where plenoptic's vector has no entry.
    public let weights: [[Double]]

    /// plenoptic's default weights (see the type's comment), times `reweighting[group]` when given.
    public init(model: PortillaSimoncelliModel, source: RealPlane, reweighting: [String: Double] = [:]) {
        self.model = model
        target = model.statistics(of: source)
        weights = target.map { group in
            var w = [Double](repeating: 0, count: group.values.count)
            guard StatisticLayout.plenopticGroupNames.contains(group.name) else { return w }
            for i in group.kept { w[i] = reweighting[group.name] ?? 1 }
            if group.name == "pixel_statistics" && reweighting[group.name] == nil { (w[4], w[5]) = (0, 0) }
            if group.name == "var_highpass_residual" && reweighting[group.name] == nil { w[0] = 100 }
            return w
        }
    }

    /// L per group (layers: the group names) and in total.
    public func loss(_ image: RealPlane) -> LossBreakdown { breakdown(model.statistics(of: image)).0 }

    /// L and ∂L/∂x: ∂L/∂s_{g,i} = 2 w² (s − t), then `PortillaSimoncelliModel.backward`.
    public func lossAndGradient(_ image: RealPlane) -> (LossBreakdown, RealPlane) {
        let tape = model.record(image)
        let (loss, dGroups) = breakdown(tape.groups)
        return (loss, model.backward(tape, dGroups: dGroups))
    }

    /// plenoptic's loss value ‖w ⊙ (s − t)‖₂ of a breakdown: √L.
    public static func norm(_ loss: LossBreakdown) -> Double { loss.total.squareRoot() }

    private func breakdown(_ groups: [StatisticGroup]) -> (LossBreakdown, [[Double]]) {
        var layers: [String: Double] = [:], total = 0.0
        var gradients: [[Double]] = []
        for (g, group) in groups.enumerated() {
            precondition(group.name == target[g].name)
            var sum = 0.0
            var gradient = [Double](repeating: 0, count: group.values.count)
            for i in group.kept where weights[g][i] != 0 {
                let w = weights[g][i], difference = group.values[i] - target[g].values[i]
                sum += w * w * difference * difference
                gradient[i] = 2 * w * w * difference
            }
            if StatisticLayout.plenopticGroupNames.contains(group.name) { layers[group.name] = sum }
            total += sum
            gradients.append(gradient)
        }
        return (LossBreakdown(layers: layers, total: total), gradients)
    }
}
