package dev.saccade.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.saccade.kernels.cpu.CpuBackend;
import dev.saccade.tensor.Backend;
import dev.saccade.tensor.DType;
import dev.saccade.tensor.Device;
import dev.saccade.tensor.Shape;
import dev.saccade.tensor.Tensor;
import dev.saccade.tensor.ops.AvgMaxPool;
import dev.saccade.tensor.ops.BinaryOp;
import dev.saccade.tensor.ops.BroadcastGate;
import dev.saccade.tensor.ops.ConvParams;
import dev.saccade.tensor.ops.Functional;
import dev.saccade.tensor.ops.PoolParams;
import dev.saccade.tensor.ops.ReduceOp;
import dev.saccade.tensor.ops.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@link dev.saccade.tensor.Backend} primitive on CUDA against {@link CpuBackend} (the oracle): forward and
 * backward, odd shapes, strided (permuted / narrowed) views, broadcast (stride-0) operands, F32 and F64; then a
 * small conv / batch-norm / relu / pool / linear network, forward and one SGD step, on both devices. Skipped
 * without a GPU.
 */
class CudaConformanceTest {
    private static final Device GPU = Device.cuda(0);
    private final CpuBackend cpu = new CpuBackend();
    private CudaBackend cuda;

    @BeforeEach
    void requireGpu() {
        assumeTrue(Cuda.available(), () -> "no CUDA: " + Cuda.unavailableReason());
        cuda = new CudaBackend();
    }

    // ------------------------------------------------------------------ helpers

    /** A CPU F32 (or F64) tensor of Gaussian values. */
    private static Tensor rand(DType dt, long seed, int... shape) { return GpuTesting.gaussian(dt, seed, shape); }

    private static Tensor rand(long seed, int... shape) { return rand(DType.F32, seed, shape); }

    private static Tensor positive(long seed, int... shape) { return rand(seed, shape).abs().add(0.5); }

    private static Tensor gpu(Tensor t) { return t.to(GPU); }

    /** The same view (shape, strides, offset) over a device copy of the whole storage. */
    private Tensor sameView(Tensor cpuView) { return GpuTesting.sameView(cuda, cpu, cpuView); }

    private static void close(String what, Tensor expected, Tensor actual, double tol) {
        GpuTesting.assertCloseOn(GPU, what, expected, actual, tol);
    }

    // ------------------------------------------------------------------ memory

    @Test
    void uploadDownloadRoundTripsEveryDtype() {
        Tensor f = rand(1, 7, 13), d = rand(DType.F64, 2, 5, 3);
        Tensor i = Tensor.of(new int[] {3, -1, 7, 0}, 4), l = Tensor.of(new long[] {1L << 40, -5, 9}, 3);
        assertArrayEquals(f.toFloatArray(), gpu(f).toFloatArray());
        assertArrayEquals(d.toDoubleArray(), gpu(d).toDoubleArray());
        assertArrayEquals(i.toLongArray(), gpu(i).toLongArray());
        assertArrayEquals(l.toLongArray(), gpu(l).toLongArray());
    }

    @Test
    void allocateIsZeroFilled() {
        Tensor z = Tensor.zeros(DType.F32, GPU, 3, 1000);
        for (float v : z.toFloatArray()) assertEquals(0f, v);
    }

    @Test
    void stridedCopyFillAndCast() {
        Tensor x = rand(3, 4, 5, 6);
        Tensor view = x.permute(2, 0, 1).narrow(1, 1, 2);                       // (6, 2, 5), non-contiguous
        close("contiguous of a permuted view", view.contiguous(), sameView(view).contiguous(), 0);
        for (DType to : DType.values()) close("cast F32 → " + to, x.to(to), gpu(x).to(to), 0);
        Tensor idx = Tensor.of(new long[] {5, -2, 7}, 3);
        close("cast I64 → F32", idx.to(DType.F32), gpu(idx).to(DType.F32), 0);
        Tensor padded = x.pad(new int[] {0, 0, 1, 2, 3, 0}, 0.5);              // writes into a strided view + fill
        close("pad", padded, gpu(x).pad(new int[] {0, 0, 1, 2, 3, 0}, 0.5), 0);
        close("cat", Tensor.cat(List.of(x, x.mul(2)), 1), Tensor.cat(List.of(gpu(x), gpu(x).mul(2)), 1), 1e-7);
    }

    // ------------------------------------------------------------------ elementwise

    @Test
    void unaryForwardAndBackwardOnStridedViews() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Tensor base = rand(dt, 4, 7, 9, 5).abs().add(0.25);                  // positive: log, sqrt, pow
            Tensor x = base.permute(1, 2, 0);                                     // (9, 5, 7) strided
            Tensor gy = rand(dt, 5, 9, 5, 7);
            Tensor xg = sameView(x);
            for (UnaryOp op : UnaryOp.values()) {
                double alpha = op == UnaryOp.POW_SCALAR ? 1.7 : 0.3;
                Tensor y = cpu.unary(op, x, alpha), yg = cuda.unary(op, xg, alpha);
                double tol = dt == DType.F64 ? 1e-12 : 2e-6;
                close(op + " " + dt, y, yg, tol);
                close(op + " backward " + dt, cpu.unaryBackward(op, x, y, gy, alpha),
                        cuda.unaryBackward(op, xg, yg, gpu(gy), alpha), tol);
            }
        }
    }

    @Test
    void binaryWithBroadcastAndComparisons() {
        Tensor a = rand(6, 3, 1, 5).expand(3, 4, 5), b = rand(7, 4, 1).expand(3, 4, 5);   // stride-0 axes
        Tensor at = rand(8, 5, 4, 3).permute(2, 1, 0);                                    // (3, 4, 5) strided
        for (BinaryOp op : BinaryOp.values()) {
            close(op + " broadcast", cpu.binary(op, a, b), cuda.binary(op, sameView(a), sameView(b)), 1e-6);
            close(op + " strided", cpu.binary(op, at, b), cuda.binary(op, sameView(at), sameView(b)), 1e-6);
        }
        // autograd through broadcasting (reduces gradients over broadcast axes)
        Tensor p = rand(9, 3, 4, 5).setRequiresGrad(true), q = rand(10, 4, 1).setRequiresGrad(true);
        Tensor pg = gpu(rand(9, 3, 4, 5)).setRequiresGrad(true), qg = gpu(rand(10, 4, 1)).setRequiresGrad(true);
        p.mul(q).add(p.div(q.abs().add(1))).maximum(q).sum().backward();
        pg.mul(qg).add(pg.div(qg.abs().add(1))).maximum(qg).sum().backward();
        close("grad a", p.grad(), pg.grad(), 1e-5);
        close("grad b", q.grad(), qg.grad(), 1e-5);
    }

    @Test
    void axpyIntoStridedDestination() {
        Tensor dst = rand(11, 6, 4), src = rand(12, 4, 6).transpose(0, 1);
        Tensor dg = gpu(dst);
        cpu.axpy(-0.75, src, dst);
        cuda.axpy(-0.75, sameView(src), dg);
        close("axpy", dst, dg, 1e-6);
    }

    // ------------------------------------------------------------------ reductions and softmax

    @Test
    void reductionsOverAxesSetsAndArgReduce() {
        Tensor x = rand(13, 3, 5, 7, 2).permute(0, 2, 1, 3);   // (3, 7, 5, 2) strided
        Tensor xg = sameView(x);
        int[][] axesSets = {{0}, {1}, {3}, {0, 2}, {1, 2, 3}, {0, 1, 2, 3}};
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] axes : axesSets) close(op + " over " + java.util.Arrays.toString(axes), cpu.reduce(op, x, axes), cuda.reduce(op, xg, axes), 1e-5);
        }
        for (int axis = 0; axis < 4; axis++) {
            assertArrayEquals(cpu.argReduce(ReduceOp.MAX, x, axis).toLongArray(), cuda.argReduce(ReduceOp.MAX, xg, axis).toLongArray(), "argmax axis " + axis);
            assertArrayEquals(cpu.argReduce(ReduceOp.MIN, x, axis).toLongArray(), cuda.argReduce(ReduceOp.MIN, xg, axis).toLongArray(), "argmin axis " + axis);
        }
        Tensor big = rand(14, 3, 40000);   // rows longer than a block
        close("sum of long rows", cpu.reduce(ReduceOp.SUM, big, new int[] {1}), cuda.reduce(ReduceOp.SUM, gpu(big), new int[] {1}), 1e-5);
    }

    @Test
    void softmaxAndLogSoftmaxWithBackward() {
        for (int cols : new int[] {1, 10, 1000, 20000}) {
            Tensor x = rand(15, 7, cols).mul(3), gy = rand(16, 7, cols);
            for (boolean log : new boolean[] {false, true}) {
                Tensor y = cpu.softmax(x, log), yg = cuda.softmax(gpu(x), log);
                close("softmax log=" + log + " cols=" + cols, y, yg, 1e-5);
                close("softmax backward log=" + log + " cols=" + cols, cpu.softmaxBackward(y, gy, log),
                        cuda.softmaxBackward(yg, gpu(gy), log), 1e-5);
            }
        }
    }

    // ------------------------------------------------------------------ matmul

    @Test
    void matmulTransposedAndBroadcastBatches() {
        int[][] mkn = {{1, 1, 1}, {7, 13, 5}, {64, 33, 17}, {3, 129, 65}};
        for (int[] s : mkn) {
            int m = s[0], k = s[1], n = s[2];
            Tensor a = rand(17, 4, m, k), b = rand(18, 4, k, n);
            close("matmul " + m + "x" + k + "x" + n, cpu.matmul(a, b), cuda.matmul(gpu(a), gpu(b)), 1e-5);
            Tensor at = rand(19, 4, k, m).transpose(1, 2), bt = rand(20, 4, n, k).transpose(1, 2);   // OP_T operands
            close("matmul transposed", cpu.matmul(at, bt), cuda.matmul(sameView(at), sameView(bt)), 1e-5);
            Tensor bb = rand(21, 1, k, n).expand(4, k, n);                                          // batch stride 0
            close("matmul broadcast batch", cpu.matmul(a, bb), cuda.matmul(gpu(a), sameView(bb)), 1e-5);
            Tensor a64 = a.to(DType.F64), b64 = b.to(DType.F64);
            close("matmul F64", cpu.matmul(a64, b64), cuda.matmul(gpu(a64), gpu(b64)), 1e-12);
        }
    }

    // ------------------------------------------------------------------ convolution

    private void checkConv(String what, Tensor x, Tensor w, Tensor bias, ConvParams p, double tol) {
        Tensor y = cpu.conv(x, w, bias, p), yg = cuda.conv(gpu(x), gpu(w), bias == null ? null : gpu(bias), p);
        close(what + " forward", y, yg, tol);
        Tensor gy = rand(99, y.shape().toArray());
        close(what + " backward data", cpu.convBackwardData(gy, w, x.shape(), p), cuda.convBackwardData(gpu(gy), gpu(w), x.shape(), p), tol);
        close(what + " backward filter", cpu.convBackwardFilter(x, gy, w.shape(), p), cuda.convBackwardFilter(gpu(x), gpu(gy), w.shape(), p), tol);
    }

    @Test
    void convolution1d2d3dWithGroupsStridesPaddingDilation() {
        checkConv("conv1d", rand(22, 2, 6, 17), rand(23, 4, 3, 5), rand(24, 4), new ConvParams(new int[] {2}, new int[] {2}, new int[] {1}, 2), 1e-4);
        checkConv("conv2d 3x3", rand(25, 2, 8, 11, 9), rand(26, 16, 8, 3, 3), rand(27, 16), ConvParams.uniform(2, 1, 1, 1, 1), 1e-4);
        checkConv("conv2d stride 2 dilation 2", rand(28, 3, 4, 15, 12), rand(29, 6, 4, 3, 3), null, ConvParams.uniform(2, 2, 2, 2, 1), 1e-4);
        checkConv("conv2d depthwise", rand(30, 2, 8, 9, 9), rand(31, 8, 1, 3, 3), null, ConvParams.uniform(2, 1, 1, 1, 8), 1e-4);
        checkConv("conv2d 7x7 stem", rand(32, 1, 3, 32, 32), rand(33, 8, 3, 7, 7), null, ConvParams.uniform(2, 2, 3, 1, 1), 1e-4);
        checkConv("conv3d", rand(34, 2, 3, 5, 7, 6), rand(35, 4, 3, 3, 1, 3), rand(36, 4),
                new ConvParams(new int[] {1, 2, 1}, new int[] {1, 0, 1}, new int[] {1, 1, 1}, 1), 1e-4);
        Tensor strided = rand(37, 8, 2, 11, 9).transpose(0, 1);   // non-contiguous input
        Tensor w = rand(38, 4, 8, 3, 3);
        close("conv of a strided input", cpu.conv(strided, w, null, ConvParams.uniform(2, 1, 1, 1, 1)),
                cuda.conv(sameView(strided), gpu(w), null, ConvParams.uniform(2, 1, 1, 1, 1)), 1e-4);
    }

    // ------------------------------------------------------------------ pooling

    @Test
    void maxPoolAvgPoolAdaptiveForwardBackward() {
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {rand(40, 2, 3, 19), PoolParams.uniform(1, 3, 2, 1)});
        cases.add(new Object[] {rand(41, 2, 3, 13, 11), PoolParams.uniform(2, 3, 2, 1)});
        cases.add(new Object[] {rand(42, 2, 3, 8, 8), PoolParams.uniform(2, 2, 2, 0)});
        cases.add(new Object[] {rand(43, 1, 2, 5, 9, 7), new PoolParams(new int[] {3, 3, 3}, new int[] {1, 2, 2}, new int[] {1, 1, 0})});
        for (Object[] c : cases) {
            Tensor x = (Tensor) c[0];
            PoolParams p = (PoolParams) c[1];
            Tensor xg = gpu(x);
            Tensor[] m = cpu.maxPool(x, p), mg = cuda.maxPool(xg, p);
            close("max pool " + x.shape(), m[0], mg[0], 0);
            assertArrayEquals(m[1].toLongArray(), mg[1].toLongArray(), "max pool argmax " + x.shape());
            Tensor gy = rand(44, m[0].shape().toArray());
            close("max pool backward " + x.shape(), cpu.maxPoolBackward(gy, m[1], x.shape(), p),
                    cuda.maxPoolBackward(gpu(gy), mg[1], x.shape(), p), 1e-6);
            close("avg pool " + x.shape(), cpu.avgPool(x, p), cuda.avgPool(xg, p), 1e-6);
            close("avg pool backward " + x.shape(), cpu.avgPoolBackward(gy, x.shape(), p), cuda.avgPoolBackward(gpu(gy), x.shape(), p), 1e-6);
            // the backward passes gather (no atomics): bit-identical run to run
            Tensor gyg = gpu(gy);
            assertArrayEquals(cuda.maxPoolBackward(gyg, mg[1], x.shape(), p).toDoubleArray(),
                    cuda.maxPoolBackward(gyg, mg[1], x.shape(), p).toDoubleArray(), "max pool backward is deterministic");
            assertArrayEquals(cuda.avgPoolBackward(gyg, x.shape(), p).toDoubleArray(),
                    cuda.avgPoolBackward(gyg, x.shape(), p).toDoubleArray(), "avg pool backward is deterministic");
        }
        Tensor x = rand(45, 2, 3, 7, 10);
        for (int[] out : new int[][] {{1, 1}, {3, 4}, {7, 10}, {5, 3}}) {
            Tensor y = cpu.adaptiveAvgPool(x, out), yg = cuda.adaptiveAvgPool(gpu(x), out);
            close("adaptive avg pool " + java.util.Arrays.toString(out), y, yg, 1e-6);
            Tensor gy = rand(46, y.shape().toArray());
            close("adaptive avg pool backward", cpu.adaptiveAvgPoolBackward(gy, x.shape()), cuda.adaptiveAvgPoolBackward(gpu(gy), x.shape()), 1e-6);
        }
    }

    // ------------------------------------------------------------------ device memory

    @Test
    void deviceScopeReleasesAStepsTensorsAndKeepsWhatIsKept() {
        Tensor host = rand(70, 64, 256), x = gpu(host);
        Tensor relu, dropped, kept;
        try (DeviceScope step = DeviceScope.open()) {
            relu = x.relu();                             // (64, 256), allocated in the scope
            dropped = relu.mul(2.0);                     // (64, 256)
            kept = dropped.sum(1);                       // (64), kept past the scope
            int owned = step.ownedCount();
            step.keep(kept);
            assertEquals(owned - 1, step.ownedCount(), "keep hands the sum's storage on");
            assertTrue(owned >= 3, "the step's storages belong to the scope: " + owned);
        }
        close("kept tensor", host.relu().mul(2.0).sum(1), kept, 1e-5);
        for (Tensor released : new Tensor[] {relu, dropped}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, released::toFloatArray);
            assertTrue(e.getMessage().contains("DeviceScope"), e.getMessage());
        }
        x.toFloatArray();                                // allocated before the scope: untouched
    }

    // ------------------------------------------------------------------ batch norm (cuDNN)

    @Test
    void batchNormTrainingForwardAndBackwardOnCudnn() {
        for (int[] shape : new int[][] {{6, 5}, {4, 3, 7}, {2, 3, 5, 4}, {2, 2, 3, 4, 3}}) {
            Tensor x = rand(60, shape).mul(3).add(1);
            Tensor gamma = rand(61, shape[1]), beta = rand(62, shape[1]);
            for (boolean affine : new boolean[] {true, false}) {
                Tensor gm = affine ? gamma : null, bt = affine ? beta : null;
                Tensor[] e = cpu.batchNormTraining(x, gm, bt, 1e-5);
                Tensor[] a = cuda.batchNormTraining(gpu(x), affine ? gpu(gamma) : null, affine ? gpu(beta) : null, 1e-5);
                String[] names = {"y", "xhat", "mean", "var", "invStd"};
                for (int i = 0; i < 5; i++) close("batch norm " + names[i] + " " + x.shape() + " affine=" + affine, e[i], a[i], 1e-4);
                Tensor g = rand(63, shape);
                Tensor[] eb = cpu.batchNormTrainingBackward(g, e[1], e[4], gm, true);
                Tensor[] ab = cuda.batchNormTrainingBackward(gpu(g), a[1], a[4], affine ? gpu(gamma) : null, true);
                close("batch norm gx " + x.shape(), eb[0], ab[0], 1e-4);
                close("batch norm gγ " + x.shape(), eb[1], ab[1], 1e-4);
                close("batch norm gβ " + x.shape(), eb[2], ab[2], 1e-4);
            }
        }
    }

    // ------------------------------------------------------------------ temporal

    @Test
    void temporalOpsForwardAndBackward() {
        for (int[] s : new int[][] {{2 * 8, 16, 7, 7}, {3 * 4, 10, 3, 5}, {1 * 3, 8, 1, 1}}) {
            int frames = s[0] == 16 ? 8 : s[0] == 12 ? 4 : 3;
            Tensor x = rand(47, s), b = rand(48, s);
            for (boolean inverse : new boolean[] {false, true})
                close("shift inverse=" + inverse + " " + x.shape(), cpu.temporalShift(x, frames, 8, inverse), cuda.temporalShift(gpu(x), frames, 8, inverse), 0);
            close("m2a", cpu.frameDifferenceM2a(x, frames), cuda.frameDifferenceM2a(gpu(x), frames), 1e-7);
            close("m2a backward", cpu.frameDifferenceM2aBackward(x, frames), cuda.frameDifferenceM2aBackward(gpu(x), frames), 1e-7);
            close("action", cpu.frameDifferenceAction(x, b, frames), cuda.frameDifferenceAction(gpu(x), gpu(b), frames), 1e-7);
            Tensor[] g = cpu.frameDifferenceActionBackward(x, frames), gg = cuda.frameDifferenceActionBackward(gpu(x), frames);
            close("action backward a", g[0], gg[0], 0);
            close("action backward b", g[1], gg[1], 0);
        }
        Tensor strided = rand(49, 16, 8, 7, 5).transpose(2, 3);
        close("shift of a strided view", cpu.temporalShift(strided, 8, 4, false), cuda.temporalShift(sameView(strided), 8, 4, false), 0);
        // The online (uni-directional) shift is composed from each backend's strided copy: forward and backward.
        Tensor onlineCpu = strided.detach().setRequiresGrad(true), onlineGpu = sameView(strided).detach().setRequiresGrad(true);
        Tensor g = rand(50, 16, 8, 5, 7);
        Tensor yc = Functional.temporalShiftOnline(onlineCpu, 8, 4), yg = Functional.temporalShiftOnline(onlineGpu, 8, 4);
        close("online shift of a strided view", yc, yg, 0);
        yc.mul(g).sum().backward();
        yg.mul(gpu(g)).sum().backward();
        close("online shift backward", onlineCpu.grad(), onlineGpu.grad(), 0);
    }

    // ------------------------------------------------------------------ fused temporal attention

    @Test
    void temporalConvForwardAndBackward() {
        // T ∈ {1, 3, 8, 16}; planes of 49 (scalar path), 12 (vector path) and one pixel (W3's channel maps)
        for (int[] s : new int[][] {{16, 16, 7, 7}, {2 * 3, 10, 3, 4}, {2 * 16, 24, 1, 1}, {2, 5, 3, 3}}) {
            int frames = s[0] == 16 ? 8 : s[0] == 6 ? 3 : s[0] == 32 ? 16 : 1;
            Tensor x = rand(60, s), w = rand(61, s[1], 1, 3), g = rand(62, s);
            close("temporal_conv " + x.shape(), cpu.temporalConv(x, w, frames), cuda.temporalConv(gpu(x), gpu(w), frames), 1e-6);
            Tensor[] ref = cpu.temporalConvBackward(g, x, w, frames, true, true);
            Tensor[] got = cuda.temporalConvBackward(gpu(g), gpu(x), gpu(w), frames, true, true);
            close("temporal_conv gx " + x.shape(), ref[0], got[0], 1e-6);
            close("temporal_conv gw " + x.shape(), ref[1], got[1], 1e-4);
        }
        Tensor view = rand(63, 6, 9, 8, 5).transpose(2, 3);                              // (6, 9, 5, 8) strided
        Tensor w = rand(64, 9, 1, 3);
        close("temporal_conv of a strided view", cpu.temporalConv(view, w, 3), cuda.temporalConv(sameView(view), gpu(w), 3), 1e-6);
    }

    @Test
    void broadcastGateForwardAndBackward() {
        for (int[] s : new int[][] {{8, 16, 7, 7}, {3, 5, 2, 3}}) {
            Tensor x = rand(65, s), g = rand(66, s), c = rand(67, s[0], s[1], 1, 1), sp = rand(68, s[0], 1, s[2], s[3]);
            for (BroadcastGate.Combine combine : BroadcastGate.Combine.values()) {
                for (int present = 0; present < 4; present++) {
                    Tensor cc = (present & 1) != 0 ? c : null, ss = (present & 2) != 0 ? sp : null;
                    String what = "broadcast_gate " + combine + " c=" + (cc != null) + " s=" + (ss != null) + " " + x.shape();
                    close(what, cpu.broadcastGate(x, cc, ss, combine, 3), cuda.broadcastGate(gpu(x), cc == null ? null : gpu(cc),
                            ss == null ? null : gpu(ss), combine, 3), 1e-6);
                    Tensor[] ref = cpu.broadcastGateBackward(g, x, cc, ss, combine, 3, true, true, true);
                    Tensor[] got = cuda.broadcastGateBackward(gpu(g), gpu(x), cc == null ? null : gpu(cc), ss == null ? null : gpu(ss),
                            combine, 3, true, true, true);
                    close(what + " gx", ref[0], got[0], 1e-6);
                    if (cc != null) close(what + " gc", ref[1], got[1], 1e-5);
                    if (ss != null) close(what + " gs", ref[2], got[2], 1e-5);
                }
            }
        }
        Tensor view = rand(69, 4, 6, 5, 3).transpose(2, 3), cv = rand(70, 6, 4).transpose(0, 1).reshape(4, 6, 1, 1);
        close("broadcast_gate of strided views", cpu.broadcastGate(view, cv, null, BroadcastGate.Combine.PRODUCT, 0),
                cuda.broadcastGate(sameView(view), gpu(cv), null, BroadcastGate.Combine.PRODUCT, 0), 1e-6);
    }

    @Test
    void avgMaxPoolAndSigmoidGateForwardAndBackward() {
        for (int[] s : new int[][] {{8, 16, 7, 7}, {3, 5, 2, 3}}) {
            Tensor x = rand(71, s), c = positive(72, s[0], s[1], 1, 1);
            for (AvgMaxPool.Axis axis : AvgMaxPool.Axis.values()) {
                for (Tensor cc : new Tensor[] {null, c}) {
                    String what = "avg_max_pool " + axis + " scaled=" + (cc != null) + " " + x.shape();
                    Tensor ref = cpu.avgMaxPool(x, cc, axis), got = cuda.avgMaxPool(gpu(x), cc == null ? null : gpu(cc), axis);
                    close(what, ref, got, 1e-6);
                    Tensor g = rand(73, ref.shape().toArray());
                    Tensor[] rg = cpu.avgMaxPoolBackward(g, x, cc, ref, axis, true, true);
                    Tensor[] gg = cuda.avgMaxPoolBackward(gpu(g), gpu(x), cc == null ? null : gpu(cc), got, axis, true, true);
                    close(what + " gx", rg[0], gg[0], 1e-6);
                    if (cc != null) close(what + " gc", rg[1], gg[1], 1e-5);
                }
            }
            Tensor z = rand(74, s), g = rand(75, s);
            close("sigmoid_gate " + x.shape(), cpu.sigmoidGate(x, z, 1), cuda.sigmoidGate(gpu(x), gpu(z), 1), 1e-6);
            Tensor[] rg = cpu.sigmoidGateBackward(g, x, z, 1, true, true), gg = cuda.sigmoidGateBackward(gpu(g), gpu(x), gpu(z), 1, true, true);
            close("sigmoid_gate gx", rg[0], gg[0], 1e-6);
            close("sigmoid_gate gz", rg[1], gg[1], 1e-6);
        }
    }

    // ------------------------------------------------------------------ indexing

    @Test
    void indexSelectGatherAndTheirBackwards() {
        Tensor x = rand(50, 5, 6, 4);
        Tensor idx = Tensor.of(new long[] {4, 0, 4, 2}, 4);
        for (int axis = 0; axis < 3; axis++) {
            Tensor ia = Tensor.of(new int[] {3, 0, 3}, 3);
            close("index_select axis " + axis, cpu.indexSelect(x, axis, ia), cuda.indexSelect(gpu(x), axis, gpu(ia)), 0);
            int[] d = x.shape().toArray();
            d[axis] = 3;
            Tensor src = rand(51, d);
            close("index_add axis " + axis, cpu.indexAdd(x.shape(), axis, ia, src), cuda.indexAdd(x.shape(), axis, gpu(ia), gpu(src)), 1e-6);
            Tensor srcg = gpu(src);
            assertArrayEquals(cuda.indexAdd(x.shape(), axis, ia, srcg).toDoubleArray(), cuda.indexAdd(x.shape(), axis, ia, srcg).toDoubleArray(),
                    "index_add is deterministic");
        }
        Tensor labels = Tensor.of(new long[] {7, 1, 1, 9}, 4);
        close("index_select of I64", cpu.indexSelect(labels, 0, idx.narrow(0, 1, 2)), cuda.indexSelect(gpu(labels), 0, idx.narrow(0, 1, 2)), 0);
        Random r = new Random(52);
        long[] gi = new long[5 * 3 * 4];
        for (int i = 0; i < gi.length; i++) gi[i] = r.nextInt(6);
        Tensor gIdx = Tensor.of(gi, 5, 3, 4);                                 // smaller than x on axis 1
        close("gather", cpu.gather(x, 1, gIdx), cuda.gather(gpu(x), 1, gpu(gIdx)), 0);
        Tensor src = rand(53, 5, 3, 4);
        close("scatter_add", cpu.scatterAdd(x.shape(), 1, gIdx, src), cuda.scatterAdd(x.shape(), 1, gpu(gIdx), gpu(src)), 1e-6);
        long[] gi2 = new long[4 * 2 * 4];
        for (int i = 0; i < gi2.length; i++) gi2[i] = r.nextInt(5);
        Tensor small = Tensor.of(gi2, 4, 2, 4);                               // smaller on a non-indexed axis
        close("gather narrowed", cpu.gather(x, 0, small), cuda.gather(gpu(x), 0, small), 0);
        close("scatter_add narrowed", cpu.scatterAdd(x.shape(), 0, small, rand(54, 4, 2, 4)),
                cuda.scatterAdd(x.shape(), 0, small, gpu(rand(54, 4, 2, 4))), 1e-6);
    }

    @Test
    void integerArithmeticRoundTripsThroughTheHost() {
        Tensor a = Tensor.of(new long[] {3, 1, 4, 1, 5, 9}, 2, 3), b = Tensor.of(new long[] {3, 2, 4, 0, 5, 1}, 2, 3);
        close("eq on I64", cpu.binary(BinaryOp.EQ, a, b), cuda.binary(BinaryOp.EQ, gpu(a), gpu(b)), 0);
        close("sum of I64", cpu.reduce(ReduceOp.SUM, a, new int[] {1}), cuda.reduce(ReduceOp.SUM, gpu(a), new int[] {1}), 0);
        assertArrayEquals(cpu.argReduce(ReduceOp.MAX, a, 1).toLongArray(), cuda.argReduce(ReduceOp.MAX, gpu(a), 1).toLongArray());
    }

    // ------------------------------------------------------------------ whole network

    /** conv → batch norm → relu → max pool → conv → relu → global avg pool → linear → cross-entropy; one SGD step. */
    private static float[][] trainStep(Device device, List<Tensor> cpuParams, Tensor cpuX, Tensor labels) {
        List<Tensor> p = new ArrayList<>();
        for (Tensor t : cpuParams) p.add(t.to(device).detach().setRequiresGrad(true));
        Tensor runMean = Tensor.zeros(DType.F32, device, 8), runVar = Tensor.full(1, DType.F32, 8).to(device).detach();
        Tensor x = cpuX.to(device);
        Tensor h = Functional.conv2d(x, p.get(0), p.get(1), 1, 1, 1, 1);                       // (4, 8, 12, 12)
        h = Functional.batchNorm(h, runMean, runVar, p.get(2), p.get(3), true, 0.1, 1e-5).relu();
        h = Functional.maxPool2d(h, 3, 2, 1);                                                  // (4, 8, 6, 6)
        h = Functional.conv2d(h, p.get(4), null, 2, 1, 1, 1).relu();                           // (4, 16, 3, 3)
        h = Functional.adaptiveAvgPool(h, 1, 1).flatten(1);                                    // (4, 16)
        Tensor logits = Functional.linear(h, p.get(5), p.get(6));                              // (4, 5)
        Tensor loss = Functional.crossEntropy(logits, labels.to(device));
        loss.backward();
        List<float[]> out = new ArrayList<>();
        out.add(logits.toFloatArray());
        out.add(new float[] {(float) loss.item()});
        out.add(runMean.toFloatArray());
        out.add(runVar.toFloatArray());
        for (Tensor t : p) {
            Tensor stepped = t.detach().sub(t.grad().mul(0.1));                                 // SGD, lr 0.1
            out.add(t.grad().toFloatArray());
            out.add(stepped.toFloatArray());
        }
        return out.toArray(float[][]::new);
    }

    @Test
    void smallNetworkForwardAndTrainingStepMatchTheCpu() {
        List<Tensor> params = List.of(rand(60, 8, 3, 3, 3).mul(0.3), rand(61, 8).mul(0.1), rand(62, 8).mul(0.1).add(1),
                rand(63, 8).mul(0.1), rand(64, 16, 8, 3, 3).mul(0.15), rand(65, 5, 16).mul(0.25), rand(66, 5).mul(0.1));
        Tensor x = rand(67, 4, 3, 12, 12);
        Tensor labels = Tensor.of(new long[] {0, 3, 4, 1}, 4);
        float[][] onCpu = trainStep(Device.CPU, params, x, labels), onGpu = trainStep(GPU, params, x, labels);
        assertEquals(onCpu.length, onGpu.length);
        for (int i = 0; i < onCpu.length; i++) {
            double[] e = new double[onCpu[i].length], a = new double[onGpu[i].length];
            for (int j = 0; j < e.length; j++) { e[j] = onCpu[i][j]; a[j] = onGpu[i][j]; }
            GpuTesting.assertClose("network output " + i, e, a, 2e-4, 2e-3);
        }
    }

    @Test
    void backendIsSelectedWhenAvailable() {
        Backend chosen = dev.saccade.tensor.Backends.forDevice(GPU);
        assertEquals("cuda", chosen.name());
        assertTrue(chosen.isAvailable());
    }
}
