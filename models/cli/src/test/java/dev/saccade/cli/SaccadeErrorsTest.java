package dev.saccade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A user error ends the CLI with one line that names the bad input and exit code 2, not a stack trace. */
class SaccadeErrorsTest {
    @Test void badDatasetRootIsOneLineAndExitCodeTwo(@TempDir Path dir) {
        CommandLine cl = Saccade.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        Path missing = dir.resolve("no-such-dataset");
        int code = cl.execute("train", "--preset", "tsm-something", "--set", "dataset.root=" + missing,
                "--out", dir.resolve("run").toString(), "--no-progress");
        assertEquals(2, code, err.toString());
        String text = err.toString();
        assertTrue(text.startsWith("saccade train: "), text);
        assertTrue(text.contains(missing.toString()), "names the folder: " + text);
        assertTrue(!text.contains("\tat "), "no stack trace: " + text);
    }

    @Test void unknownModelIdListsTheKnownOnes() {
        CommandLine cl = Saccade.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("flops", "--model", "tsx-resnet50", "--frames", "8", "--classes", "10", "--size", "224");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("tsm-resnet50"), err.toString());
    }
}
