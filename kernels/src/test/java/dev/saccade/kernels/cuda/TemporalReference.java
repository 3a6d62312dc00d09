package dev.saccade.kernels.cuda;

/** Plain-Java oracles of the temporal kernels, written from the equations in the .cu headers. */
final class TemporalReference {
    private TemporalReference() {}

    /** TSM shift over (N, T, C, HW); backward = the inverse shift. */
    static double[] shift(double[] x, int n, int t, int c, int hw, int fold, boolean backward) {
        double[] y = new double[x.length];
        int dir = backward ? -1 : 1;
        for (int s = 0; s < n; s++)
            for (int f = 0; f < t; f++)
                for (int ch = 0; ch < c; ch++) {
                    int src = ch < fold ? f + dir : ch < 2 * fold ? f - dir : f;
                    for (int p = 0; p < hw; p++) {
                        int out = ((s * t + f) * c + ch) * hw + p;
                        y[out] = src < 0 || src >= t ? 0 : x[((s * t + src) * c + ch) * hw + p];
                    }
                }
        return y;
    }

    /** M2A: y[t] = x[t+1] − x[t], y[T−1] = −x[T−1]; over (N, T, F). */
    static double[] m2a(double[] x, int n, int t, int f) {
        double[] y = new double[x.length];
        for (int s = 0; s < n; s++)
            for (int k = 0; k < t; k++)
                for (int p = 0; p < f; p++) {
                    int i = (s * t + k) * f + p;
                    y[i] = (k + 1 < t ? x[i + f] : 0) - x[i];
                }
        return y;
    }

    /** M2A backward: gx[t] = g[t−1] − g[t]. */
    static double[] m2aBackward(double[] g, int n, int t, int f) {
        double[] gx = new double[g.length];
        for (int s = 0; s < n; s++)
            for (int k = 0; k < t; k++)
                for (int p = 0; p < f; p++) {
                    int i = (s * t + k) * f + p;
                    gx[i] = (k > 0 ? g[i - f] : 0) - g[i];
                }
        return gx;
    }

    /** ACTION-ME: y[t] = a[t+1] − b[t] for t &lt; T−1, y[T−1] = 0. */
    static double[] me(double[] a, double[] b, int n, int t, int f) {
        double[] y = new double[a.length];
        for (int s = 0; s < n; s++)
            for (int k = 0; k + 1 < t; k++)
                for (int p = 0; p < f; p++) {
                    int i = (s * t + k) * f + p;
                    y[i] = a[i + f] - b[i];
                }
        return y;
    }
}
