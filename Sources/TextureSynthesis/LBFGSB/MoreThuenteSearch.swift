// MoreThuenteSearch: the line search of Moré & Thuente (1994) that L-BFGS-B uses (MINPACK-2's dcsrch and dcstep).
//
// It looks for a step α with the strong Wolfe conditions
//     φ(α) ≤ φ(0) + ftol·α·φ′(0)   and   |φ′(α)| ≤ gtol·|φ′(0)|,
// keeping an interval of uncertainty [stx, sty] and choosing trial steps by cubic and quadratic
// interpolation of φ and φ′. L-BFGS-B calls it with ftol = 1e-3, gtol = 0.9, xtol = 0.1.

struct MoreThuenteSearch {
    enum Outcome: Equatable {
        /// Evaluate φ at `step` and call `next` again.
        case evaluate
        /// The conditions hold at `step`.
        case converged
        /// The search cannot make progress (rounding, the interval too narrow, a step limit).
        case warning(String)
    }

    let ftol = 1e-3, gtol = 0.9, xtol = 0.1
    let stepMin: Double, stepMax: Double
    private(set) var step: Double
    private var bracketed = false, stage = 1
    private let initialValue: Double, initialSlope: Double, slopeTest: Double
    private var width: Double, previousWidth: Double
    private var stx = 0.0, fx: Double, gx: Double
    private var sty = 0.0, fy: Double, gy: Double
    private var intervalMin = 0.0, intervalMax: Double

    /// Starts a search at `step` from φ(0) = `value` with φ′(0) = `slope` < 0.
    init(step: Double, value: Double, slope: Double, stepMin: Double, stepMax: Double) {
        self.step = step
        self.stepMin = stepMin
        self.stepMax = stepMax
        initialValue = value
        initialSlope = slope
        slopeTest = ftol * slope
        width = stepMax - stepMin
        previousWidth = width / 0.5
        fx = value; gx = slope; fy = value; gy = slope
        intervalMax = step + 4 * step
    }

    /// Takes φ(step) and φ′(step); returns what to do next (`step` then holds the next trial).
    mutating func next(value f: Double, slope g: Double) -> Outcome {
        guard f.isFinite && g.isFinite else {
            // Overflow or NaN at this step (the Fortran would carry the NaN on): halve the step
            // towards the best one so far, and let the caller's trial limit end a hopeless search.
            step = stx + 0.5 * (step - stx)
            return step > stepMin ? .evaluate : .warning("STP = STPMIN")
        }
        let test = initialValue + step * slopeTest
        if stage == 1 && f <= test && g >= 0 { stage = 2 }
        if bracketed && (step <= intervalMin || step >= intervalMax) {
            return .warning("ROUNDING ERRORS PREVENT PROGRESS")
        }
        if bracketed && intervalMax - intervalMin <= xtol * intervalMax { return .warning("XTOL TEST SATISFIED") }
        if step == stepMax && f <= test && g <= slopeTest { return .warning("STP = STPMAX") }
        if step == stepMin && (f > test || g >= slopeTest) { return .warning("STP = STPMIN") }
        if f <= test && abs(g) <= gtol * -initialSlope { return .converged }
        if stage == 1 && f <= fx && f > test {
            // The modified function ψ(α) = φ(α) − φ(0) − ftol·α·φ′(0) until a step with ψ ≤ 0 and φ′ ≥ 0.
            var fxm = fx - stx * slopeTest, gxm = gx - slopeTest
            var fym = fy - sty * slopeTest, gym = gy - slopeTest
            let fm = f - step * slopeTest
            MoreThuenteStep.take(
                stx: &stx, fx: &fxm, dx: &gxm, sty: &sty, fy: &fym, dy: &gym, step: &step,
                fp: fm, dp: g - slopeTest, bracketed: &bracketed,
                stepMin: intervalMin, stepMax: intervalMax)
            fx = fxm + stx * slopeTest; fy = fym + sty * slopeTest
            gx = gxm + slopeTest; gy = gym + slopeTest
        } else {
            MoreThuenteStep.take(
                stx: &stx, fx: &fx, dx: &gx, sty: &sty, fy: &fy, dy: &gy, step: &step, fp: f, dp: g,
                bracketed: &bracketed, stepMin: intervalMin, stepMax: intervalMax)
        }
        if bracketed {
            // Bisect when the interval did not shrink enough over the last two trials.
            if abs(sty - stx) >= 0.66 * previousWidth { step = stx + 0.5 * (sty - stx) }
            previousWidth = width
            width = abs(sty - stx)
            intervalMin = min(stx, sty)
            intervalMax = max(stx, sty)
        } else {
            intervalMin = step + 1.1 * (step - stx)
            intervalMax = step + 4 * (step - stx)
        }
        step = min(max(step, stepMin), stepMax)
        if bracketed && (step <= intervalMin || step >= intervalMax)
            || bracketed && intervalMax - intervalMin <= xtol * intervalMax
        {
            step = stx
        }
        return .evaluate
    }
}

/// One safeguarded step of the search (MINPACK-2's dcstep): updates the interval [stx, sty]
/// with the trial (step, fp, dp) and chooses the next trial step.
enum MoreThuenteStep {
    // swiftlint:disable:next function_parameter_count
    static func take(
        stx: inout Double, fx: inout Double, dx: inout Double, sty: inout Double, fy: inout Double,
        dy: inout Double, step: inout Double, fp: Double, dp: Double, bracketed: inout Bool,
        stepMin: Double, stepMax: Double
    ) {
        let sgnd = dp * (dx / abs(dx))
        let next: Double
        if fp > fx {
            // A higher value: the minimum is bracketed; the cubic step, or halfway to the quadratic one.
            let cubic = cubicStep(from: stx, fx, dx, to: step, fp, dp, towardStep: true)
            let quadratic = stx + ((dx / ((fx - fp) / (step - stx) + dx)) / 2) * (step - stx)
            next = abs(cubic - stx) < abs(quadratic - stx) ? cubic : cubic + (quadratic - cubic) / 2
            bracketed = true
        } else if sgnd < 0 {
            // The slopes differ in sign: bracketed; the step farther from `step`.
            let cubic = cubicStep(from: step, fp, dp, to: stx, fx, dx, towardStep: false)
            let secant = step + (dp / (dp - dx)) * (stx - step)
            next = abs(cubic - step) > abs(secant - step) ? cubic : secant
            bracketed = true
        } else if abs(dp) < abs(dx) {
            next = shrinkingSlopeStep(
                stx: stx, fx: fx, dx: dx, sty: sty, step: step, fp: fp, dp: dp, bracketed: bracketed,
                stepMin: stepMin, stepMax: stepMax)
        } else if bracketed {
            next = cubicStep(from: step, fp, dp, to: sty, fy, dy, towardStep: false)
        } else {
            next = step > stx ? stepMax : stepMin
        }
        if fp > fx {
            sty = step; fy = fp; dy = dp
        } else {
            if sgnd < 0 { sty = stx; fy = fx; dy = dx }
            stx = step; fx = fp; dx = dp
        }
        step = next
    }

    /// The minimiser of the cubic through (a, fa, da) and (b, fb, db), written from b's side as
    /// dcstep does: b + r (a − b) (or a + r (b − a) when `towardStep`, dcstep's first case).
    static func cubicStep(
        from a: Double, _ fa: Double, _ da: Double, to b: Double, _ fb: Double, _ db: Double, towardStep: Bool
    ) -> Double {
        if towardStep {
            // Case 1 of dcstep: a = stx, b = stp.
            let theta = 3 * (fa - fb) / (b - a) + da + db
            let s = max(abs(theta), abs(da), abs(db))
            var gamma = s * ((theta / s) * (theta / s) - (da / s) * (db / s)).squareRoot()
            if b < a { gamma = -gamma }
            let p = (gamma - da) + theta, q = ((gamma - da) + gamma) + db
            return a + (p / q) * (b - a)
        }
        // Cases 2 and 4: a = stp with slope da, b = stx or sty.
        let theta = 3 * (fb - fa) / (a - b) + db + da
        let s = max(abs(theta), abs(db), abs(da))
        var gamma = s * ((theta / s) * (theta / s) - (db / s) * (da / s)).squareRoot()
        if a > b { gamma = -gamma }
        let p = (gamma - da) + theta, q = ((gamma - da) + gamma) + db
        return a + (p / q) * (b - a)
    }

    /// dcstep's third case: a lower value, slopes of one sign, the slope's magnitude shrinking.
    static func shrinkingSlopeStep(
        stx: Double, fx: Double, dx: Double, sty: Double, step: Double, fp: Double, dp: Double, bracketed: Bool,
        stepMin: Double, stepMax: Double
    ) -> Double {
        let theta = 3 * (fx - fp) / (step - stx) + dx + dp
        let s = max(abs(theta), abs(dx), abs(dp))
        var gamma = s * max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
        if step > stx { gamma = -gamma }
        let p = (gamma - dp) + theta, q = (gamma + (dx - dp)) + gamma
        let r = p / q
        let cubic: Double
        if r < 0 && gamma != 0 {
            cubic = step + r * (stx - step)
        } else {
            cubic = step > stx ? stepMax : stepMin
        }
        let secant = step + (dp / (dp - dx)) * (stx - step)
        if bracketed {
            let chosen = abs(cubic - step) < abs(secant - step) ? cubic : secant
            return step > stx ? min(step + 0.66 * (sty - step), chosen) : max(step + 0.66 * (sty - step), chosen)
        }
        let chosen = abs(cubic - step) > abs(secant - step) ? cubic : secant
        return max(stepMin, min(stepMax, chosen))
    }
}
