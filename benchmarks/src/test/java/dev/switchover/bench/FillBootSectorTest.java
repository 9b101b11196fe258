package dev.switchover.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The hand-assembled boot sectors are the bytes GNU {@code as --32} makes of their listing. */
class FillBootSectorTest {

    private static final String PROLOGUE = """
            .code16
            cli
            xor %ax, %ax
            mov %ax, %ds
            lgdt 0x7c70
            mov %cr0, %eax
            or $1, %al
            mov %eax, %cr0
            ljmp $0x08, $0x7c17
            .code32
            mov $0x10, %ax
            mov %ax, %ds
            mov %ax, %es
            mov $0x100000, %edi
            mov $COUNT, %ecx
            mov $0x5a5aa5a5, %eax
            cld
            rep stosl
            """;
    private static final String EPILOGUE = """
            .org 0x58
            .quad 0
            .quad 0x00cf9a000000ffff
            .quad 0x00cf92000000ffff
            .word 23
            .long 0x7c58
            .org 510
            .byte 0x55, 0xaa
            """;

    @TempDir
    Path dir;

    @Test
    void fillingSectorIsItsListing() throws Exception {
        String halt = """
                halt: hlt
                jmp halt
                """;
        assertThat(FillBootSector.filling(256L << 20, 0x5A5AA5A5))
                .isEqualTo(assemble(PROLOGUE.replace("COUNT", "0x3fc0000") + halt + EPILOGUE));
    }

    @Test
    void dirtyingSectorIsItsListing() throws Exception {
        String dirty = """
                mov $0x54524944, %ebp
                outer: mov $0x100000, %edi
                mov $8192, %edx
                page: incl (%edi)
                add $4096, %edi
                mov $1234, %ecx
                delay: loop delay
                dec %edx
                jnz page
                jmp outer
                """;
        assertThat(FillBootSector.dirtying(256L << 20, 0x5A5AA5A5, 32L << 20, 1234))
                .isEqualTo(assemble(PROLOGUE.replace("COUNT", "0x3fc0000") + dirty + EPILOGUE));
    }

    @Test
    void dirtyingSectorRefusesAWorkingSetBeyondTheFill() {
        assertThatThrownBy(() -> FillBootSector.dirtying(16L << 20, 1, 16L << 20, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("working set");
        assertThatThrownBy(() -> FillBootSector.dirtying(64L << 20, 1, 16L << 20, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    }

    private byte[] assemble(String source) throws IOException, InterruptedException {
        Path s = dir.resolve("sector.s");
        Files.writeString(s, source, StandardCharsets.US_ASCII);
        run("as", "--32", "-o", dir.resolve("sector.o").toString(), s.toString());
        run("objcopy", "-O", "binary", "-j", ".text", dir.resolve("sector.o").toString(),
                dir.resolve("sector.bin").toString());
        return Files.readAllBytes(dir.resolve("sector.bin"));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "GNU binutils' " + command[0] + " is not installed: " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(command[0] + " finished").isTrue();
        assertThat(p.exitValue()).as(command[0] + ": " + out).isZero();
    }
}
