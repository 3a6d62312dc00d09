/**
 * Array and checkpoint files: safetensors, numpy {@code .npy}/{@code .npz}, and PyTorch {@code .pth}, exchanged as
 * {@link dev.saccade.nn.io.RawArray} (dtype + shape + little-endian C-ordered bytes), with no dependency on
 * {@code Tensor}. Every reader validates what it reads and fails with an {@link dev.saccade.nn.io.ArrayFileException}
 * whose message starts with the file and names the entry; every writer replaces its target atomically
 * ({@link dev.saccade.nn.io.AtomicFiles}: temp file in the same directory, fsync, {@code ATOMIC_MOVE}).
 *
 * <p><b>Public API.</b>
 *
 * <pre>{@code
 * Map<String, RawArray> sd = PthReader.stripPrefix(PthReader.readStateDict(Path.of("tsm_r50.pth")), "module.");
 * SafeTensors.write(Path.of("tsm_r50.safetensors"), sd, Map.of("arch", "resnet50"));
 * RawArray golden = Npy.read(Path.of("goldens/shift_out.npy"));
 * }</pre>
 *
 * <h2>safetensors ({@link dev.saccade.nn.io.SafeTensors})</h2>
 * Spec: huggingface/safetensors README. {@code u64 LE N}, then an N-byte UTF-8 JSON header
 * {@code {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}}} (space-padded), then
 * the data. Checked on read: N within the file and at most 100 MB, JSON object without duplicate keys, known dtype
 * ({@code F16 BF16 F32 F64 I8 U8 I16 I32 I64 BOOL}), non-negative shape, {@code end - begin == numel × itemsize},
 * offsets inside the file, entries tiling the data section with no overlap, hole or trailing bytes, metadata values
 * all strings. Written with names sorted, data in name order, header padded to a multiple of 8 bytes. This is the
 * preferred format for saccade's own checkpoints.
 *
 * <h2>numpy ({@link dev.saccade.nn.io.Npy})</h2>
 * Spec: {@code numpy.lib.format}. {@code \x93NUMPY}, version byte pair, u16 (v1) or u32 (v2/v3) header length, a
 * Python dict literal {@code {'descr', 'fortran_order', 'shape'}} padded so the data starts at a multiple of 64.
 * Little-endian {@code <f2 <f4 <f8 <i2 <i4 <i8} and {@code |i1 |u1 |b1}, C order only; Fortran order and big-endian
 * arrays are refused with a message saying so. {@code .npz} ({@code numpy.savez[_compressed]}) is a zip of
 * {@code <key>.npy} members and is read-only here. Used for the PyTorch parity goldens written by {@code scripts/}.
 *
 * <h2>PyTorch .pth ({@link dev.saccade.nn.io.PthReader})</h2>
 * Reference: {@code torch/serialization.py} (zip format, default since torch 1.6). Entries
 * {@code <archive>/data.pkl} (the pickled object), {@code <archive>/data/<key>} (one raw storage each),
 * {@code <archive>/version}, and in newer files {@code <archive>/byteorder} (must be {@code little}). A tensor is
 * pickled as {@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
 * backward_hooks)} where {@code storage} is the persistent id {@code ('storage', torch.FloatStorage, key, location,
 * numel)}; the element at index {@code (i0..ik)} is storage element {@code storage_offset + Σ i_d·stride_d}, so
 * transposes and slices of a shared storage are copied out element by element. {@code nn.Parameter} goes through
 * {@code _rebuild_parameter}. The pickle is interpreted against a whitelist (the globals above,
 * {@code collections.OrderedDict}, the storage classes, {@code _rebuild_from_type_v2} with {@code torch.Tensor} or
 * {@code Parameter}); containers, numbers, strings, booleans and None need no global. Any other global
 * ({@code posix.system}, {@code builtins.eval}, {@code argparse.Namespace}, bytes via {@code _codecs.encode}, any
 * class) and the opcodes {@code INST/OBJ/NEWOBJ_EX/EXT*} are refused when they are first seen, so nothing is ever
 * called. The legacy pre-1.6 format (a bare pickle stream or a tar) is refused with a re-save hint.
 *
 * <h2>Hostile files</h2>
 * Every reader works under budgets ({@link dev.saccade.nn.io.ReadLimits}: pickle nesting, memo, values, string and
 * integer lengths, zip entry sizes and compression ratio, tensor bytes copied out of views), verifies the CRC-32 of
 * every zip entry it reads, checks tensor views against their storage in overflow-checked arithmetic, and escapes text
 * from the file in its messages ({@link dev.saccade.nn.io.SafeText}). A budget exceeded is an
 * {@link dev.saccade.nn.io.ArrayFileException} naming the limit. See {@code docs/CHECKPOINTS.md}, "Reading files
 * from strangers".
 *
 * <h2>PyTorch state-dict key conventions</h2>
 * <ul>
 *   <li>Names are the dotted module path plus the attribute: {@code layer1.0.conv1.weight}. Order is registration
 *       order (the pickle is an {@code OrderedDict}; the readers keep it).</li>
 *   <li>Conv weight {@code (C_out, C_in/groups, kH, kW)}, Linear weight {@code (out, in)}, both C-ordered.</li>
 *   <li>BatchNorm: {@code weight}, {@code bias}, buffers {@code running_mean}, {@code running_var} and the 0-dim
 *       int64 {@code num_batches_tracked} (shape {@code []}; not needed for inference).</li>
 *   <li>{@code nn.DataParallel} / {@code DistributedDataParallel} prefix every name with {@code module.}: use
 *       {@link dev.saccade.nn.io.PthReader#stripPrefix}.</li>
 *   <li>Training checkpoints wrap the state dict: TSN/TSM save {@code {'epoch', 'arch', 'state_dict',
 *       'best_prec1'}}, others {@code {'model': …}}; {@link dev.saccade.nn.io.PthReader#readStateDict} unwraps both
 *       and skips non-tensor entries.</li>
 *   <li>TSN/TSM wrap the backbone as {@code base_model.}; with dropout the classifier is {@code new_fc.weight/bias}
 *       (the backbone's {@code fc} became a Dropout). A residual temporal shift wraps a block's first conv, which
 *       adds {@code .net} to its path ({@code base_model.layer1.0.conv1.net.weight}).</li>
 * </ul>
 */
package dev.saccade.nn.io;
