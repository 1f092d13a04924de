package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.pgferry.protocol.Messages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the leading keywords of each statement in a SQL string (quotes, dollar quotes and comments respected)
 * to find what a transaction pool must know: session state it cannot carry to another server, SET of a
 * parameter, and statements that drop prepared statements. A lexical check, not a parser: it errs towards
 * pinning.
 */
public final class SessionStateScanner {
    private static final Pattern SESSION_ADVISORY_LOCK = Pattern.compile("(?i)pg_(try_)?advisory_lock");
    /** SELECT ... INTO TEMP creates a session temp table as CREATE TEMP TABLE AS does. */
    private static final Pattern SELECT_INTO_TEMP = Pattern.compile("(?i)\\binto\\s+(temp|temporary)\\s");
    private static final Pattern SET_CONFIG_CALL = Pattern.compile("(?i)\\bset_config\\s*\\(");
    /** Query texts up to this length are pre-checked in the event loop thread's scratch array. */
    private static final int SCRATCH_BYTES = 4096;
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[SCRATCH_BYTES];
        }
    };

    /**
     * What a SQL string does to session state. {@code resetParameters} are returned to their defaults (RESET, SET ...
     * TO DEFAULT), all of them if {@code resetsAll} (RESET ALL, DISCARD ALL).
     */
    record Effects(PinReason pin, List<String> setParameters, boolean dropsAllStatements, String deallocate,
                   List<String> resetParameters, boolean resetsAll) {
        static final Effects NONE = new Effects(null, List.of(), false, null, List.of(), false);
    }

    private SessionStateScanner() {
    }

    /**
     * What the NUL-terminated SQL text at absolute index {@code from} of {@code message} does to session state. The
     * text is decoded only if its bytes may matter: most queries are plain DML, told apart in one pass.
     */
    static Effects scan(ByteBuf message, int from) {
        return scan(message, from, Messages.skipCString(message, from) - 1 - from);
    }

    /**
     * What the text of a simple Query frame does to session state. The text is the whole body but its final NUL,
     * so it needs no search for its end; a frame without that NUL takes the searching path, which rejects it.
     */
    static Effects scanQuery(ByteBuf query) {
        int from = query.readerIndex() + Messages.BODY;
        int last = query.writerIndex() - 1;
        if (last < from || query.getByte(last) != 0) {
            return scan(query, from);
        }
        return scan(query, from, last - from);
    }

    private static Effects scan(ByteBuf message, int from, int length) {
        // Copied once: reading byte by byte through the buffer's checked accessors cost more than the scan itself.
        byte[] sql = length <= SCRATCH_BYTES ? SCRATCH.get() : new byte[length];
        message.getBytes(from, sql, 0, length);
        if (!mayAffectSession(sql, length)) {
            return Effects.NONE;
        }
        return analyse(new String(sql, 0, length, StandardCharsets.UTF_8));
    }

    private static Effects analyse(String sql) {
        PinReason pin = null;
        List<String> set = new ArrayList<>(0);
        boolean dropsAll = false;
        String deallocate = null;
        List<String> reset = new ArrayList<>(0);
        boolean resetsAll = false;
        List<List<String>> statements = leadingWords(sql);
        for (List<String> words : statements) {
            if (words.isEmpty()) {
                continue;
            }
            String first = words.get(0);
            String second = words.size() > 1 ? words.get(1) : "";
            switch (first) {
                case "SET" -> {
                    String name = setTarget(words);
                    if (name != null) {
                        set.add(name);
                        if (words.contains("DEFAULT")) {
                            reset.add(name);
                        }
                    }
                }
                case "RESET" -> {
                    String name = resetTarget(words);
                    if (name == null) {
                        resetsAll = true;
                    } else {
                        reset.add(name);
                    }
                }
                case "LISTEN" -> pin = firstOf(pin, PinReason.LISTEN);
                case "LOAD" -> pin = firstOf(pin, PinReason.LOAD);
                case "PREPARE" -> pin = second.equals("TRANSACTION") ? pin : firstOf(pin, PinReason.SQL_PREPARE);
                case "DECLARE" -> pin = words.contains("HOLD") ? firstOf(pin, PinReason.CURSOR_WITH_HOLD) : pin;
                case "CREATE" -> pin = createsSessionTempTable(words) ? firstOf(pin, PinReason.TEMP_TABLE) : pin;
                case "DISCARD" -> {
                    dropsAll |= second.equals("ALL");
                    resetsAll |= second.equals("ALL");
                }
                case "DEALLOCATE" -> {
                    String name = second.equals("PREPARE") ? (words.size() > 2 ? words.get(2) : "") : second;
                    if (name.equals("ALL")) {
                        dropsAll = true;
                    } else if (statements.size() == 1) {
                        deallocate = name.toLowerCase(Locale.ROOT);
                    }
                }
                default -> { }
            }
        }
        if (pin == null && SESSION_ADVISORY_LOCK.matcher(sql).find()) {
            pin = PinReason.ADVISORY_LOCK;
        }
        if (pin == null && SELECT_INTO_TEMP.matcher(sql).find()) {
            pin = PinReason.TEMP_TABLE;
        }
        if (pin == null && setsConfigForSession(sql)) {
            pin = PinReason.UNTRACKED_SET;
        }
        if (pin == null && set.isEmpty() && !dropsAll && deallocate == null && reset.isEmpty() && !resetsAll) {
            return Effects.NONE;
        }
        return new Effects(pin, set, dropsAll, deallocate, reset, resetsAll);
    }

    /**
     * Whether a {@code set_config(name, value, is_local)} call may set a parameter for the session: any call whose
     * third argument is not the literal {@code true}. pgferry cannot tell which parameter a non-literal name sets,
     * so such a client is pinned rather than tracked.
     */
    static boolean setsConfigForSession(String sql) {
        var call = SET_CONFIG_CALL.matcher(sql);
        while (call.find()) {
            List<String> arguments = arguments(sql, call.end());
            if (arguments.size() != 3 || !arguments.get(2).equalsIgnoreCase("true")) {
                return true;
            }
        }
        return false;
    }

    /** The top-level, trimmed arguments of a call whose '(' ends just before {@code from}; quotes respected. */
    private static List<String> arguments(String sql, int from) {
        List<String> arguments = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int i = from; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'') {
                int close = sql.indexOf('\'', i + 1);
                i = close < 0 ? sql.length() : close;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth-- == 0) {
                arguments.add(sql.substring(start, i).trim());
                return arguments;
            } else if (c == ',' && depth == 0) {
                arguments.add(sql.substring(start, i).trim());
                start = i + 1;
            }
        }
        return arguments;
    }

    /**
     * A cheap pre-check on the hot path, over the UTF-8 bytes (every word it looks for is ASCII): a single plain
     * statement (DML or transaction control) without the words "advisory", "set_config" or "temp" cannot change
     * session state, so most queries, BEGIN and COMMIT included, are neither decoded nor tokenized. Reads the first
     * {@code to} bytes of {@code sql}.
     */
    public static boolean mayAffectSession(byte[] sql, int to) {
        int i = 0;
        while (i < to && (isSpace(sql[i]) || sql[i] == '(')) {
            i++;
        }
        if (i == to) {
            return false;
        }
        if (!startsPlainStatement(sql, i, to)) {
            return true;
        }
        boolean semicolon = false;
        for (; i < to; i++) {
            byte b = sql[i];
            if (semicolon && !isSpace(b)) {
                return true;
            }
            // Lower-casing by bit: only 'A'/'a', 'S'/'s' and 'T'/'t' map onto the three first letters.
            int lower = b | 0x20;
            if (b == ';') {
                semicolon = true;
            } else if ((lower == 'a' && matchesIgnoringCase(sql, i, to, "advisory"))
                    || (lower == 's' && matchesIgnoringCase(sql, i, to, "set_config"))
                    || (lower == 't' && matchesIgnoringCase(sql, i, to, "temp"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the statement at {@code at} is DML or transaction control, which keep the session as it is. */
    private static boolean startsPlainStatement(byte[] sql, int at, int to) {
        return switch (sql[at] | 0x20) {
            case 'i', 'u', 'w', 'v', 't' -> true;
            case 's' -> matchesIgnoringCase(sql, at, to, "select") || matchesIgnoringCase(sql, at, to, "start")
                    || matchesIgnoringCase(sql, at, to, "savepoint");
            case 'd' -> matchesIgnoringCase(sql, at, to, "delete");
            case 'b' -> matchesIgnoringCase(sql, at, to, "begin");
            case 'c' -> matchesIgnoringCase(sql, at, to, "commit");
            case 'e' -> matchesIgnoringCase(sql, at, to, "end");
            case 'r' -> matchesIgnoringCase(sql, at, to, "rollback") || matchesIgnoringCase(sql, at, to, "release");
            case 'a' -> matchesIgnoringCase(sql, at, to, "abort");
            default -> false;
        };
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    /** Whether {@code word} (ASCII lower case letters and '_') occurs at {@code at}, in any case. */
    private static boolean matchesIgnoringCase(byte[] sql, int at, int to, String word) {
        if (at + word.length() > to) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if ((sql[at + i] | 0x20) != (word.charAt(i) | 0x20)) {
                return false;
            }
        }
        return true;
    }

    private static PinReason firstOf(PinReason current, PinReason candidate) {
        return current != null ? current : candidate;
    }

    /** The lower-case parameter a SET changes for the session, or {@code null} for SET LOCAL / SET TRANSACTION. */
    private static String setTarget(List<String> words) {
        int at = 1;
        if (words.size() > at && words.get(at).equals("SESSION")) {
            at++;
            if (words.size() > at && words.get(at).equals("AUTHORIZATION")) {
                return "session_authorization";
            }
            if (words.size() > at && words.get(at).equals("CHARACTERISTICS")) {
                return "default_transaction_isolation";
            }
        }
        if (words.size() <= at || words.get(at).equals("LOCAL") || words.get(at).equals("TRANSACTION")
                || words.get(at).equals("CONSTRAINTS")) {
            return null;
        }
        if (words.get(at).equals("TIME") && words.size() > at + 1 && words.get(at + 1).equals("ZONE")) {
            return "timezone";
        }
        return words.get(at).toLowerCase(Locale.ROOT);
    }

    /** The parameter a RESET returns to its default, lower-cased, or {@code null} for RESET ALL. */
    private static String resetTarget(List<String> words) {
        String second = words.size() > 1 ? words.get(1) : "ALL";
        if (second.equals("ALL")) {
            return null;
        }
        if (second.equals("SESSION")) {
            return "session_authorization";
        }
        if (second.equals("TIME") && words.size() > 2 && words.get(2).equals("ZONE")) {
            return "timezone";
        }
        return second.toLowerCase(Locale.ROOT);
    }

    private static boolean createsSessionTempTable(List<String> words) {
        boolean temporary = words.contains("TEMP") || words.contains("TEMPORARY");
        return temporary && !(words.contains("COMMIT") && words.contains("DROP"));
    }

    /**
     * Splits {@code sql} into statements and returns each one's words, upper-cased, up to a bound; quoted
     * identifiers keep their case. Words of interest all come early, except ON COMMIT DROP and WITH HOLD.
     */
    static List<List<String>> leadingWords(String sql) {
        List<List<String>> statements = new ArrayList<>();
        List<String> words = new ArrayList<>();
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == ';') {
                statements.add(words);
                words = new ArrayList<>();
                i++;
            } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
                i = skipTo(sql, i, "\n");
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                i = skipTo(sql, i + 2, "*/");
            } else if (c == '\'') {
                i = skipTo(sql, i + 1, "'");
            } else if (c == '"') {
                int end = skipTo(sql, i + 1, "\"");
                if (words.size() < 64) {
                    words.add(sql.substring(i + 1, Math.max(i + 1, end - 1)));
                }
                i = end;
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                i = skipTo(sql, i + tag.length(), tag);
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < length && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                if (words.size() < 64) {
                    words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
                }
            } else {
                i++;
            }
        }
        statements.add(words);
        return statements;
    }

    /** Index just past the next {@code end} at or after {@code from}, or the end of the text. */
    private static int skipTo(String sql, int from, String end) {
        int at = sql.indexOf(end, from);
        return at < 0 ? sql.length() : at + end.length();
    }

    /** The {@code $tag$} opening a dollar-quoted string at {@code at}, or {@code null}. */
    private static String dollarTag(String sql, int at) {
        int end = at + 1;
        while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
            end++;
        }
        return end < sql.length() && sql.charAt(end) == '$' ? sql.substring(at, end + 1) : null;
    }
}
