/**
 * The CPU backend: Java heap arrays, Vector API kernels (GEMM with packing and a register-blocked micro-kernel,
 * convolutions, pooling, reductions, normalisation, the temporal ops), each with a scalar twin that serves as the test
 * oracle ({@code -Dsaccade.cpu.simd=false} selects the twins), on a fixed worker pool ({@code -Dsaccade.threads}).
 *
 * <p><b>Internal.</b> Found at run time through {@link java.util.ServiceLoader}; use it through
 * {@code dev.saccade.tensor.Tensor}. Classes are public for the CUDA backend, the tests and the benchmarks only.
 */
package dev.saccade.kernels.cpu;
