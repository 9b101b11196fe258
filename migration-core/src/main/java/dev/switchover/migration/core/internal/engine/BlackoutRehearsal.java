package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.core.internal.stream.CommitRecords;
import dev.switchover.migration.core.internal.stream.ReturnPath;
import dev.switchover.migration.core.internal.stream.ReturnPathMessage;
import dev.switchover.migration.core.internal.stream.SectionRecord;
import dev.switchover.migration.core.internal.stream.StreamFormat;
import dev.switchover.migration.core.internal.stream.StreamItem;
import dev.switchover.migration.core.internal.stream.StreamManifest;
import dev.switchover.migration.core.internal.stream.StreamReader;
import dev.switchover.migration.core.internal.stream.StreamVerifier;
import dev.switchover.migration.core.internal.stream.StreamWriter;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs, once per process and before any switchover, the stream code a switchover's blackout runs
 * once per migration — both ends: the end of the stream (manifest, EOF, VM description) written
 * and read back, every check of {@link StreamVerifier}, the return-path messages of the commit
 * (LOAD_TIME, LOADED, RESUME_TIME, SHUT) and the COMMIT record — on a two-section stream in
 * memory, and drops the result.
 *
 * <p>Why: that code runs once per migration, so inside the blackout it runs for the first time in
 * the process. The first run of a code path pays for resolving its calls, initialising its
 * classes and linking its lambdas and string concatenations, which the AOT cache covers only in
 * part. Reading a 263-section manifest and verifying the stream section by section took 2–3 and
 * 3.5–6 ms in a fresh JVM, 0.2 and 0.1 ms after a rehearsal with two sections. In the runtime
 * image (with its AOT cache) the manifest's read took 0.4–1.2 ms of a near-empty switchover,
 * 0.2–0.4 ms after the rehearsal; building the VM description, up to 0.7 ms, then 0.1.
 *
 * <p><b>Threads:</b> any; the first caller rehearses, later calls return at once. A rehearsal
 * that fails is logged and changes nothing else: it only warms code.
 */
final class BlackoutRehearsal {

    private static final System.Logger LOG = System.getLogger(BlackoutRehearsal.class.getName());
    private static final AtomicBoolean DONE = new AtomicBoolean();
    private static final String NAME = "switchover/rehearsal";

    private BlackoutRehearsal() {
    }

    /** Rehearses once per process; later calls return at once. */
    static void once() {
        if (!DONE.compareAndSet(false, true)) {
            return;
        }
        try {
            rehearse();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "the rehearsal of the end of a stream failed; no harm done", e);
        }
    }

    /** Writes a two-section stream to its end, reads and checks it, and passes the commit's messages. */
    static void rehearse() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(Channels.newChannel(stream), StreamWriter.MIN_BUFFER_SIZE);
        w.writeHeader();
        w.writeConfiguration(StreamFormat.MACHINE_TYPE);
        SectionWriter start = w.beginSection(SectionKind.START, 0, NAME, 0, 1);
        start.writeLong(1);
        w.endSection(0);
        SectionWriter end = w.beginSection(SectionKind.END, 0, null, 0, 0);
        end.writeLong(2);
        w.endSection(0);
        w.writeEnd(1, manifestSize -> VmDescription.json(List.of(), manifestSize));
        w.close();

        StreamReader r = new StreamReader(in(stream), StreamReader.MIN_BUFFER_SIZE);
        r.readHeader();
        StreamManifest manifest = null;
        long manifestOffset = -1;
        for (StreamItem item = r.next(); !(item instanceof StreamItem.Eof); item = r.next()) {
            if (item instanceof StreamItem.Section sec) {
                if (StreamManifest.IDSTR.equals(sec.idstr())) {
                    manifestOffset = r.itemOffset();
                    manifest = StreamManifest.read(r.payload(), sec, manifestOffset);
                } else {
                    r.payload().readLong();
                }
                r.readFooter(sec.sectionId());
            }
        }
        if (manifest == null) {
            throw new IOException("the rehearsal stream has no manifest");
        }
        StreamVerifier verifier = new StreamVerifier(s -> NAME);
        List<SectionRecord> sections = r.sections();
        if (!r.sectionsMatch(manifest)) {
            throw new IOException("the rehearsal stream's sections do not match its manifest");
        }
        verifier.verifySections(sections.subList(0, sections.size() - 1), manifest, manifestOffset);
        verifier.verifyVmDescription(r.readVmDescription(), manifest, r.vmDescriptionOffset());

        ByteArrayOutputStream returnPath = new ByteArrayOutputStream();
        WritableByteChannel out = Channels.newChannel(returnPath);
        List<ReturnPathMessage> commit = List.of(new ReturnPathMessage.LoadTime(1, 1), ReturnPathMessage.Loaded.INSTANCE,
                new ReturnPathMessage.ResumeTime(1), new ReturnPathMessage.Shut(0));
        for (ReturnPathMessage m : commit) {
            ReturnPath.write(out, m);
        }
        ReadableByteChannel back = in(returnPath);
        for (ReturnPathMessage m : commit) {
            if (!ReturnPath.read(back).equals(m)) {
                throw new IOException("the rehearsal's " + m + " read back differently");
            }
        }
        ByteBuffer record = CommitRecords.commit();
        byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        CommitRecords.readCommit(Channels.newChannel(new ByteArrayInputStream(bytes)));
    }

    private static ReadableByteChannel in(ByteArrayOutputStream written) {
        return Channels.newChannel(new ByteArrayInputStream(written.toByteArray()));
    }
}
