// TorchStateDict: the convolution tensors of a PyTorch zip checkpoint (torch.save's format since 1.6).
//
// The pickle (RestrictedUnpickler) says, per tensor, which storage entry holds it, at which
// element offset, with which shape and strides; every one of those numbers comes from the file
// and is checked against the storage's bytes before a value is read.

import Foundation
import TextureCore

enum TorchStateDict {
    static func read(_ data: Data, path: String) throws(WeightsError) -> [String: NamedTensor] {
        let archive = try ZipArchive(data, path: path)
        guard let pickle = archive.entries.keys.first(where: { $0.hasSuffix("/data.pkl") || $0 == "data.pkl" }) else {
            throw failure(path, "no data.pkl inside the zip archive")
        }
        let prefix = String(pickle.dropLast("data.pkl".count))
        var unpickler = RestrictedUnpickler(try archive.contents(pickle), path: path)
        guard case .dict(let entries) = try unpickler.load() else {
            throw failure(path, "data.pkl does not hold a state_dict")
        }
        var tensors: [String: NamedTensor] = [:]
        for (name, value) in entries {
            guard case .tensor(let tensor) = value else { continue }
            // Only the convolutions are read (classifier.* tensors are large and unused).
            guard name.contains("features.") else { continue }
            let storage = try archive.contents("\(prefix)data/\(tensor.storageKey)")
            let values = try read(tensor, name: name, storage: storage, path: path)
            tensors[name] = try WeightsImport.checkedValues(
                NamedTensor(name: name, shape: tensor.shape, values: values), path: path)
        }
        return tensors
    }

    static func failure(_ path: String, _ reason: String) -> WeightsError {
        .corruptFile(path: path, format: "PyTorch checkpoint", reason: reason)
    }

    /// The tensor's values: a contiguous run of `count` elements from element `offset` of the
    /// storage, every bound checked (a negative offset would read the bytes before the buffer).
    static func read(_ tensor: PickledTensor, name: String, storage: Data, path: String) throws(WeightsError) -> [Float]
    {
        guard let count = CheckedSize.elements(tensor.shape) else {
            throw failure(path, "tensor '\(name)': shape \(tensor.shape) has a negative dimension or too many elements")
        }
        let contiguous = tensor.shape.indices.map { CheckedSize.elements(Array(tensor.shape[($0 + 1)...])) ?? -1 }
        guard tensor.stride == contiguous || count <= 1 else {
            throw failure(path, "tensor '\(name)' is not contiguous (stride \(tensor.stride))")
        }
        let width = tensor.storageType == "torch.HalfStorage" ? 2 : 4
        guard tensor.offset >= 0, let end = CheckedSize.sum(tensor.offset, count),
            let endByte = CheckedSize.bytes([end], width: width), endByte <= storage.count
        else {
            throw failure(
                path,
                "tensor '\(name)': storage offset \(tensor.offset) + \(count) elements of \(width) bytes "
                    + "lie outside its storage of \(storage.count) bytes (truncated or damaged?)")
        }
        return storage.withUnsafeBytes { raw in
            (0..<count).map { i in
                let at = (tensor.offset + i) * width
                return width == 4
                    ? Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                    : Float(
                        Float16(
                            bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))))
            }
        }
    }
}
