// LBFGSB: the Swift face of Nocedal's L-BFGS-B 3.0 (Debian's liblbfgsb); the only file that calls setulb_.
//
// Reverse communication: setulb_ returns with task "FG" when it wants f(x) and ∇f(x), and with
// "NEW_X" after each completed iteration. We count iterations on NEW_X, as SciPy does, and stop
// by ourselves at the iteration limit (the reference runs with factr = pgtol = 0, so the code's
// own tests only end a run when no further progress is possible).

internal import CLBFGSB
import Foundation
import TextureCore

/// The L-BFGS-B settings a synthesis runs with besides its iteration limit: what setulb_ is
/// given, and what provenance records (`optimizer.memory`, `factr`, `pgtol`). The defaults are
/// the reference's: m = 20 and factr = pgtol = 0, so only the iteration limit (or a stopping
/// rule) ends a run.
public struct OptimizerSettings: Sendable, Codable, Equatable {
    /// Number of correction pairs kept (m), 1…100.
    public var memory: Int
    /// Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ factr · machine epsilon (0: never).
    public var factr: Double
    /// Stop when the largest projected gradient component ≤ pgtol (0: never).
    public var pgtol: Double

    public init(memory: Int = 20, factr: Double = 0, pgtol: Double = 0) {
        self.memory = memory
        self.factr = factr
        self.pgtol = pgtol
    }

    /// Why these settings cannot be given to setulb_ (nil when they can): m sizes its work
    /// arrays, and a negative or non-finite tolerance is meaningless.
    public var problem: (name: String, value: String, hint: String)? {
        if !(1...100).contains(memory) {
            return ("optimizer memory", "\(memory)", "use 1 to 100 correction pairs (20 is the reference)")
        }
        if !(factr >= 0 && factr.isFinite) {
            return ("optimizer factr", "\(factr)", "use a finite factr ≥ 0 (0 is the reference)")
        }
        if !(pgtol >= 0 && pgtol.isFinite) {
            return ("optimizer pgtol", "\(pgtol)", "use a finite pgtol ≥ 0 (0 is the reference)")
        }
        return nil
    }
}

/// One run's settings: the iteration limit, what the algorithm is given (OptimizerSettings) and
/// which code runs it.
public struct LBFGSBSettings: Sendable, Codable, Equatable {
    public var maxIterations: Int
    public var optimizer: OptimizerSettings
    public var code: LBFGSBImplementation

    public init(maxIterations: Int, optimizer: OptimizerSettings, code: LBFGSBImplementation = .default) {
        self.maxIterations = maxIterations
        self.optimizer = optimizer
        self.code = code
    }

    public init(
        maxIterations: Int, memory: Int = 20, factr: Double = 0, pgtol: Double = 0,
        code: LBFGSBImplementation = .default
    ) {
        self.init(
            maxIterations: maxIterations, optimizer: OptimizerSettings(memory: memory, factr: factr, pgtol: pgtol),
            code: code)
    }
}

/// The state after one completed iteration, read from setulb_'s isave/dsave (L-BFGS-B 3.0 layout).
public struct LBFGSBIteration: Sendable, Equatable {
    public var iteration: Int
    public var f: Double
    /// Evaluations of f and ∇f so far (isave(34)).
    public var evaluations: Int
    /// ‖P(x − ∇f) − x‖∞, the projected gradient's largest component (dsave(13)).
    public var projectedGradient: Double
    /// Curvature pairs accepted so far (isave(31)) and skipped for sᵀy ≤ ε‖y‖² (isave(26)).
    public var acceptedUpdates: Int
    public var skippedUpdates: Int
    /// Variables at a bound in this iteration (isave(39)).
    public var activeBounds: Int
    /// Wall seconds so far inside setulb_ (L-BFGS-B's own work) and inside the objective.
    public var optimizerSeconds: Double = 0
    public var objectiveSeconds: Double = 0
    /// texstim's code: times the pairs were forgotten so far (a singular matrix, a failed line
    /// search), after which it starts again from the steepest-descent model. The Fortran does the
    /// same but does not report it (0).
    public var restarts = 0
}

public struct LBFGSBResult: Sendable {
    public var x: [Double]
    public var f: Double
    /// Completed L-BFGS-B iterations.
    public var iterations: Int
    /// Objective + gradient evaluations (line searches take more than one per iteration).
    public var evaluations: Int
    /// Why the run ended: "iteration limit", "stopped", or L-BFGS-B's own task message.
    public var stopReason: String
    /// The last completed iteration's state (nil when none completed).
    public var last: LBFGSBIteration?
    /// texstim's code: times it forgot its pairs and restarted (LBFGSBIteration.restarts); nil for
    /// the Fortran, which does the same without reporting it.
    public var restarts: Int?
}

/// The two codes of L-BFGS-B texstim can run. They compute the same iterates up to rounding (the
/// tests compare them), so which one made a stimulus is recorded like the convolution kernel:
/// `optimizer.algorithm` names it, and `reproduce` runs the recorded one.
public enum LBFGSBImplementation: String, Sendable, Codable, CaseIterable {
    /// Nocedal's L-BFGS-B 3.0 in Fortran (Debian's liblbfgsb), its sums through the system BLAS.
    case fortran
    /// texstim's own code of the same algorithm (TexstimLBFGSB): sums in a fixed order, threaded.
    case texstim

    public static let `default` = LBFGSBImplementation.texstim

    /// What a record's `optimizer.algorithm` says (every record before texstim's code says `fortran`'s).
    public var recordName: String {
        switch self {
        case .fortran: "L-BFGS-B 3.0 (Nocedal; Debian liblbfgsb)"
        case .texstim: "L-BFGS-B 3.0's algorithm (texstim's code)"
        }
    }

    /// The code a record's `optimizer.algorithm` names; nil for a name this texstim does not know.
    public init?(recordName: String) {
        guard let code = Self.allCases.first(where: { $0.recordName == recordName }) else { return nil }
        self = code
    }
}

public enum LBFGSB {
    /// Minimises f over the box lower ≤ x ≤ upper (±infinity for an open side).
    /// - Parameters:
    ///   - objective: returns f(x) and writes ∇f(x) into its second argument.
    ///   - onIteration: called after each iteration (x is then the accepted iterate, and the
    ///     objective's latest evaluation was at x); return false to stop.
    ///   - threads: threads for texstim's code (the Fortran runs on one).
    public static func minimize(
        start: [Double], lower: [Double], upper: [Double], settings: LBFGSBSettings, threads: Int = 1,
        objective: (_ x: [Double], _ gradient: inout [Double]) -> Double,
        onIteration: (LBFGSBIteration) -> Bool = { _ in true }
    ) -> LBFGSBResult {
        if settings.code == .texstim {
            return TexstimLBFGSB.minimize(
                start: start, lower: lower, upper: upper, settings: settings, threads: max(1, threads),
                objective: objective, onIteration: onIteration)
        }
        return fortran(start: start, lower: lower, upper: upper, settings: settings, objective: objective,
                       onIteration: onIteration)
    }

    /// Nocedal's Fortran through setulb_'s reverse communication.
    static func fortran(
        start: [Double], lower: [Double], upper: [Double], settings: LBFGSBSettings,
        objective: (_ x: [Double], _ gradient: inout [Double]) -> Double,
        onIteration: (LBFGSBIteration) -> Bool
    ) -> LBFGSBResult {
        // setulb_ calls ddot, daxpy and dcopy from the system BLAS, which is OpenBLAS here. With
        // its default thread count its workers spin between calls and take the cores from the
        // objective's threads (measured 10% of the CPU time when nothing else had set it).
        BLAS.useOneThread()
        var n = Int32(start.count), m = Int32(settings.optimizer.memory)
        var x = start
        var low = lower.map { $0.isFinite ? $0 : 0 }, high = upper.map { $0.isFinite ? $0 : 0 }
        var nbd = boundTypes(lower: lower, upper: upper)
        var f = 0.0
        var gradient = [Double](repeating: 0, count: start.count)
        var factr = settings.optimizer.factr, pgtol = settings.optimizer.pgtol
        let size = Int(n), memory = Int(m)
        var wa = [Double](repeating: 0, count: 2 * memory * size + 5 * size + 11 * memory * memory + 8 * memory)
        var iwa = [Int32](repeating: 0, count: 3 * size)
        var task = fortranString("START"), csave = fortranString("")
        var iprint: Int32 = -1
        var lsave = [Int32](repeating: 0, count: 4), isave = [Int32](repeating: 0, count: 44)
        var dsave = [Double](repeating: 0, count: 29)
        var iterations = 0, evaluations = 0
        var reason = ""
        var last: LBFGSBIteration?
        // What an iteration costs besides its evaluations (`texstim bench --only iteration`).
        let clock = ContinuousClock()
        var optimizerTime = Duration.zero, objectiveTime = Duration.zero
        while true {
            optimizerTime += clock.measure {
                setulb_(
                    &n, &m, &x, &low, &high, &nbd, &f, &gradient, &factr, &pgtol, &wa, &iwa,
                    &task, &iprint, &csave, &lsave, &isave, &dsave, 60, 60)
            }
            let message = swiftString(task)
            if message.hasPrefix("FG") {
                objectiveTime += clock.measure { f = objective(x, &gradient) }
                evaluations += 1
            } else if message.hasPrefix("NEW_X") {
                iterations += 1
                let state = LBFGSBIteration(
                    iteration: iterations, f: f, evaluations: evaluations, projectedGradient: dsave[12],
                    acceptedUpdates: Int(isave[30]), skippedUpdates: Int(isave[25]), activeBounds: Int(isave[38]),
                    optimizerSeconds: optimizerTime / .seconds(1), objectiveSeconds: objectiveTime / .seconds(1))
                last = state
                if !onIteration(state) { reason = "stopped"; break }
                if iterations >= settings.maxIterations { reason = "iteration limit"; break }
            } else {
                reason = message
                break
            }
        }
        return LBFGSBResult(
            x: x, f: f, iterations: iterations, evaluations: evaluations, stopReason: reason, last: last)
    }

    /// setulb_'s nbd: 0 unbounded, 1 lower only, 2 both, 3 upper only.
    private static func boundTypes(lower: [Double], upper: [Double]) -> [Int32] {
        zip(lower, upper).map { l, u in
            switch (l.isFinite, u.isFinite) {
            case (true, true): return 2
            case (true, false): return 1
            case (false, true): return 3
            case (false, false): return 0
            }
        }
    }

    /// A blank-padded CHARACTER*60 value.
    private static func fortranString(_ text: String) -> [CChar] {
        var bytes = Array(text.utf8.prefix(60)).map { CChar(bitPattern: $0) }
        bytes += [CChar](repeating: 0x20, count: 60 - bytes.count)
        return bytes
    }

    private static func swiftString(_ characters: [CChar]) -> String {
        String(decoding: characters.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
    }
}
