package dev.saccade.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code saccade} command line: {@code demo}, {@code train}, {@code eval}, {@code predict}, {@code flops}, {@code models}, {@code info}.
 *
 * <pre>{@code
 * saccade flops --model tsm-resnet50 --frames 8 --classes 174 --size 224
 * }</pre>
 */
@Command(name = "saccade", mixinStandardHelpOptions = true, version = "saccade 0.1",
         description = "Video action recognition models (TSN, TSM and temporal attention) in Java.",
         subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, FlopsCommand.class, ModelsCommand.class, InfoCommand.class})
public final class Saccade implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) { System.exit(new CommandLine(new Saccade()).execute(args)); }
}
