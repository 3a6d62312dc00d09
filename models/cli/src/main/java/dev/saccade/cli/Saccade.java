package dev.saccade.cli;

import dev.saccade.data.io.DataFileException;
import dev.saccade.inference.InferenceException;
import dev.saccade.nn.io.SafeText;
import dev.saccade.train.NonFiniteLossException;
import dev.saccade.kernels.cpu.VectorModule;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code saccade} command line: {@code demo}, {@code train}, {@code eval}, {@code predict}, {@code stream}, {@code bench}, {@code flops}, {@code models}, {@code info}.
 *
 * <pre>{@code
 * saccade flops --model tsm-resnet50 --frames 8 --classes 174 --size 224
 * }</pre>
 */
@Command(name = "saccade", mixinStandardHelpOptions = true, version = "saccade 0.1",
         description = "Video action recognition models (TSN, TSM and temporal attention) in Java.",
         subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, StreamCommand.class, BenchCommand.class, FlopsCommand.class, ModelsCommand.class, InfoCommand.class})
public final class Saccade implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) {
        if (!VectorModule.present()) {
            System.err.println("saccade: the JVM lacks the Vector API module; run java --add-modules " + VectorModule.NAME
                    + " --enable-native-access=ALL-UNNAMED -jar saccade-cli-all.jar … (the ./saccade launcher does this)");
            System.exit(2);
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with saccade's error handling: a user error (a bad file, field, shape or value; a non-finite
     * loss) prints one line naming what is wrong and exits with 2; anything else prints its stack trace and exits
     * with 1. {@code -Dsaccade.debug=true} prints the stack trace for user errors too. The line is escaped
     * ({@link SafeText}): text that came from a file cannot send escape sequences to the terminal.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Saccade());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (isUserError(e) && !Boolean.getBoolean("saccade.debug")) {
                cmd.getErr().println(SafeText.escape("saccade " + cmd.getCommandName() + ": " + e.getMessage()));
                return 2;
            }
            throw e;
        });
        return cl;
    }

    /**
     * Whether {@code e} is the user's to fix (printed as one line, exit code 2): a bad argument or state, a file that
     * cannot be read ({@link java.io.IOException}, {@code ArrayFileException} among them; {@link DataFileException}
     * from the dataset readers), an inference input error, a non-finite loss.
     */
    static boolean isUserError(Exception e) {
        return e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof InferenceException || e instanceof DataFileException || e instanceof NonFiniteLossException
                || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                || e instanceof ArithmeticException;
    }
}
