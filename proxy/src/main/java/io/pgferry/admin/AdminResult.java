package io.pgferry.admin;

import java.util.List;

/** What a console command returns: columns, rows of text values (null for NULL), and the command tag. */
record AdminResult(List<String> columns, List<List<String>> rows, String tag) {
    /** A command that returns no rows, only its tag. */
    static AdminResult command(String tag) {
        return new AdminResult(List.of(), List.of(), tag);
    }
}
