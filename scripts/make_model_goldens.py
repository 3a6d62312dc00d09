#!/usr/bin/env python3
"""Writes parity goldens for saccade's model zoo from the official TSM code (mit-han-lab/temporal-shift-module).

The official `ops.models.TSN` is imported from a checkout made outside this repository (--tsm-repo). It builds
TSN/TSM on MobileNetV2 (and, with --resnet18, on torchvision's ResNet-18), randomises the weights, gives every
BatchNorm non-trivial running statistics with a few train-mode forwards, and saves:

  <name>.pth              the state dict as the official training script saves it: {'state_dict': {'module.'+key: tensor}}
  <name>_logits.npy       eval-mode logits (N, K) for clip.npy
  <name>_tsn_logits.npy   eval-mode logits of the same weights in the plain TSN (no shift), keys without '.net'
  <name>_train.npz        one training step on clip.npy / labels.npy (train mode, dropout 0): loss, gradients of a
                          few parameters, their values after one SGD step (lr 0.01, momentum 0.9, wd 5e-4), and a
                          BatchNorm running mean after the train-mode forward
  clip.npy, labels.npy    the input (N, T, 3, H, W) float32 and the labels (N,) int64

ResNet-18 weights are 45 MB, too large to commit, so --resnet18 is opt-in for local checks; MobileNetV2 (2.2 M
parameters with a 10-way head, 9 MB) is what the repository carries. torchvision is needed for ResNet (the official
code also imports it for its transforms); without it only MobileNetV2 can be built, with a stub for that import.

Usage: python3 scripts/make_model_goldens.py --tsm-repo /path/to/temporal-shift-module [--resnet18]
"""
import argparse
import os
import sys
import types

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "models", "zoo", "src", "test", "resources", "goldens", "models")
N, T, SIZE, CLASSES = 2, 4, 64, 10
GRAD_KEYS = {
    "mobilenetv2": ["base_model.features.0.0.weight", "base_model.features.3.conv.0.net.weight",
                    "base_model.features.3.conv.1.weight", "base_model.features.16.conv.6.weight",
                    "new_fc.weight", "new_fc.bias"],
    "resnet18": ["base_model.conv1.weight", "base_model.layer1.0.conv1.net.weight", "base_model.layer1.0.bn1.weight",
                 "base_model.layer4.1.conv2.weight", "new_fc.weight", "new_fc.bias"],
}
RUNNING_KEY = {"mobilenetv2": "base_model.features.3.conv.1.running_mean", "resnet18": "base_model.layer2.0.bn1.running_mean"}


def import_official(repo):
    sys.path.insert(0, repo)
    try:
        import torchvision  # noqa: F401
    except ImportError:
        stub = types.ModuleType("torchvision")   # ops/transforms.py imports it; MobileNetV2 does not use it
        sys.modules["torchvision"] = stub
    from ops.models import TSN
    # The official MobileNetV2 branch reads self.print_spec, which TSN.__init__ never stores; a class attribute
    # stands in for it.
    TSN.print_spec = False
    return TSN


def build(TSN, arch, shift):
    model = TSN(CLASSES, T, "RGB", base_model=arch, pretrain="", is_shift=shift, shift_div=8, shift_place="blockres",
                dropout=0.5, partial_bn=False, print_spec=False)
    return model


def randomise(model, gen):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:   # BatchNorm γ / β and biases
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=gen) if name.endswith("weight") else 0.1 * torch.randn(p.shape, generator=gen))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=gen) * (2.0 / fan_in) ** 0.5)
    model.train()
    for _ in range(3):   # non-trivial running statistics
        with torch.no_grad():
            model(torch.randn(N, T * 3, SIZE, SIZE, generator=gen) * 1.5 + 0.2)


def unshifted(state):
    return {k.replace(".net.", "."): v for k, v in state.items()}


def save_npy(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array))


def make(TSN, arch, clip, labels, seed):
    gen = torch.Generator().manual_seed(seed)
    tsm = build(TSN, arch, True)
    randomise(tsm, gen)
    state = {k: v.clone() for k, v in tsm.state_dict().items()}
    torch.save({"epoch": 1, "arch": arch, "state_dict": {"module." + k: v for k, v in state.items()}},
               os.path.join(OUT, "tsm_%s.pth" % arch), _use_new_zipfile_serialization=True)
    x = torch.from_numpy(clip)
    tsm.eval()
    with torch.no_grad():
        save_npy("tsm_%s_logits.npy" % arch, tsm(x.view(N, T * 3, SIZE, SIZE)).numpy())
    tsn = build(TSN, arch, False)
    tsn.load_state_dict(unshifted(state))
    tsn.eval()
    with torch.no_grad():
        save_npy("tsm_%s_tsn_logits.npy" % arch, tsn(x.view(N, T * 3, SIZE, SIZE)).numpy())

    # One training step, dropout off so that it is deterministic.
    tsm.load_state_dict(state)
    for m in tsm.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    tsm.train()
    params = dict(tsm.named_parameters())
    opt = torch.optim.SGD(tsm.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    opt.zero_grad()
    loss = nn.functional.cross_entropy(tsm(x.view(N, T * 3, SIZE, SIZE)), torch.from_numpy(labels))
    loss.backward()
    out = {"loss": np.array([loss.item()], dtype=np.float32),
           "running:" + RUNNING_KEY[arch]: tsm.state_dict()[RUNNING_KEY[arch]].numpy().copy()}
    for k in GRAD_KEYS[arch]:
        out["grad:" + k] = params[k].grad.numpy().copy()
    opt.step()
    for k in GRAD_KEYS[arch]:
        out["after:" + k] = params[k].detach().numpy().copy()
    np.savez(os.path.join(OUT, "tsm_%s_train.npz" % arch), **out)
    print(arch, "loss", loss.item(), "logits", np.load(os.path.join(OUT, "tsm_%s_logits.npy" % arch))[0, :4])


def main():
    global OUT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tsm-repo", required=True, help="checkout of mit-han-lab/temporal-shift-module")
    ap.add_argument("--resnet18", action="store_true", help="also write ResNet-18 goldens (45 MB, not committed)")
    ap.add_argument("--out", default=OUT, help="output folder (default: the test resources)")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.tsm_repo, "ops", "models.py")):
        sys.exit("--tsm-repo %s has no ops/models.py; clone mit-han-lab/temporal-shift-module there" % args.tsm_repo)
    OUT = args.out
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    TSN = import_official(args.tsm_repo)
    rng = np.random.default_rng(7)
    clip = rng.standard_normal((N, T, 3, SIZE, SIZE)).astype(np.float32)
    labels = rng.integers(0, CLASSES, size=N).astype(np.int64)
    save_npy("clip.npy", clip)
    save_npy("labels.npy", labels)
    make(TSN, "mobilenetv2", clip, labels, 1)
    if args.resnet18:
        make(TSN, "resnet18", clip, labels, 2)


if __name__ == "__main__":
    main()
