// SetPlanner+Window: a manifest's aperture window checked against each stimulus's side at plan time.

import TextureCore
import TextureSynthesis

extension SetPlanner.Planning {
    /// Reports, once per stimulus size, a `postprocess.window` that does not fit the stimuli of
    /// that size (an aperture beyond the image, a ramp that fills it), naming the jobs' sources
    /// and conditions: found before any synthesis, not by every job failing.
    mutating func checkWindow() {
        guard let window = manifest.window else { return }
        var problems: [String: (problem: String, jobs: [String])] = [:]
        var order: [String] = []
        for job in jobs {
            guard let (shape, _) = shapes[job.sourceId] else { continue }
            let p = job.parameters
            let height = p.outputSize ?? p.size ?? shape.height, width = p.outputSize ?? p.size ?? shape.width
            guard let problem = window.problem(height: height, width: width) else { continue }
            let key = "\(width)×\(height)"
            if problems[key] == nil { order.append(key) }
            let what = "\(job.sourceId) in \(job.condition)"
            if !(problems[key]?.jobs.contains(what) ?? false) {
                problems[key, default: (problem, [])].jobs.append(what)
            }
        }
        for key in order {
            let (problem, jobs) = problems[key]!
            report(
                manifest.windowMark ?? ManifestMark(line: 0, column: 0), "postprocess.window",
                "\(problem) (source \(jobs.joined(separator: ", ")))",
                hint: "the aperture and its ramp must lie inside every stimulus: use a smaller radius, size or ramp, "
                    + "or a larger size/output_size")
        }
    }
}
