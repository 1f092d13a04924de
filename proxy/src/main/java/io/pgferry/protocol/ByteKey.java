package io.pgferry.protocol;

import java.util.Arrays;

/**
 * Bytes taken from a message, usable as a map key: equal by content, with the hash computed once. The array is
 * not copied, so its owner must not change it afterwards.
 */
public record ByteKey(byte[] bytes, int hash) {
    public ByteKey(byte[] bytes) {
        this(bytes, Arrays.hashCode(bytes));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ByteKey key && hash == key.hash && Arrays.equals(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
