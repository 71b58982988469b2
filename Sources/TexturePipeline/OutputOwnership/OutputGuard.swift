// OutputGuard: a synthesis never writes over one of its inputs, nor over a file texstim did not write.

import Foundation
import TextureImages

enum OutputGuard {
    /// Refuses OUT.png or its sidecar when it is (after resolving links, or as a hard link) the
    /// source or the init image, and, for a single `synthesize`, an existing file there that is
    /// not texstim's (a PNG without texstim provenance, a JSON that is not a record).
    static func check(_ request: SynthesisRequest) throws(PipelineError) {
        let outputs = [request.outputPath, SynthesisJob.sidecarPath(for: request.outputPath)]
        let inputs =
            [("source image", request.sourcePath)]
            + (request.parameters.initImage.map { [("init image", $0)] } ?? [])
        for output in outputs {
            for (role, input) in inputs where sameFile(output, input) {
                throw .outputIsInput(output: output, input: input, role: role)
            }
        }
        // In a set, the set folder is texstim's (SetFolder) and its files are redone when stale.
        guard request.job == nil else { return }
        if let data = FileManager.default.contents(atPath: outputs[0]),
            PNGFile.provenanceText(data).flatMap({ try? StimulusRecord.decode($0) }) == nil
        {
            throw .image(
                .outputNotWritable(
                    path: outputs[0],
                    reason: "the file exists and was not written by texstim (no texstim provenance); "
                        + "texstim never writes over a file it did not write"))
        }
        if let text = try? String(contentsOfFile: outputs[1], encoding: .utf8),
            (try? StimulusRecord.decode(text)) == nil
        {
            throw .image(
                .outputNotWritable(
                    path: outputs[1],
                    reason: "the sidecar path holds a file that is not a texstim record; "
                        + "texstim never writes over a file it did not write"))
        }
    }

    /// Whether two paths name one file: the same inode when both exist, else the same resolved path.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        if stat(a, &first) == 0 && stat(b, &second) == 0 {
            return first.st_dev == second.st_dev && first.st_ino == second.st_ino
        }
        return resolved(a) == resolved(b)
    }

    /// The absolute path with the links of its existing folder resolved.
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().path
        guard let real = realpath(folder, nil) else { return url.path }
        defer { free(real) }
        return (String(cString: real) as NSString).appendingPathComponent(url.lastPathComponent)
    }
}
