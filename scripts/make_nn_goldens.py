#!/usr/bin/python3
"""Writes the PyTorch parity goldens read by the tests of dev.saccade.nn (layers, optimizers, checkpoints).

Run from anywhere with Debian's python3 (python3-torch 1.13, python3-numpy):

    /usr/bin/python3 scripts/make_nn_goldens.py

Output: nn/src/test/resources/goldens/nn/ (well under 300 KB), one compressed .npz per case plus two .pth files:

- Layers (linear, conv1d_groups, conv2d, conv2d_depthwise, conv3d, batchnorm2d, layernorm_affine, layernorm_plain):
  the weights the Java test loads into the saccade module, the input x, a fixed upstream gradient gy, the output y and
  the gradients gx, g<param>. Conv cases also store their stride/padding/groups. batchnorm2d stores two training
  steps (outputs, the running statistics after both, gradients of the second step) and an evaluation-mode pass.
- Optimizers (sgd_momentum, sgd_nesterov, adamw): initial parameters p0, p1, the gradients g<step>_<param> fed at each
  of 3 steps, and the parameters after each step; hyper-parameters and the two groups' multipliers as arrays.
- clip_grad_norm: three gradients, max_norm, the returned total norm and the clipped gradients (clipping and not).
- sequential.pth: torch.save(model.state_dict()) of a tiny nn.Sequential; sequential_wrapped.pth: the same inside
  {'epoch': 3, 'state_dict': {'module.' + k: v}} as DataParallel training checkpoints are; sequential_io.npz: an
  input and the eval-mode output.

Values are random (fixed seed); the Java tests compare to ~1e-5 relative.
"""
import os

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nn", "src", "test", "resources", "goldens", "nn")


def save(name, **arrays):
    np.savez_compressed(os.path.join(OUT, name + ".npz"),
                        **{k: (v.detach().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)) for k, v in arrays.items()})


def layer_case(name, module, x, extra=None):
    """Forward x through module, backward a fixed random gy, save weights, y and all gradients."""
    x = x.clone().requires_grad_(True)
    y = module(x)
    gy = torch.randn_like(y)
    y.backward(gy)
    arrays = {"x": x, "gy": gy, "y": y, "gx": x.grad}
    for pname, p in module.named_parameters():
        arrays[pname] = p
        arrays["g" + pname] = p.grad
    arrays.update(extra or {})
    save(name, **arrays)


def layers():
    torch.manual_seed(1)
    layer_case("linear", nn.Linear(6, 5), torch.randn(4, 6))
    conv_cases = [
        ("conv1d_groups", nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), torch.randn(2, 4, 9)),
        ("conv2d", nn.Conv2d(3, 4, 3, stride=1, padding=1), torch.randn(2, 3, 6, 6)),
        ("conv2d_depthwise", nn.Conv2d(4, 4, 3, stride=2, padding=1, groups=4, bias=False), torch.randn(2, 4, 7, 7)),
        ("conv3d", nn.Conv3d(2, 3, 3, stride=1, padding=1), torch.randn(1, 2, 4, 5, 5)),
    ]
    for name, conv, x in conv_cases:
        cfg = {"stride": np.array([conv.stride[0]], np.int64), "padding": np.array([conv.padding[0]], np.int64),
               "groups": np.array([conv.groups], np.int64)}
        layer_case(name, conv, x, cfg)

    # LayerNorm over the last two axes, with and without affine parameters.
    ln = nn.LayerNorm([4, 5])
    with torch.no_grad():
        ln.weight.copy_(torch.randn(4, 5))
        ln.bias.copy_(torch.randn(4, 5))
    layer_case("layernorm_affine", ln, torch.randn(3, 4, 5) * 2 + 1)
    layer_case("layernorm_plain", nn.LayerNorm([5], elementwise_affine=False), torch.randn(3, 4, 5) * 2 + 1)

    # BatchNorm2d: two training steps, then evaluation mode.
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(3))
        bn.bias.copy_(torch.randn(3))
    arrays = {"weight": bn.weight.clone(), "bias": bn.bias.clone()}
    bn.train()
    x1 = torch.randn(4, 3, 5, 5) * 3 + 2
    y1 = bn(x1)
    x2 = (torch.randn(4, 3, 5, 5) * 0.5 - 1).requires_grad_(True)
    y2 = bn(x2)
    gy2 = torch.randn_like(y2)
    y2.backward(gy2)
    arrays.update(x1=x1, y1=y1, x2=x2, y2=y2, gy2=gy2, gx2=x2.grad, gweight2=bn.weight.grad.clone(), gbias2=bn.bias.grad.clone(),
                  running_mean_after=bn.running_mean.clone(), running_var_after=bn.running_var.clone(),
                  num_batches_tracked_after=bn.num_batches_tracked)
    bn.eval()
    bn.zero_grad()  # zeroes the .grad tensors in place (torch 1.13), hence the clones above
    x3 = torch.randn(2, 3, 5, 5).requires_grad_(True)
    y3 = bn(x3)
    gy3 = torch.randn_like(y3)
    y3.backward(gy3)
    arrays.update(x_eval=x3, y_eval=y3, gy_eval=gy3, gx_eval=x3.grad, gweight_eval=bn.weight.grad,
                  gbias_eval=bn.bias.grad)
    save("batchnorm2d", **arrays)


def optimizer_case(name, make_optimizer, hyper):
    """Two parameters in two groups (lr_mult 1 / decay_mult 1 and lr_mult 2 / decay_mult 0), 3 steps of given grads."""
    torch.manual_seed(2)
    p0 = torch.randn(5, 6).requires_grad_(True)
    p1 = torch.randn(5).requires_grad_(True)
    mults = np.array([[1.0, 1.0], [2.0, 0.0]])
    lr, wd = hyper["lr"], hyper["weight_decay"]
    groups = [{"params": [p], "lr": lr * m[0], "weight_decay": wd * m[1]} for p, m in zip((p0, p1), mults)]
    opt = make_optimizer(groups)
    arrays = {"p0": p0.detach().clone(), "p1": p1.detach().clone(), "mults": mults}
    arrays.update({k: np.array(v, np.float64) for k, v in hyper.items()})
    for step in range(3):
        opt.zero_grad()
        p0.grad = torch.randn(5, 6)
        p1.grad = torch.randn(5)
        arrays["g%d_0" % step] = p0.grad.clone()
        arrays["g%d_1" % step] = p1.grad.clone()
        opt.step()
        arrays["p0_after%d" % step] = p0.detach().clone()
        arrays["p1_after%d" % step] = p1.detach().clone()
    save(name, **arrays)


def optimizers():
    optimizer_case("sgd_momentum", lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.9),
                   {"lr": 0.1, "momentum": 0.9, "weight_decay": 5e-4})
    optimizer_case("sgd_nesterov", lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.9, nesterov=True),
                   {"lr": 0.1, "momentum": 0.9, "weight_decay": 5e-4})
    optimizer_case("adamw", lambda g: torch.optim.AdamW(g, lr=0.01, betas=(0.9, 0.999), eps=1e-8),
                   {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.05})

    torch.manual_seed(3)
    grads = [torch.randn(4, 3), torch.randn(7), torch.randn(2, 2, 3)]
    arrays = {"g%d" % i: g for i, g in enumerate(grads)}
    for tag, max_norm in (("clip", 1.5), ("noclip", 100.0)):
        params = [torch.zeros_like(g, requires_grad=True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        total = nn.utils.clip_grad_norm_(params, max_norm)
        arrays["max_norm_" + tag] = np.array(max_norm, np.float64)
        arrays["total_norm_" + tag] = np.array(float(total), np.float64)
        for i, p in enumerate(params):
            arrays["clipped_%s_%d" % (tag, i)] = p.grad
    save("clip_grad_norm", **arrays)


def checkpoints():
    torch.manual_seed(4)
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2))
    model.train()
    for _ in range(3):
        model(torch.randn(8, 4) * 2)  # moves the running statistics away from 0 / 1
    model.eval()
    x = torch.randn(5, 4)
    with torch.no_grad():
        y = model(x)
    torch.save(model.state_dict(), os.path.join(OUT, "sequential.pth"))
    wrapped = {"epoch": 3, "arch": "tiny", "state_dict": {"module." + k: v for k, v in model.state_dict().items()}}
    torch.save(wrapped, os.path.join(OUT, "sequential_wrapped.pth"))
    save("sequential_io", x=x, y=y)


def main():
    os.makedirs(OUT, exist_ok=True)
    layers()
    optimizers()
    checkpoints()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("wrote %d files, %d bytes, to %s" % (len(os.listdir(OUT)), total, os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
