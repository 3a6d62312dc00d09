/**
 * The {@code saccade} command line (picocli): {@code demo}, {@code train}, {@code eval}, {@code predict},
 * {@code models}, {@code flops}, {@code info}. The runnable jar is {@code saccade-cli-*-all.jar}.
 *
 * <p><b>Internal.</b> The interface is the command line, documented in the README and by {@code saccade --help}; the
 * classes here change with it. Java applications use {@code saccade-inference}.
 */
package dev.saccade.cli;
