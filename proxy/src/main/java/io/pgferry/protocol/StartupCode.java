package io.pgferry.protocol;

/** The Int32 codes that open the untyped messages a client may send before or instead of a StartupMessage. */
public final class StartupCode {
    public static final int PROTOCOL_3_0 = 196608;
    public static final int SSL_REQUEST = 80877103;
    public static final int GSSENC_REQUEST = 80877104;
    public static final int CANCEL_REQUEST = 80877102;
    /** The length word and the code: the shortest startup packet there is (an SSLRequest). */
    public static final int MIN_STARTUP_LENGTH = 8;
    /** A CancelRequest: length, code, process id and secret key. */
    public static final int CANCEL_REQUEST_LENGTH = 16;
    /** PostgreSQL's own bound on a startup packet (MAX_STARTUP_PACKET_LENGTH). */
    public static final int MAX_STARTUP_LENGTH = 10_000;

    private StartupCode() {
    }
}
