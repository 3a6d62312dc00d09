package dev.saccade.data.synthetic;

/**
 * SplitMix64, a small fast generator whose output depends only on its seed (Steele, Lea, Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014; the finaliser of {@code java.util.SplittableRandom}). Not
 * thread-safe: one per clip.
 *
 * <pre>{@code
 * SplitMix r = new SplitMix(SplitMix.mix(seed, 1, 42));
 * double u = r.uniform();          // [0, 1)
 * }</pre>
 */
final class SplitMix {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix(long seed) {
        this.state = seed;
    }

    /** The SplitMix64 finaliser: a bijective 64-bit mix. */
    static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed derived from several values (order matters). */
    static long mix(long... values) {
        long h = 0x2545F4914F6CDD1DL;
        for (long v : values) {
            h = finalise(h + GOLDEN + v);
        }
        return h;
    }

    long nextLong() {
        state += GOLDEN;
        return finalise(state);
    }

    /** Uniform in [0, 1). */
    double uniform() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [lo, hi). */
    double uniform(double lo, double hi) {
        return lo + (hi - lo) * uniform();
    }

    /** Uniform integer in [0, n). */
    int nextInt(int n) {
        return (int) ((nextLong() >>> 33) % n);
    }

    /** ±1 with equal probability. */
    double sign() {
        return nextLong() < 0 ? -1.0 : 1.0;
    }

    /** Approximately standard normal (sum of 4 uniforms, rescaled; enough for jitter). */
    double gaussian() {
        return (uniform() + uniform() + uniform() + uniform() - 2.0) * 1.7320508075688772;
    }
}
