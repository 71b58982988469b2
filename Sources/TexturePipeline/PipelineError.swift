// PipelineError: errors of the pipeline's commands (and the errors of the modules it uses, wrapped);
// each names the file, the field and a fix.

import TextureCore
import TextureImages
import TextureSynthesis
import TextureWeights

public enum PipelineError: Error, Equatable, CustomStringConvertible {
    /// A file that cannot be read or written, or an image that cannot be decoded (TextureImages).
    case image(ImageFileError)
    /// A weights file that cannot be read, imported or used (TextureWeights).
    case weights(WeightsError)
    case invalidArgument(name: String, value: String, hint: String)
    case core(TextureCoreError)
    case manifest(ManifestError)
    case runLocked(path: String)
    case jobsFailed(count: Int, total: Int)
    case cancelled
    case synthesis(SynthesisError)
    case notConverged(path: String, detail: String)
    /// A recorded input (source, manifest) found nowhere; `tried` lists each place and why.
    case inputNotFound(role: String, recorded: String, tried: [String], hint: String)
    /// A folder below the output root is a symbolic link (texstim never writes through one).
    case symbolicLink(path: String, target: String, root: String)
    /// The output folder holds files texstim did not write (a few of them; `more` when there are others).
    case foreignFiles(folder: String, files: [String], more: Bool)
    /// The output folder is marked as another set's.
    case otherSet(folder: String, owner: String, set: String)
    /// An output path is one of the inputs (`role`: source image, init image).
    case outputIsInput(output: String, input: String, role: String)
    /// A job whose estimated peak memory is above what the machine has (see MachineMemory).
    case memoryExceeded(what: String, detail: String, estimate: Int, limit: Int, limitSource: String, hint: String)
    /// A value that a tab-separated file cannot hold (a tab or line break; BIDS TSV has no quoting).
    case tableValue(file: String, column: String, row: String, value: String)
    /// A file texstim would create already exists (texstim does not overwrite it).
    case fileExists(path: String, hint: String)
    /// A folder that is not a stimulus set (no index.json, or unreadable); `problem` says which.
    case notASet(path: String, problem: String, hint: String)

    public var description: String {
        switch self {
        case .image(let error): return error.description
        case .weights(let error): return error.description
        case .invalidArgument(let name, let value, let hint):
            return "\(name): invalid value '\(value)'. Hint: \(hint)"
        case .core(let error): return error.description
        case .manifest(let error): return error.description
        case .runLocked(let path):
            return
                "\(path): another texstim run is writing this set. Hint: wait for it to finish (a lock from a run that died is released by the system)."
        case .jobsFailed(let count, let total):
            return
                "\(count) of \(total) jobs failed (see the messages above). Hint: rerun the same command to redo only those."
        case .cancelled:
            return "interrupted; finished stimuli are kept. Hint: rerun the same command to resume."
        case .synthesis(let error): return error.description
        case .notConverged(let path, let detail):
            return
                "\(path): \(detail). The file is kept for inspection and its provenance says converged: false; do not use it as a "
                + "stimulus. Hint: more iterations, another seed, or more layers; see the loss trace in the sidecar."
        case .inputNotFound(let role, let recorded, let tried, let hint):
            return "\(recorded): \(role) not found; looked at " + tried.joined(separator: "; ") + ". Hint: \(hint)."
        case .symbolicLink(let path, let target, let root):
            return
                "\(path): is a symbolic link (to \(target)) inside the output folder \(root); texstim does not write through links. "
                + "Hint: replace the link with a real folder, or point --output at the folder the link leads to."
        case .foreignFiles(let folder, let files, let more):
            return
                "\(folder): the output folder holds files texstim did not write: \(files.joined(separator: ", "))\(more ? ", …" : ""). "
                + "Hint: choose a new or empty folder (e.g. stimuli/<set name>), or move those files away; texstim never writes over them."
        case .otherSet(let folder, let owner, let set):
            return "\(folder): the output folder holds the set '\(owner)' (\(SetFolder.markerName)), not '\(set)'. "
                + "Hint: choose another folder with --output (or output: in the manifest)."
        case .outputIsInput(let output, let input, let role):
            return "\(output): the output would overwrite the \(role) \(input). Hint: choose another --out path."
        case .memoryExceeded(let what, let detail, let estimate, let limit, let limitSource, let hint):
            return "\(what): needs about \(MachineMemory.format(estimate)) of memory (\(detail)), but this machine has "
                + "\(MachineMemory.format(limit)) (\(limitSource)); texstim refuses it rather than be killed midway. Hint: \(hint)."
        case .tableValue(let file, let column, let row, let value):
            return
                "\(file): column '\(column)' of row '\(row)' would hold \(value.debugDescription), which has a tab or line break; "
                + "a BIDS TSV file cannot quote it. Hint: rename the source or condition so that no id or path has tabs or line breaks."
        case .fileExists(let path, let hint):
            return "\(path): already exists; texstim does not overwrite it. Hint: \(hint)."
        case .notASet(let path, let problem, let hint):
            return "\(path): not a stimulus set (\(problem)). Hint: \(hint)."
        }
    }
}

extension PipelineError {
    /// A weights error as the pipeline reports it: its core and file errors as the pipeline's own
    /// `.core` and `.image`, so that one problem has one case whichever module found it.
    public init(_ error: WeightsError) {
        switch error {
        case .core(let error): self = .core(error)
        case .file(let error): self = .image(error)
        default: self = .weights(error)
        }
    }
}
