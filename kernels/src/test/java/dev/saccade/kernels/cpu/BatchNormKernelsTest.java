package dev.saccade.kernels.cpu;

import dev.saccade.tensor.Backend;
import dev.saccade.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Random;
import java.util.SplittableRandom;

import static dev.saccade.kernels.cpu.ConvKernelsTest.assertClose;
import static dev.saccade.kernels.cpu.ConvKernelsTest.random;
import static org.junit.jupiter.api.Assertions.*;

class BatchNormKernelsTest {

    /** The fused kernel against its double-precision scalar twin; odd sizes cover the vector tails. */
    @ParameterizedTest(name = "N={0} C={1} S={2} affine={3}")
    @CsvSource({"3,5,7,true", "2,4,1,true", "4,3,37,false", "1,2,16,true", "5,6,49,true", "128,3,1,true"})
    void fusedMatchesScalarTwin(int n, int c, int s, boolean affine) {
        Random r = new Random(31L * n + 7L * c + s);
        float[] g = random(r, n * c * s), xhat = random(r, n * c * s), invStd = random(r, c);
        for (int i = 0; i < c; i++) invStd[i] = 1.5f + invStd[i];          // positive, as 1/sqrt(σ² + ε)
        float[] gamma = affine ? random(r, c) : null;
        float[] gx = new float[g.length], gg = new float[c], gb = new float[c];
        float[] gxR = new float[g.length], ggR = new float[c], gbR = new float[c];
        CpuBatchNorm.backward(g, xhat, n, c, s, invStd, gamma, gx, gg, gb);
        CpuBatchNorm.backwardScalar(g, xhat, n, c, s, invStd, gamma, gxR, ggR, gbR);
        assertClose(gbR, gb, 1e-5, "gBeta");
        assertClose(ggR, gg, 1e-5, "gGamma");
        assertClose(gxR, gx, 1e-4, "gx");
        float[] gg2 = new float[c], gb2 = new float[c];
        CpuBatchNorm.backward(g, xhat, n, c, s, invStd, gamma, null, gg2, gb2);  // no input gradient asked for
        assertArrayEquals(gg, gg2);
        assertArrayEquals(gb, gb2);
    }

    /** The fused forward against its double-precision scalar twin; odd sizes cover the vector tails. */
    @ParameterizedTest(name = "forward N={0} C={1} S={2} affine={3}")
    @CsvSource({"3,5,7,true", "2,4,1,true", "4,3,37,false", "1,2,16,true", "5,6,49,true", "128,3,1,true"})
    void fusedForwardMatchesScalarTwin(int n, int c, int s, boolean affine) {
        Random r = new Random(17L * n + 5L * c + s);
        float[] x = random(r, n * c * s);
        for (int i = 0; i < x.length; i++) x[i] = 3f + 2f * x[i];            // an offset mean, as activations have
        float[] gamma = affine ? random(r, c) : null, beta = affine ? random(r, c) : null;
        float[][] fast = forward(x, n, c, s, gamma, beta, false), ref = forward(x, n, c, s, gamma, beta, true);
        String[] names = {"y", "xhat", "mean", "var", "invStd"};
        for (int i = 0; i < names.length; i++) assertClose(ref[i], fast[i], 1e-4, names[i]);
    }

    private static float[][] forward(float[] x, int n, int c, int s, float[] gamma, float[] beta, boolean scalar) {
        float[] y = new float[x.length], xhat = new float[x.length], mean = new float[c], var = new float[c], inv = new float[c];
        if (scalar) CpuBatchNorm.forwardScalar(x, n, c, s, gamma, beta, 1e-5, y, xhat, mean, var, inv);
        else CpuBatchNorm.forward(x, n, c, s, gamma, beta, 1e-5, y, xhat, mean, var, inv);
        return new float[][] {y, xhat, mean, var, inv};
    }

    /** The CPU backend's fused forward against the composed default of the Backend SPI, and bit-identical on repeat. */
    @ParameterizedTest(name = "forward shape {0}x{1}x{2}x{3}")
    @CsvSource({"6,4,5,3", "16,8,2,2", "9,3,1,1"})
    void backendForwardMatchesComposedDefault(int n, int c, int h, int w) {
        CpuBackend cpu = new CpuBackend();
        Backend composed = composedDefault(cpu);
        SplittableRandom rng = new SplittableRandom(n * 1000L + c + 1);
        Tensor x = Tensor.uniform(rng, -2, 3, n, c, h, w);
        Tensor gamma = Tensor.uniform(rng, 0.5, 1.5, c), beta = Tensor.uniform(rng, -1, 1, c);
        Tensor[] f = cpu.batchNormTraining(x, gamma, beta, 1e-5), ref = composed.batchNormTraining(x, gamma, beta, 1e-5);
        String[] names = {"y", "xhat", "mean", "var", "invStd"};
        for (int i = 0; i < names.length; i++) {
            assertClose(ref[i].toFloatArray(), f[i].toFloatArray(), 1e-5, names[i]);
            assertArrayEquals(ref[i].shape().toArray(), f[i].shape().toArray(), names[i] + " shape");
        }
        Tensor[] plain = cpu.batchNormTraining(x, null, null, 1e-5);
        assertClose(f[1].toFloatArray(), plain[0].toFloatArray(), 0, "y without γ, β is x̂");
        for (int rep = 0; rep < 3; rep++) {
            Tensor[] again = cpu.batchNormTraining(x, gamma, beta, 1e-5);
            for (int i = 0; i < names.length; i++) assertArrayEquals(f[i].toFloatArray(), again[i].toFloatArray(), "repeat, " + names[i]);
        }
    }

    /** The SPI's composed defaults, every other method forwarded to the CPU backend. */
    private static Backend composedDefault(CpuBackend cpu) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, m, args) -> m.isDefault() ? InvocationHandler.invokeDefault(proxy, m, args) : m.invoke(cpu, args));
    }

    /** The CPU backend's fused backward against the composed default of the Backend SPI, and bit-identical on repeat. */
    @ParameterizedTest(name = "shape {0}x{1}x{2}x{3}")
    @CsvSource({"6,4,5,3", "16,8,2,2", "9,3,1,1"})
    void backendMatchesComposedDefault(int n, int c, int h, int w) {
        CpuBackend cpu = new CpuBackend();
        Backend composed = composedDefault(cpu);
        SplittableRandom rng = new SplittableRandom(n * 1000L + c);
        Tensor x = Tensor.uniform(rng, -2, 3, n, c, h, w), g = Tensor.uniform(rng, -1, 1, n, c, h, w);
        Tensor gamma = Tensor.uniform(rng, 0.5, 1.5, c);
        // x̂ and invStd of a real forward (composed ops), then both backward paths
        Tensor mean = x.mean(true, 0, 2, 3), centered = x.sub(mean);
        Tensor invStd = centered.square().mean(true, 0, 2, 3).add(1e-5).rsqrt(), xhat = centered.mul(invStd);
        Tensor[] gf = cpu.batchNormTrainingBackward(g, xhat, invStd, gamma, true);
        Tensor[] gr = composed.batchNormTrainingBackward(g, xhat, invStd, gamma, true);
        assertClose(gr[0].toFloatArray(), gf[0].toFloatArray(), 1e-4, "gx");
        assertClose(gr[1].toFloatArray(), gf[1].toFloatArray(), 1e-4, "gGamma");
        assertClose(gr[2].toFloatArray(), gf[2].toFloatArray(), 1e-4, "gBeta");
        assertArrayEquals(x.shape().toArray(), gf[0].shape().toArray(), "gx shape");
        assertArrayEquals(new int[]{1, c, 1, 1}, gf[1].shape().toArray(), "gGamma shape");
        assertNull(cpu.batchNormTrainingBackward(g, xhat, invStd, gamma, false)[0], "gx when not needed");
        for (int rep = 0; rep < 3; rep++) {
            Tensor[] again = cpu.batchNormTrainingBackward(g, xhat, invStd, gamma, true);
            for (int i = 0; i < 3; i++) assertArrayEquals(gf[i].toFloatArray(), again[i].toFloatArray(), "repeat, output " + i);
        }
    }


    /**
     * Batch norm followed by ReLU: the fused kernels against their scalar twins (forward, and backward with the mask
     * recomputed from x̂), and the CPU backend against the SPI's composed default (batch norm, ReLU, ReLU's gradient,
     * batch-norm backward). β shifted so that some channels are mostly rectified and others mostly not.
     */
    @ParameterizedTest(name = "relu N={0} C={1} S={2} affine={3}")
    @CsvSource({"3,5,7,true", "2,4,1,true", "4,3,37,false", "5,6,49,true", "128,3,1,true"})
    void reluFormMatchesScalarTwinsAndComposedDefault(int n, int c, int s, boolean affine) {
        Random r = new Random(13L * n + 3L * c + s);
        float[] x = random(r, n * c * s), g = random(r, n * c * s);
        float[] gamma = affine ? random(r, c) : null, beta = affine ? random(r, c) : null;
        if (affine) for (int i = 0; i < c; i++) beta[i] = 1.5f * beta[i];
        float[] y = new float[x.length], xhat = new float[x.length], mean = new float[c], var = new float[c], inv = new float[c];
        float[] yR = new float[x.length], xhatR = new float[x.length], meanR = new float[c], varR = new float[c], invR = new float[c];
        CpuBatchNorm.forward(x, n, c, s, gamma, beta, 1e-5, true, y, xhat, mean, var, inv);
        CpuBatchNorm.forwardReluScalar(x, n, c, s, gamma, beta, 1e-5, yR, xhatR, meanR, varR, invR);
        assertClose(yR, y, 1e-4, "relu y");
        int zeros = 0;
        for (float v : y) if (v == 0f) zeros++;
        assertTrue(zeros > 0 && zeros < y.length, "some outputs rectified, some not: " + zeros + " of " + y.length);
        float[] gx = new float[x.length], gg = new float[c], gb = new float[c];
        float[] gxR = new float[x.length], ggR = new float[c], gbR = new float[c];
        CpuBatchNorm.backward(g, xhat, n, c, s, inv, gamma, beta, true, gx, gg, gb);
        CpuBatchNorm.backwardReluScalar(g, xhat, n, c, s, inv, gamma, beta, gxR, ggR, gbR);
        assertClose(gbR, gb, 1e-5, "relu gBeta");
        assertClose(ggR, gg, 1e-5, "relu gGamma");
        assertClose(gxR, gx, 1e-4, "relu gx");

        CpuBackend cpu = new CpuBackend();
        Backend composed = composedDefault(cpu);
        int[] shape = {n, c, s};
        Tensor xt = Tensor.of(x, shape), gt = Tensor.of(g, shape);
        Tensor gammaT = affine ? Tensor.of(gamma, c) : null, betaT = affine ? Tensor.of(beta, c) : null;
        Tensor[] f = cpu.batchNormReluTraining(xt, gammaT, betaT, 1e-5), ref = composed.batchNormReluTraining(xt, gammaT, betaT, 1e-5);
        assertClose(ref[0].toFloatArray(), f[0].toFloatArray(), 1e-5, "backend relu y");
        Tensor[] bf = cpu.batchNormReluTrainingBackward(gt, f[1], f[4], gammaT, betaT, true);
        Tensor[] br = composed.batchNormReluTrainingBackward(gt, f[1], f[4], gammaT, betaT, true);
        for (int i = 0; i < 3; i++) assertClose(br[i].toFloatArray(), bf[i].toFloatArray(), 1e-4, "backend relu backward " + i);
    }
}
