package io.pgferry.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypedFramesTest {
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private final List<ByteBuf> framed = new ArrayList<>();

    /** ParseComplete, BindComplete, a DataRow of one 300-byte column, CommandComplete, ReadyForQuery. */
    private static byte[] reply() {
        ByteBuf buffer = ALLOC.buffer();
        buffer.writeBytes(new byte[] {'1', 0, 0, 0, 4, '2', 0, 0, 0, 4});
        buffer.writeByte('D').writeInt(4 + 2 + 4 + 300).writeShort(1).writeInt(300).writeZero(300);
        ByteBuf complete = BackendMessages.commandComplete(ALLOC, "SELECT 1");
        buffer.writeBytes(complete);
        complete.release();
        buffer.writeBytes(new byte[] {'Z', 0, 0, 0, 5, 'I'});
        byte[] bytes = ByteBufUtil.getBytes(buffer);
        buffer.release();
        return bytes;
    }

    private List<byte[]> takeFramed() {
        List<byte[]> bytes = new ArrayList<>();
        for (ByteBuf frame : framed) {
            bytes.add(ByteBufUtil.getBytes(frame));
            assertEquals(1, frame.refCnt(), "each frame is handed on with a reference of its own");
            frame.release();
        }
        framed.clear();
        return bytes;
    }

    private static ByteBuf received(byte[] bytes, int from, int to) {
        return ALLOC.directBuffer(to - from).writeBytes(bytes, from, to - from);
    }

    @Test
    void framesEveryMessageOfABurstInOrder() {
        byte[] reply = reply();
        TypedFrames frames = new TypedFrames(1 << 20, ALLOC, framed::add);
        frames.read(received(reply, 0, reply.length));
        List<byte[]> messages = takeFramed();
        assertEquals(List.of('1', '2', 'D', 'C', 'Z'), messages.stream().map(m -> (char) m[0]).toList());
        assertEquals(reply.length, messages.stream().mapToInt(m -> m.length).sum());
        assertEquals(0, frames.carriedBytes());
    }

    @Test
    void messagesSplitAtEveryPossibleByteComeOutWhole() {
        byte[] reply = reply();
        for (int cut = 1; cut < reply.length; cut++) {
            TypedFrames frames = new TypedFrames(1 << 20, ALLOC, framed::add);
            frames.read(received(reply, 0, cut));
            List<byte[]> first = takeFramed();
            frames.read(received(reply, cut, reply.length));
            List<byte[]> all = new ArrayList<>(first);
            all.addAll(takeFramed());
            assertEquals(5, all.size(), "cut at " + cut);
            assertArrayEquals(reply, concat(all), "cut at " + cut);
            assertEquals(0, frames.carriedBytes());
        }
    }

    @Test
    void aLargeMessageArrivingInSmallReadsIsCarriedUntilWhole() {
        byte[] row = new byte[1 + 4 + 100_000];
        row[0] = 'd';
        ALLOC.heapBuffer(4).writeInt(row.length - 1).readBytes(row, 1, 4).release();
        Arrays.fill(row, 5, row.length, (byte) 7);
        TypedFrames frames = new TypedFrames(1 << 20, ALLOC, framed::add);
        for (int at = 0; at < row.length; at += 1000) {
            frames.read(received(row, at, Math.min(row.length, at + 1000)));
        }
        assertArrayEquals(row, concat(takeFramed()));
        assertEquals(0, frames.carriedBytes());
    }

    /**
     * Issue 22.9: a 64 MiB Query in 16 KiB reads grows its buffer by doubling, never past the declared size (Netty's
     * own growth steps by 4 MiB past 4 MiB: 23 regrowths here, each copying everything so far).
     */
    @Test
    void aHugeMessageGrowsItsBufferGeometricallyUpToItsDeclaredSize() {
        int size = 64 << 20;
        byte[] chunk = new byte[16 << 10];
        TypedFrames frames = TypedFrames.fromClient(size + 1, ALLOC, framed::add);
        frames.read(ALLOC.buffer().writeByte('Q').writeInt(size).writeBytes(chunk, 0, chunk.length - 5));
        java.util.Set<Integer> capacities = new java.util.HashSet<>();
        for (int sent = chunk.length; sent < size + 1; sent += chunk.length) {
            frames.read(ALLOC.buffer(chunk.length).writeBytes(chunk, 0, Math.min(chunk.length, size + 1 - sent)));
            capacities.add(frames.carriedCapacity());
            assertTrue(frames.carriedCapacity() <= size + 1, "capacity " + frames.carriedCapacity());
        }
        assertTrue(capacities.size() <= 14, "regrowths: " + capacities.size());
        List<byte[]> messages = takeFramed();
        assertEquals(1, messages.size());
        assertEquals(size + 1, messages.get(0).length);
    }

    @Test
    void aClientsUnknownTypeByteIsRefusedBeforeItsLength() {
        ByteBuf unknown = ALLOC.buffer().writeByte('z');
        TypedFrames frames = TypedFrames.fromClient(1 << 20, ALLOC, framed::add);
        ProtocolViolation e = assertThrows(ProtocolViolation.class, () -> frames.read(unknown));
        assertEquals("invalid frontend message type 122", e.getMessage());
        assertEquals(0, unknown.refCnt());
    }

    @Test
    void aBadLengthIsAProtocolViolationAndTheBufferIsReleased() {
        ByteBuf tooLong = ALLOC.buffer().writeByte('D').writeInt(2_000_000);
        TypedFrames frames = new TypedFrames(1 << 20, ALLOC, framed::add);
        assertThrows(ProtocolViolation.class, () -> frames.read(tooLong));
        assertEquals(0, tooLong.refCnt());
        ByteBuf tooShort = ALLOC.buffer().writeByte('Z').writeInt(3);
        assertThrows(ProtocolViolation.class, () -> frames.read(tooShort));
        assertEquals(0, tooShort.refCnt());
    }

    @Test
    void releaseDropsCarriedBytes() {
        ByteBuf partial = ALLOC.buffer().writeByte('Z').writeInt(5);
        TypedFrames frames = new TypedFrames(1 << 20, ALLOC, framed::add);
        frames.read(partial);
        assertEquals(5, frames.carriedBytes());
        frames.release();
        assertEquals(0, partial.refCnt());
        assertEquals(0, frames.carriedBytes());
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteBuf all = ALLOC.heapBuffer();
        parts.forEach(all::writeBytes);
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }
}
