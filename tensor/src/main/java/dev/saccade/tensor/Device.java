package dev.saccade.tensor;

/**
 * Where a tensor's storage lives: the host ({@link #CPU}) or a CUDA device.
 *
 * <pre>{@code Device d = Device.parse("cuda:0"); }</pre>
 */
public record Device(Kind kind, int index) {
    /** The kinds of device saccade knows. */
    public enum Kind { CPU, CUDA }

    /** The host. */
    public static final Device CPU = new Device(Kind.CPU, 0);

    /** The {@code index}-th CUDA device. */
    public static Device cuda(int index) { return new Device(Kind.CUDA, index); }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("cpu")) return CPU;
        if (t.equals("cuda")) return cuda(0);
        if (t.startsWith("cuda:")) return cuda(Integer.parseInt(t.substring(5)));
        throw new IllegalArgumentException("unknown device '" + text + "': expected cpu, cuda or cuda:N");
    }

    @Override public String toString() { return kind == Kind.CPU ? "cpu" : "cuda:" + index; }
}
