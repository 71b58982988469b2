"""PyTorch reference for `texstim bench`: one loss + gradient evaluation of the Gatys texture
loss through VGG-19 with average pooling, timed the way texstim times it.

The computation matches texstim's (see Sources/TextureCore/Loss/TextureLoss.swift):
  features: VGG-19 convolutions (3×3, padding 1, ReLU) and 2×2 average pools, up to the cutoff;
  G_l = F_l F_lᵀ / M_l;  E_l = Σ (G_l − Ĝ_l)² / (4 N_l²);  L = 1e9 · Σ_l E_l over the Gatys
  layers up to the cutoff (conv1_1, pool1, pool2, pool3, pool4);
  one evaluation = forward + backward to the input image (weights frozen).
Weights are random (He initialisation): the cost does not depend on their values. Tensors are
channels-last by default (oneDNN's fastest eager layout here); --memory-format contiguous
times NCHW. Prints one JSON object.

Usage: python bench/pytorch_reference.py --sizes 128,256,512 --threads 2
"""

import argparse
import json
import platform
import statistics
import time

import torch

WIDTHS = [64, 128, 256, 512, 512]
CONVOLUTIONS_PER_BLOCK = [2, 2, 4, 4, 4]
GATYS_LAYERS = ["conv1_1", "pool1", "pool2", "pool3", "pool4"]


def build_stages(generator):
    """[(name, module)] for conv1_1 … pool5, with He-initialised weights and zero biases."""
    stages, channels = [], 3
    for block, count in enumerate(CONVOLUTIONS_PER_BLOCK):
        for index in range(1, count + 1):
            conv = torch.nn.Conv2d(channels, WIDTHS[block], 3, padding=1)
            with torch.no_grad():
                fan_in = channels * 9
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=generator) * (2 / fan_in) ** 0.5)
                conv.bias.zero_()
            conv.requires_grad_(False)
            stages.append((f"conv{block + 1}_{index}", conv))
            channels = WIDTHS[block]
        stages.append((f"pool{block + 1}", torch.nn.AvgPool2d(2)))
    return stages


def features(stages, image, layers, cutoff):
    """The feature maps of `layers` (post-ReLU for convolutions), computed up to `cutoff`."""
    found, x = {}, image
    for name, module in stages:
        x = module(x)
        if name.startswith("conv"):
            x = torch.relu(x)
        if name in layers:
            found[name] = x
        if name == cutoff:
            break
    return [found[name] for name in layers]


def gram(feature):
    n, c, h, w = feature.shape
    flat = feature.reshape(c, h * w)
    return flat @ flat.t() / (h * w)


def time_case(stages, size, cutoff, memory_format, repeats, warmups):
    layers = GATYS_LAYERS[: GATYS_LAYERS.index(cutoff) + 1]
    generator = torch.Generator().manual_seed(7)
    source = (torch.rand(1, 3, size, size, generator=generator) * 255 - 120).contiguous(memory_format=memory_format)
    with torch.no_grad():
        targets = [gram(f) for f in features(stages, source, layers, cutoff)]
    image = (torch.rand(1, 3, size, size, generator=generator) * 255 - 120).contiguous(memory_format=memory_format)
    image.requires_grad_(True)

    def evaluate():
        image.grad = None
        loss = 0
        for feature, target in zip(features(stages, image, layers, cutoff), targets):
            channels = feature.shape[1]
            loss = loss + 1e9 * ((gram(feature) - target) ** 2).sum() / (4 * channels**2)
        loss.backward()
        return loss.item()

    seconds = []
    for run in range(warmups + repeats):
        start = time.perf_counter()
        evaluate()
        if run >= warmups:
            seconds.append(time.perf_counter() - start)
    return {
        "size": size,
        "cutoff": cutoff,
        "median_seconds": statistics.median(seconds),
        "min_seconds": min(seconds),
        "max_seconds": max(seconds),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="128,256,512")
    parser.add_argument("--cutoffs", default=",".join(GATYS_LAYERS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--memory-format", choices=["channels_last", "contiguous"], default="channels_last")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    memory_format = torch.channels_last if args.memory_format == "channels_last" else torch.contiguous_format
    stages = build_stages(torch.Generator().manual_seed(0))
    for _, module in stages:
        module.to(memory_format=memory_format)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        for cutoff in args.cutoffs.split(","):
            rows.append(time_case(stages, size, cutoff, memory_format, args.repeats, args.warmups))
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "memory_format": args.memory_format,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "machine": platform.processor() or platform.machine(),
        "rows": rows,
    }, indent=2))


if __name__ == "__main__":
    main()
