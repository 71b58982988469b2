// ValidationHTML+SetPlan: the HTML report of a planned set: its conditions, its sources and their
// prepared pixels, as TextureValidation's renderer takes them.

import TextureCore
import TextureImages
import TextureSynthesis
import TextureValidation

extension ValidationHTML {
    public static func render(_ report: ValidationReport, plan: SetPlan, reportPath: String) -> String {
        render(report, conditions: plan.manifest.conditions.map(\.name), sources: plan.manifest.sources.map(\.id),
               reportPath: reportPath) { id in preparedSource(id, plan: plan) }
    }

    /// The source's pixels as the first of its jobs prepared them for synthesis.
    static func preparedSource(_ id: String, plan: SetPlan) -> Tensor? {
        guard let job = plan.jobs.first(where: { $0.sourceId == id }),
              let image = try? ImageFile.load(path: job.sourcePath) else { return nil }
        let p = job.parameters
        let rgb = ImagePreparation.prepareSource(image.pixels, size: p.size, crop: p.crop, grey: p.grey)
        return p.grey ? ImagePreparation.luma(rgb) : rgb
    }
}
