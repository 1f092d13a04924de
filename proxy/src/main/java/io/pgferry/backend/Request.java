package io.pgferry.backend;

import io.pgferry.protocol.BackendTag;

/**
 * The kind of request a reply answers; each knows which server message completes it. Query and FunctionCall
 * end only at ReadyForQuery; the extended-protocol messages end at their own completion message and Sync at
 * ReadyForQuery.
 */
public enum Request {
    PARSE, BIND, DESCRIBE, EXECUTE, CLOSE, SYNC, QUERY, FUNCTION_CALL;

    /** Whether a server message of this type completes this request. */
    boolean completedBy(byte type) {
        return switch (this) {
            case PARSE -> type == BackendTag.PARSE_COMPLETE;
            case BIND -> type == BackendTag.BIND_COMPLETE;
            case CLOSE -> type == BackendTag.CLOSE_COMPLETE;
            case DESCRIBE -> type == BackendTag.ROW_DESCRIPTION || type == BackendTag.NO_DATA;
            case EXECUTE -> type == BackendTag.COMMAND_COMPLETE || type == BackendTag.EMPTY_QUERY_RESPONSE
                    || type == BackendTag.PORTAL_SUSPENDED;
            case SYNC, QUERY, FUNCTION_CALL -> type == BackendTag.READY_FOR_QUERY;
        };
    }

    /** Whether this request ends with ReadyForQuery, so that an extended-protocol error skips up to it. */
    boolean endsWithReadyForQuery() {
        return this == SYNC || this == QUERY || this == FUNCTION_CALL;
    }
}
