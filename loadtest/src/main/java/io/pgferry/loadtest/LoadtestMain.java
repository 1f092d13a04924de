package io.pgferry.loadtest;

import java.util.Arrays;

/** Entry point of {@code pgferry-loadtest.jar}: dispatches to a subcommand. */
public final class LoadtestMain {
    private LoadtestMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "demo" -> Demo.main(rest);
            default -> {
                System.err.println("usage: pgferry-loadtest demo [--port N]");
                System.exit(command.equals("help") ? 0 : 2);
            }
        }
    }
}
