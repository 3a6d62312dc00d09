"""Attention modules shared by the PyTorch scripts of saccade (make_attention_goldens.py, time_attention_modules.py).

- `load_official(action_repo, m2a_repo)` imports the official modules from checkouts made outside the saccade
  repository: V-Sense/ACTION-Net `models/action.py` and gebob19/M2A `ops/temporal_shift.py` and `ops/non_local.py`.
  The official M2A file imports `einops.rearrange`; when einops is not installed, a small stand-in
  (`_shim_rearrange`) is registered as the module `einops`. It implements only the axis patterns M2A uses
  ('(b t) c h w -> b t (c h w)', 'b t (c h w) -> (b t) c h w', '(b t) c h w -> b t c h w', 'b t c h w -> (b t) c h w',
  'b c t h w -> (b t) c h w', '(b t) c h w -> b c t h w'): split/merge of named axes and a permutation.
- W3, CBAM and the attention-guided refinement have no public code: `SaccadeW3Restatement`,
  `SaccadeAfrRestatement` and `SaccadeCbamRestatement` are saccade's own PyTorch re-statement of their equations,
  which the Java modules are matched against.
"""
import importlib.util
import math
import os
import sys
import types

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------- einops stand-in (only if einops is missing)
def _parse_side(side):
    groups, cur, inside = [], None, False
    for tok in side.replace('(', ' ( ').replace(')', ' ) ').split():
        if tok == '(':
            cur, inside = [], True
        elif tok == ')':
            groups.append(cur)
            inside = False
        elif inside:
            cur.append(tok)
        else:
            groups.append([tok])
    return groups


def _shim_rearrange(x, pattern, **sizes):
    left, right = [s.strip() for s in pattern.split('->')]
    lg, rg = _parse_side(left), _parse_side(right)
    if len(lg) != x.dim():
        raise ValueError(f'einops shim: pattern {pattern!r} does not fit shape {tuple(x.shape)}')
    known = dict(sizes)
    for group, n in zip(lg, x.shape):
        unknown = [a for a in group if a not in known]
        prod = math.prod(known[a] for a in group if a in known)
        if len(unknown) > 1:
            raise ValueError(f'einops shim: cannot infer {unknown} in {pattern!r}')
        if unknown:
            known[unknown[0]] = n // prod
    axes = [a for g in lg for a in g]
    x = x.reshape([known[a] for a in axes])
    x = x.permute([axes.index(a) for g in rg for a in g])
    return x.reshape([math.prod(known[a] for a in g) for g in rg])


def install_einops_shim():
    try:
        import einops  # noqa: F401
        return False
    except ImportError:
        shim = types.ModuleType('einops')
        shim.rearrange = _shim_rearrange
        sys.modules['einops'] = shim
        return True


def load_module(path, name, extra_path):
    sys.path.insert(0, extra_path)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_official(action_repo, m2a_repo):
    """(action.py, M2A temporal_shift.py, non_local.py) of the official checkouts, as modules; installs the einops
    stand-in first when einops is missing. Returns the three modules and whether the stand-in is in use."""
    shim = install_einops_shim()
    action_py = load_module(os.path.join(action_repo, 'models', 'action.py'), 'official_action', os.path.join(action_repo, 'models'))
    m2a_ts = load_module(os.path.join(m2a_repo, 'ops', 'temporal_shift.py'), 'official_m2a', os.path.join(m2a_repo, 'ops'))
    non_local = load_module(os.path.join(m2a_repo, 'ops', 'non_local.py'), 'official_non_local', os.path.join(m2a_repo, 'ops'))
    return action_py, m2a_ts, non_local, shim


# ================================================================ saccade's re-statement (no official code exists)
# W3 (Perez-Rua et al., ECCV 2020, Eq. 3-6) with the choices documented in saccade's W3Attention:
# shared MLP C -> C/16 -> C with biases (CBAM), depthwise Conv1d k3 over T twice with ReLU between (no bias),
# Conv2d(2, 1, 7, pad 3) on [avg, max] (no bias), Conv3d(1, 1, 3, pad 1) twice with ReLU between (no bias).
class SaccadeW3Restatement(nn.Module):
    def __init__(self, c, t, spatial=True, temporal=True):
        super().__init__()
        self.t, self.spatial_on, self.temporal_on = t, spatial, temporal
        self.channel = nn.Module()
        self.channel.mlp = nn.Sequential(nn.Linear(c, c // 16), nn.ReLU(), nn.Linear(c // 16, c))
        if temporal:
            self.channel.temporal = nn.Sequential(nn.Conv1d(c, c, 3, padding=1, groups=c, bias=False), nn.ReLU(),
                                                  nn.Conv1d(c, c, 3, padding=1, groups=c, bias=False))
        if spatial:
            self.spatial = nn.Module()
            self.spatial.conv = nn.Conv2d(2, 1, 7, padding=3, bias=False)
            if temporal:
                self.spatial.temporal = nn.Sequential(nn.Conv3d(1, 1, 3, padding=1, bias=False), nn.ReLU(),
                                                      nn.Conv3d(1, 1, 3, padding=1, bias=False))
        self.mask = None

    def forward(self, x):
        nt, c, h, w = x.shape
        n = nt // self.t
        mlp = self.channel.mlp
        m = torch.sigmoid(mlp(x.mean((2, 3))) + mlp(x.amax((2, 3))))            # (NT, C)
        if self.temporal_on:
            m = m.view(n, self.t, c).transpose(1, 2)                                # (N, C, T)
            m = torch.sigmoid(self.channel.temporal(m)).transpose(1, 2).reshape(nt, c)
        fc = x * m.view(nt, c, 1, 1)
        if not self.spatial_on:
            return fc
        pooled = torch.cat([fc.mean(1, keepdim=True), fc.amax(1, keepdim=True)], 1)  # (NT, 2, H, W)
        s = torch.sigmoid(self.spatial.conv(pooled))                                  # (NT, 1, H, W)
        if self.temporal_on:
            s = s.view(n, self.t, 1, h, w).transpose(1, 2)                            # (N, 1, T, H, W)
            s = torch.sigmoid(self.spatial.temporal(s)).transpose(1, 2).reshape(nt, 1, h, w)
        self.mask = s
        return fc * s


# AFR (W3 Eq. 7-8): adaptive-avg-pool each stage mask to the last map's h x w, concat, Conv2d(S, C_l, 1) + ReLU, add.
class SaccadeAfrRestatement(nn.Module):
    def __init__(self, stages, c):
        super().__init__()
        self.conv = nn.Conv2d(stages, c, 1)

    def forward(self, x, masks):
        h, w = x.shape[-2:]
        m = torch.cat([F.adaptive_avg_pool2d(s, (h, w)) for s in masks], 1)
        return x + F.relu(self.conv(m))


# CBAM (Woo et al., ECCV 2018, Eq. 2-3) as saccade states it: shared MLP with biases on spatial avg and max,
# Conv2d(2, 1, 7, pad 3, no bias) on [channel avg, channel max]; multiplicative, channel then spatial.
class SaccadeCbamRestatement(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(c, c // 16), nn.ReLU(), nn.Linear(c // 16, c))
        self.spatial = nn.Conv2d(2, 1, 7, padding=3, bias=False)

    def forward(self, x):
        nt, c, _, _ = x.shape
        fc = x * torch.sigmoid(self.mlp(x.mean((2, 3))) + self.mlp(x.amax((2, 3)))).view(nt, c, 1, 1)
        s = torch.sigmoid(self.spatial(torch.cat([fc.mean(1, keepdim=True), fc.amax(1, keepdim=True)], 1)))
        return fc * s
