#!/usr/bin/env python3
"""Golden files for saccade's attention modules (models/zoo/src/test/resources/goldens/attention/).

ACTION and M2A (and TSM's Non-local block, which gebob19/M2A carries as ops/non_local.py) are imported from
checkouts of the official repositories, made outside the saccade repository:

    python3 scripts/make_attention_goldens.py --action-repo ../ext/ACTION-Net --m2a-repo ../ext/M2A

W3, CBAM and the attention-guided refinement have no public code: saccade's own PyTorch re-statement of their
equations (attention_modules.py) is what the Java modules are matched against.

The import code, the einops stand-in used when einops is missing, and the re-statements are in attention_modules.py
(shared with time_attention_modules.py).

For every case it writes <case>.weights.pth (the module's state dict, torch.save zip format) and <case>.io.pth
(input, upstream gradient, output, intermediates, input gradient and parameter gradients as grad.<name>).
"""
import argparse
import os

import torch
import torch.nn as nn

from attention_modules import SaccadeAfrRestatement, SaccadeCbamRestatement, SaccadeW3Restatement, load_official

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models', 'zoo', 'src', 'test', 'resources', 'goldens', 'attention')


# ---------------------------------------------------------------- helpers
def randomise(module, gen, scale=0.5):
    """Every parameter uniform in [-scale, scale); BN running stats non-trivial."""
    with torch.no_grad():
        for _, p in module.named_parameters():
            p.copy_((torch.rand(p.shape, generator=gen) * 2 - 1) * scale)
        for name, b in module.named_buffers():
            if name.endswith('running_mean'):
                b.copy_(torch.rand(b.shape, generator=gen) - 0.5)
            elif name.endswith('running_var'):
                b.copy_(torch.rand(b.shape, generator=gen) + 0.5)


def write_case(case, module, x, gen, extra=None, forward=None):
    """Runs module (or forward(x)) on x, backpropagates a fixed random upstream gradient, writes both files."""
    module.zero_grad()
    x = x.clone().requires_grad_(True)
    state = {k: v.detach().clone() for k, v in module.state_dict().items()}
    out = forward(x) if forward else module(x)
    if isinstance(out, tuple):
        out, inter = out
    else:
        inter = {}
    upstream = torch.rand(out.shape, generator=gen) * 2 - 1
    out.backward(upstream)
    io = {'input': x.detach(), 'upstream': upstream, 'output': out.detach()}
    for k, v in inter.items():
        io[k] = v.detach().contiguous()
    io['grad.input'] = x.grad.detach()
    for name, p in module.named_parameters():
        if p.grad is not None:
            io['grad.' + name] = p.grad.detach()
    if extra:
        io.update(extra() if callable(extra) else extra)   # a callable is evaluated after the forward pass
    torch.save(state, os.path.join(OUT, case + '.weights.pth'))
    torch.save(io, os.path.join(OUT, case + '.io.pth'))
    print(f'{case}: output {tuple(out.shape)}, {len(state)} weights')


# ================================================================ cases
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--action-repo', required=True, help='checkout of V-Sense/ACTION-Net')
    ap.add_argument('--m2a-repo', required=True, help='checkout of gebob19/M2A')
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    torch.set_grad_enabled(True)
    gen = torch.Generator().manual_seed(20240611)
    action_py, m2a_ts, non_local, shim = load_official(args.action_repo, args.m2a_repo)
    print('einops:', 'stand-in from attention_modules.py' if shim else 'installed package')

    t, n = 4, 2

    # --- M2A, TSM + M2A composition as make_temporal_shift builds it with --use_tsm: Sequential(M2A, shift, conv1)
    c = 16
    m2a = m2a_ts.M2A(None, c, t, 8, [('motion+attn', 'b t (c h w)')])
    conv1 = nn.Conv2d(c, 8, 1, bias=False)
    seq = nn.Sequential(m2a, m2a_ts.TemporalShift(nn.Sequential(), t, 8), conv1)
    randomise(seq, gen)
    x = torch.rand(n * t, c, 6, 6, generator=gen) * 2 - 1

    def m2a_forward(inp):
        mid = seq[0](inp)
        return seq[2](seq[1](mid)), {'m2a_output': mid, 'attention': seq[0].modules_list[0].attn_activations}
    write_case('m2a_tsm', seq, x, gen, forward=m2a_forward)

    # --- ACTION wrapping a 1x1 conv1, eval-mode BN with random running stats, random (non-TSM) shift weights
    c = 32
    init = action_py.Action(nn.Conv2d(c, 8, 1, bias=False), n_segment=t, shift_div=8)
    shift_init = init.action_shift.weight.detach().clone()
    act = action_py.Action(nn.Conv2d(c, 8, 1, bias=False), n_segment=t, shift_div=8)
    randomise(act, gen)
    act.eval()
    x = torch.rand(n * t, c, 5, 5, generator=gen) * 2 - 1
    write_case('action_eval', act, x, gen, extra={'init.action_shift.weight': shift_init})
    # training-mode BN (batch statistics) from the same weights, and the running statistics it leaves
    act.train()
    write_case('action_train', act, x, gen,
               extra=lambda: {'after.action_p3_bn1.running_mean': act.action_p3_bn1.running_mean.clone(),
                              'after.action_p3_bn1.running_var': act.action_p3_bn1.running_var.clone()})

    # --- Non-local (TSM's NL3D, embedded Gaussian, sub-sampled phi/g) on (N, C, T, H, W) as NL3DWrapper calls it
    c = 16
    nl = non_local.NONLocalBlock3D(c)
    randomise(nl, gen)   # non-zero W.1 so every path carries gradient
    nl.eval()
    x = torch.rand(n * t, c, 6, 6, generator=gen) * 2 - 1

    def nl_forward(inp):
        nt, cc, h, w = inp.shape
        z = nl(inp.view(nt // t, t, cc, h, w).transpose(1, 2))
        return z.transpose(1, 2).contiguous().view(nt, cc, h, w)
    write_case('nonlocal_eval', nl, x, gen, forward=nl_forward)
    nl.train()
    write_case('nonlocal_train', nl, x, gen, forward=nl_forward)

    # --- W3 (saccade's re-statement): full, no temporal, no spatial
    c = 32
    for case, sp, tp in [('w3_full', True, True), ('w3_no_temporal', True, False), ('w3_no_spatial', False, True)]:
        w3 = SaccadeW3Restatement(c, t, spatial=sp, temporal=tp)
        randomise(w3, gen)
        x = torch.rand(n * t, c, 5, 5, generator=gen) * 2 - 1
        write_case(case, w3, x, gen, forward=(lambda inp, w3=w3: (w3(inp), {'mask': w3.mask} if w3.mask is not None else {})))

    # --- AFR (saccade's re-statement) over 4 stage masks of decreasing size, last map (N·T, 16, 3, 3)
    afr = SaccadeAfrRestatement(4, 16)
    randomise(afr, gen)
    masks = [torch.rand(n * t, 1, s, s, generator=gen).requires_grad_(True) for s in (12, 6, 5, 3)]
    x = torch.rand(n * t, 16, 3, 3, generator=gen) * 2 - 1

    def afr_forward(inp):
        return afr(inp, masks), {('mask%d' % i): m for i, m in enumerate(masks)}
    upstream_extra = {}
    write_case('afr', afr, x, gen, forward=afr_forward, extra=upstream_extra)
    io = torch.load(os.path.join(OUT, 'afr.io.pth'))
    for i, m in enumerate(masks):
        io['grad.mask%d' % i] = m.grad.detach()
    torch.save(io, os.path.join(OUT, 'afr.io.pth'))

    # --- CBAM (saccade's re-statement)
    cb = SaccadeCbamRestatement(c)
    randomise(cb, gen)
    x = torch.rand(n * t, c, 5, 5, generator=gen) * 2 - 1
    write_case('cbam', cb, x, gen)

    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f'total {total / 1024:.0f} KiB in {OUT}')


if __name__ == '__main__':
    main()
