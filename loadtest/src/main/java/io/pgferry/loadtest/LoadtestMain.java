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
            case "throughput" -> Throughput.main(rest);
            case "memory" -> Memory.main(rest);
            case "edge" -> io.pgferry.loadtest.edge.EdgeScenario.main(rest);
            case "http-throughput" -> HttpThroughput.main(rest);
            case "login-timing" -> LoginTiming.main(rest);
            case "login-rate" -> LoginRate.main(rest);
            case "failover" -> Failover.main(rest);
            case "read-routing" -> ReadRoutingLoad.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest.length == 0 ? new String[] {"io.pgferry.loadtest.jmh"} : rest);
            default -> {
                System.err.println("usage: pgferry-loadtest demo [--port N]\n       pgferry-loadtest throughput [--clients 8,64,256] [--modes simple,extended,prepared] [--scripts select-only,tpcb] [--targets direct,pgferry,pgbouncer] [--baseline OTHER/bin/pgferry] [--pgbouncer 1.24.1|debian|PATH] [--duration 10] [--pool 20] [--scale 10] [--threads 0] [--warmup 20] [--rounds 1] [--tls on|off] [--launcher bin/pgferry] [--jvm \"OPTIONS\"]\n       pgferry-loadtest memory [--clients 1000,10000] [--tls on|off] [--pgbouncer 1.24.1|debian|PATH] [--launcher bin/pgferry] [--jvm \"OPTIONS\"]\n       pgferry-loadtest edge [-n 100] [-c 1] [--delay-ms 10] [--tls on|off] [--methods simple,query,pipelined,prepared,direct-tls,pipelined-login,http,websocket] [--targets direct,pgferry-near-db,pgferry-near-worker,hikari]\n       pgferry-loadtest http-throughput [--clients 16] [--duration 10] [--rounds 3] [--scale 1] [--warmup 15] [--launcher bin/pgferry] [--jvm \"OPTIONS\"]\n       pgferry-loadtest login-timing [--tries 200] [--launcher bin/pgferry]\n       pgferry-loadtest login-rate [--clients 8] [--duration 10] [--rounds 3] [--warmup 20] [--pgbouncer 1.24.1|debian|PATH] [--launcher bin/pgferry] [--jvm \"OPTIONS\"]\n       pgferry-loadtest failover [--clients 8] [--commits 2000] [--targets pgferry,pgferry-unbuffered,pgbouncer] [--pgbouncer 1.24.1|debian|PATH] [--launcher bin/pgferry]\n       pgferry-loadtest read-routing [--clients 8] [--duration 10] [--rounds 2] [--warmup 15] [--mode extended] [--launcher bin/pgferry]\n       pgferry-loadtest jmh [JMH options]");
                System.exit(command.equals("help") ? 0 : 2);
            }
        }
    }
}
