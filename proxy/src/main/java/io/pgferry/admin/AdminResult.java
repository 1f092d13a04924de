package io.pgferry.admin;

import java.util.List;

/**
 * What a console command returns: columns, rows of text values (null for NULL), the command tag, and a notice sent
 * before them ({@code null}: none), with its detail.
 */
record AdminResult(List<String> columns, List<List<String>> rows, String tag, String notice, String noticeDetail) {
    AdminResult(List<String> columns, List<List<String>> rows, String tag) {
        this(columns, rows, tag, null, null);
    }

    /** A command that returns no rows, only its tag. */
    static AdminResult command(String tag) {
        return new AdminResult(List.of(), List.of(), tag);
    }
}
