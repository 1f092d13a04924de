package io.pgferry.admin;

import java.util.List;

/** What a console command returns: columns, rows of text values (null for NULL), and the command tag. */
record AdminResult(List<String> columns, List<List<String>> rows, String tag) {
}
