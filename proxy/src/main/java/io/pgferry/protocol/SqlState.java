package io.pgferry.protocol;

/** The SQLSTATE codes pgferry puts in the errors it makes itself. */
public final class SqlState {
    public static final String PROTOCOL_VIOLATION = "08P01";
    public static final String CONNECTION_FAILURE = "08006";
    /** The server is starting up, shutting down or in recovery. */
    public static final String CANNOT_CONNECT_NOW = "57P03";
    public static final String INVALID_PASSWORD = "28P01";
    public static final String INVALID_AUTHORIZATION = "28000";
    public static final String INVALID_CATALOG_NAME = "3D000";
    public static final String TOO_MANY_CONNECTIONS = "53300";
    public static final String QUERY_CANCELED = "57014";
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    public static final String INTERNAL_ERROR = "XX000";
    public static final String ADMIN_SHUTDOWN = "57P01";
    public static final String OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";
    public static final String TRANSACTION_TIMEOUT = "25P04";
    public static final String INSUFFICIENT_PRIVILEGE = "42501";
    public static final String SYNTAX_ERROR = "42601";

    private SqlState() {
    }
}
