"""Show every stimulus of a texstim set in PsychoPy, in index.csv order, then close the window.

    python3 examples/psychopy/present_set.py stimuli/demo --frames 60

index.csv is read as a PsychoPy conditions file (psychopy.data.importConditions): one trial
per stimulus, its columns (stimulus, job_id, source, condition, sample, seed, ...) as the
trial's parameters. Each PNG is loaded with load_stimulus (8- or 16-bit, grey or colour,
exactly) and drawn by ImageStim from the array, at its own size in pixels; Escape stops.
This is a viewer to start an experiment from, not an experiment: no fixation, timing or responses.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_stimulus import image_for_imagestim, load_stimulus  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description="Show every stimulus of a texstim set in PsychoPy.")
    parser.add_argument("set", help="the set's folder (with index.csv), e.g. stimuli/demo")
    parser.add_argument("--frames", type=int, default=60, help="frames per stimulus (default 60, 1 s at 60 Hz)")
    parser.add_argument("--window", type=int, nargs=2, default=(800, 600), metavar=("W", "H"), help="window size in pixels")
    parser.add_argument("--fullscreen", action="store_true", help="full screen instead of a window")
    parser.add_argument("--save-frames", metavar="DIR", help="save each stimulus's first frame as DIR/<job_id>.png (what the window showed)")
    return parser.parse_args()


def main():
    args = arguments()
    try:
        from psychopy import core, data, event, visual
    except ImportError as error:
        sys.exit(f"present_set.py needs PsychoPy ({error}). Hint: pip install psychopy, or run it in PsychoPy's own Python.")
    index = os.path.join(args.set, "index.csv")
    if not os.path.exists(index):
        sys.exit(f"{index}: not found. Hint: pass a set folder that `texstim run` wrote (it writes index.csv).")
    trials = data.importConditions(index)
    window = visual.Window(size=args.window, fullscr=args.fullscreen, units="pix", color=0, colorSpace="rgb",
                           allowGUI=False, checkTiming=False)
    try:
        for number, trial in enumerate(trials, start=1):
            unit = load_stimulus(os.path.join(args.set, trial["stimulus"]))
            image = image_for_imagestim(unit)
            stimulus = visual.ImageStim(window, image=image, size=(image.shape[1], image.shape[0]), units="pix")
            for frame in range(args.frames):
                stimulus.draw()
                if frame == 0 and args.save_frames:
                    window.getMovieFrame(buffer="back")  # what the flip below shows
                    os.makedirs(args.save_frames, exist_ok=True)
                    window.saveMovieFrames(os.path.join(args.save_frames, trial["job_id"] + ".png"))
                window.flip()
                if event.getKeys(keyList=["escape"]):
                    print("stopped (Escape)")
                    return
            print(f"[{number}/{len(trials)}] {trial['job_id']}: {unit.shape[1]}x{unit.shape[0]} "
                  f"{'grey' if unit.ndim == 2 else 'colour'}, values {unit.min():.4f}..{unit.max():.4f}, {args.frames} frames")
    finally:
        window.close()
        core.quit()


if __name__ == "__main__":
    main()
