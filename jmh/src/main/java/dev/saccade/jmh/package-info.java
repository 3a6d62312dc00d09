/**
 * JMH benchmarks of ops, modules, models and the loader, on the CPU and CUDA backends; results and the commands that
 * produced them are in docs/PERF.md.
 *
 * <p><b>Internal</b>: not published.
 */
package dev.saccade.jmh;
