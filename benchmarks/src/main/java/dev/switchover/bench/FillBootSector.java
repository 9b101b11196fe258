package dev.switchover.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * 512-byte x86 boot sectors, assembled by hand, that fill guest RAM from 1 MiB upwards with a
 * 32-bit pattern ({@code rep stosl}) and then either halt for ever ({@link #filling}) or keep
 * dirtying a working set ({@link #dirtying}): the QEMU side of the benchmarks boots them so that
 * its RAM holds non-zero pages, as the Switchover side's {@code fill=pattern} does, and so that a
 * QEMU guest dirties memory as a Switchover {@code working-set=..,dirty-rate=..} RAM device does.
 *
 * <p>SeaBIOS loads a sector at {@code 0x7C00} in real mode; it switches to flat 32-bit protected
 * mode (a three-entry GDT in the sector itself) because real-mode segments reach only 64 KiB:
 * <pre>
 * 0x00  FA                cli
 * 0x01  31 C0             xor ax, ax
 * 0x03  8E D8             mov ds, ax
 * 0x05  0F 01 16 70 7C    lgdt [0x7C70]            ; the descriptor at offset 0x70
 * 0x0A  0F 20 C0          mov eax, cr0
 * 0x0D  0C 01             or al, 1                 ; CR0.PE
 * 0x0F  0F 22 C0          mov cr0, eax
 * 0x12  EA 17 7C 08 00    jmp 0x08:0x7C17          ; flat code segment, offset 0x17 below
 *       ; 32-bit code
 * 0x17  66 B8 10 00       mov ax, 0x10             ; flat data segment
 * 0x1B  8E D8             mov ds, ax
 * 0x1D  8E C0             mov es, ax
 * 0x1F  BF 00 00 10 00    mov edi, 0x100000        ; 1 MiB: above the BIOS and the sector itself
 * 0x24  B9 nn nn nn nn    mov ecx, COUNT           ; 32-bit words to store
 * 0x29  B8 pp pp pp pp    mov eax, PATTERN
 * 0x2E  FC                cld
 * 0x2F  F3 AB             rep stosl
 *       ; filling: halt
 * 0x31  F4                hlt                      ; QEMU's "info registers" shows HLT=1
 * 0x32  EB FD             jmp 0x31
 *       ; dirtying: one dword per page of the working set, a delay loop between pages
 * 0x31  BD 44 49 52 54    mov ebp, 0x54524944      ; "DIRT": "info registers" shows EBP=54524944
 * 0x36  BF 00 00 10 00    mov edi, 0x100000        ; outer: the working set starts at 1 MiB
 * 0x3B  BA ss ss ss ss    mov edx, PAGES           ; pages in the working set
 * 0x40  FF 07             inc dword [edi]          ; page: a new value, so the page is dirty
 * 0x42  81 C7 00 10 00 00 add edi, 4096
 * 0x48  B9 dd dd dd dd    mov ecx, DELAY
 * 0x4D  E2 FE             loop 0x4D                ; DELAY iterations
 * 0x4F  4A                dec edx
 * 0x50  75 EE             jnz 0x40                 ; next page
 * 0x52  EB E2             jmp 0x36                 ; the working set again
 * 0x58  GDT: null, code (base 0, limit 4 GiB, 0x9A), data (0x92)     ; 3 x 8 bytes
 * 0x70  GDT descriptor: limit 23, base 0x7C58
 * 0x1FE 55 AA             boot signature
 * </pre>
 * {@code FillBootSectorTest} checks the bytes against GNU {@code as --32}. Without paging the
 * guest reaches only the first 4 GiB of its address space, and QEMU's {@code pc} machine maps at
 * most the first 3 GiB of RAM there ({@link #MAX_FILL_END}); larger machines are not filled.
 */
final class FillBootSector {

    /** Where the fill starts, and where the dirtying sector's working set starts. */
    static final long FILL_START = 1L << 20;
    /** The end of the low RAM a 32-bit guest can reach on QEMU's {@code pc} machine. */
    static final long MAX_FILL_END = 3L << 30;
    /** {@code "DIRT"}, in {@code ebp} once the dirtying sector has filled RAM. */
    private static final int MARK = 0x54524944;
    /** What {@code info registers} shows once the dirtying sector has filled RAM and dirties it. */
    static final String DIRTYING_MARK = "EBP=" + Integer.toHexString(MARK);
    /** What {@code info registers} shows once the filling sector has filled RAM and halted. */
    static final String HALTED_MARK = "HLT=1";

    private static final int PAGE = 4096;
    private static final int TAIL = 0x31;
    private static final int GDT = 0x58;
    private static final int GDT_DESCRIPTOR = 0x70;
    private static final int LOAD_ADDRESS = 0x7C00;

    private FillBootSector() {
    }

    /**
     * The sector filling {@code [1 MiB, fillEnd)} with {@code pattern}, then halting; {@code
     * fillEnd <= 1 MiB} gives a sector that only halts (an all-zero guest).
     */
    static byte[] filling(long fillEnd, int pattern) {
        ByteBuffer b = prologue(fillEnd, pattern);
        b.put(bytes(0xF4, 0xEB, 0xFD));
        return epilogue(b);
    }

    /**
     * The sector filling {@code [1 MiB, fillEnd)} with {@code pattern}, then incrementing one
     * dword in each page of {@code [1 MiB, 1 MiB + workingSet)} for ever, with {@code delay}
     * iterations of {@code loop} between pages: the dirty rate is {@code 4096 ÷ (the time of
     * delay iterations)} bytes/s, whatever speed the CPU (or TCG) runs them at.
     *
     * @param workingSet bytes, a multiple of 4096 within the fill
     * @param delay      {@code loop} iterations between pages, at least 1
     */
    static byte[] dirtying(long fillEnd, int pattern, long workingSet, int delay) {
        if (workingSet < PAGE || workingSet % PAGE != 0 || FILL_START + workingSet > fillEnd) {
            throw new IllegalArgumentException("a working set of " + workingSet
                    + " bytes is not whole pages within the fill [1 MiB, " + fillEnd + ")");
        }
        if (delay < 1) {
            throw new IllegalArgumentException("a delay of " + delay + " loop iterations: at least 1");
        }
        ByteBuffer b = prologue(fillEnd, pattern);
        b.put((byte) 0xBD).putInt(MARK);
        b.put((byte) 0xBF).putInt((int) FILL_START);
        b.put((byte) 0xBA).putInt((int) (workingSet / PAGE));
        b.put(bytes(0xFF, 0x07, 0x81, 0xC7)).putInt(PAGE);
        b.put((byte) 0xB9).putInt(delay);
        b.put(bytes(0xE2, 0xFE, 0x4A, 0x75, 0xEE, 0xEB, 0xE2));
        return epilogue(b);
    }

    /** Protected mode and the fill, up to {@link #TAIL}. */
    private static ByteBuffer prologue(long fillEnd, int pattern) {
        if (fillEnd > MAX_FILL_END) {
            throw new IllegalArgumentException("a 32-bit boot sector fills at most " + MAX_FILL_END + " bytes");
        }
        long words = Math.max(0, fillEnd - FILL_START) / Integer.BYTES;
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.put(bytes(0xFA, 0x31, 0xC0, 0x8E, 0xD8, 0x0F, 0x01, 0x16)).putShort((short) (LOAD_ADDRESS + GDT_DESCRIPTOR));
        b.put(bytes(0x0F, 0x20, 0xC0, 0x0C, 0x01, 0x0F, 0x22, 0xC0));
        b.put((byte) 0xEA).putShort((short) (LOAD_ADDRESS + 0x17)).putShort((short) 0x08);
        b.put(bytes(0x66, 0xB8, 0x10, 0x00, 0x8E, 0xD8, 0x8E, 0xC0));
        b.put((byte) 0xBF).putInt((int) FILL_START);
        b.put((byte) 0xB9).putInt((int) words);
        b.put((byte) 0xB8).putInt(pattern);
        b.put(bytes(0xFC, 0xF3, 0xAB));
        check(b.position() == TAIL, "the fill ends at the tail");
        return b;
    }

    /** The GDT, its descriptor and the boot signature after the tail. */
    private static byte[] epilogue(ByteBuffer b) {
        check(b.position() <= GDT, "code ends before the GDT");
        b.position(GDT);
        b.putLong(0);
        b.putLong(0x00CF9A000000FFFFL);
        b.putLong(0x00CF92000000FFFFL);
        check(b.position() == GDT_DESCRIPTOR, "GDT ends at its descriptor");
        b.putShort((short) 23).putInt(LOAD_ADDRESS + GDT);
        b.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        return b.array();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("boot sector layout broken: " + what);
        }
    }
}
