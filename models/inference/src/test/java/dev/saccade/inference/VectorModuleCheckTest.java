package dev.saccade.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Built in a JVM started without {@code --add-modules jdk.incubator.vector}, a classifier fails at build time with
 * a message naming the flag, not with a NoClassDefFoundError at the first forward.
 */
class VectorModuleCheckTest {
    /** Run in the child JVM: builds a classifier and prints what it threw. */
    public static void main(String[] args) {
        try {
            VideoClassifier.builder().model("tsm-mobilenetv2").frames(4).inputSize(64).weights(VideoClassifierTest.WEIGHTS).build();
            System.out.println("built");
        } catch (Throwable e) {
            System.out.println(e.getClass().getName() + ": " + e.getMessage());
        }
    }

    @Test void aMissingVectorModuleIsNamedAtBuildTime() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), VectorModuleCheckTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("IllegalStateException") && out.contains("--add-modules jdk.incubator.vector"), out);
    }
}
