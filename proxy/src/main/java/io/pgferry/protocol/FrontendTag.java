package io.pgferry.protocol;

/** Type bytes of messages a client (frontend) sends, as named in the PostgreSQL protocol reference. */
public final class FrontendTag {
    public static final byte BIND = 'B';
    public static final byte CLOSE = 'C';
    public static final byte COPY_DATA = 'd';
    public static final byte COPY_DONE = 'c';
    public static final byte COPY_FAIL = 'f';
    public static final byte DESCRIBE = 'D';
    public static final byte EXECUTE = 'E';
    public static final byte FLUSH = 'H';
    public static final byte FUNCTION_CALL = 'F';
    public static final byte PARSE = 'P';
    /** PasswordMessage, SASLInitialResponse and SASLResponse share this byte. */
    public static final byte PASSWORD = 'p';
    public static final byte QUERY = 'Q';
    public static final byte SYNC = 'S';
    public static final byte TERMINATE = 'X';

    /** Indexed by type byte: whether a logged-in client may send it. */
    private static final boolean[] VALID = new boolean[256];

    static {
        for (byte tag : new byte[] {BIND, CLOSE, COPY_DATA, COPY_DONE, COPY_FAIL, DESCRIBE, EXECUTE, FLUSH,
                FUNCTION_CALL, PARSE, PASSWORD, QUERY, SYNC, TERMINATE}) {
            VALID[tag] = true;
        }
    }

    private FrontendTag() {
    }

    /**
     * Whether {@code type} opens a message a logged-in client may send ('p' included: PostgreSQL also reads it
     * then, and refuses it with its own error, as the session does).
     */
    public static boolean isValid(byte type) {
        return VALID[type & 0xFF];
    }
}
