package dev.saccade.data.sampling;

/**
 * Derives independent seeds from a tuple such as (run seed, epoch, step), so that any step's randomness can be
 * recreated without replaying the steps before it (what exact resume needs). A SplitMix64-style finaliser
 * (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) over each component.
 *
 * <pre>{@code
 * long dropoutSeed = Seeds.mix(seed, epoch, step, moduleIndex);
 * }</pre>
 */
public final class Seeds {
    private Seeds() {}

    public static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h += p * 0xBF58476D1CE4E5B9L + 0x9E3779B97F4A7C15L;
            h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
            h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
            h ^= h >>> 31;
        }
        return h;
    }
}
