package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saccade.kernels.cuda.Cuda;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class InfoCommandTest {
    private static String run() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc = new CommandLine(new InfoCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8))).execute();
        assertEquals(0, rc, "info exit code");
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsBackendsDefaultAndVectorSpecies() {
        String text = run();
        assertTrue(text.contains("cpu (priority 0, available)"), text);
        assertTrue(text.contains("cuda (priority 10, "), text);
        assertTrue(text.contains(FloatVector.SPECIES_PREFERRED.toString()), text);
        assertTrue(text.matches("(?s).*default:\\s+(cpu|cuda:0).*"), text);
    }

    @Test
    void explainsCudaOrDescribesTheGpu() {
        String text = run();
        if (Cuda.available()) {
            assertTrue(text.contains(Cuda.deviceName()), text);
            assertTrue(text.contains("cudnn:"), text);
        } else {
            assertTrue(text.contains("cuda:               unavailable: " + Cuda.unavailableReason()), text);
            assertTrue(text.matches("(?s).*default:\\s+cpu.*"), text);
        }
    }
}
