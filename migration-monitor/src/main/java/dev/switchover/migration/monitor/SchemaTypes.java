package dev.switchover.migration.monitor;

import dev.switchover.migration.monitor.QapiType.ArrayType;
import dev.switchover.migration.monitor.QapiType.EnumType;
import dev.switchover.migration.monitor.QapiType.Member;
import dev.switchover.migration.monitor.QapiType.ObjectType;
import dev.switchover.migration.monitor.QapiType.Variant;

import java.util.ArrayList;
import java.util.List;

import static dev.switchover.migration.monitor.QapiType.BOOL;
import static dev.switchover.migration.monitor.QapiType.INT;
import static dev.switchover.migration.monitor.QapiType.NUMBER;
import static dev.switchover.migration.monitor.QapiType.STR;
import static dev.switchover.migration.monitor.QapiType.Member.optional;
import static dev.switchover.migration.monitor.QapiType.Member.required;

/**
 * The QAPI types of Switchover's monitor, as QEMU 11.1's {@code qapi/*.json} define them
 * (members Switchover never sends are left out of reply types; argument types are complete, so
 * a client's request is checked against exactly what QEMU accepts). The commands that use them
 * are in {@link QmpCommands}.
 */
final class SchemaTypes {

    private SchemaTypes() {
    }

    static final EnumType MIGRATION_STATUS = new EnumType("MigrationStatus", List.of("none", "setup", "cancelling",
            "cancelled", "active", "postcopy-device", "postcopy-active", "postcopy-paused", "postcopy-recover-setup",
            "postcopy-recover", "completed", "failing", "failed", "colo", "pre-switchover", "device", "wait-unplug"));

    static final EnumType RUN_STATE = new EnumType("RunState", List.of("debug", "inmigrate", "internal-error",
            "io-error", "paused", "postmigrate", "prelaunch", "finish-migrate", "restore-vm", "running",
            "save-vm", "shutdown", "suspended", "watchdog", "guest-panicked", "colo"));

    static final EnumType MIGRATION_CAPABILITY = new EnumType("MigrationCapability",
            dev.switchover.migration.qapi.CapabilityTable.names());
    static final EnumType QMP_CAPABILITY = new EnumType("QMPCapability", List.of("oob"));
    static final EnumType SHUTDOWN_CAUSE = new EnumType("ShutdownCause", List.of("none", "host-error", "host-qmp-quit",
            "host-qmp-system-reset", "host-signal", "host-ui", "guest-shutdown", "guest-reset", "guest-panic",
            "subsystem-reset", "snapshot-load"));

    static final QapiType.AlternateType STR_OR_NULL = new QapiType.AlternateType("StrOrNull", List.of(STR, QapiType.NULL));

    static final ObjectType BITMAP_MIGRATION_NODE_ALIAS = ObjectType.struct("BitmapMigrationNodeAlias",
            required("node-name", STR), required("alias", STR),
            required("bitmaps", new ArrayType(ObjectType.struct("BitmapMigrationBitmapAlias",
                    required("name", STR), required("alias", STR),
                    optional("transform", ObjectType.struct("BitmapMigrationBitmapAliasTransform",
                            optional("persistent", BOOL)))))));

    // ---------------------------------------------------------------- sockets and channels

    static final EnumType SOCKET_ADDRESS_TYPE = new EnumType("SocketAddressType", List.of("inet", "unix", "vsock", "fd"));
    static final ObjectType INET_SOCKET_ADDRESS = ObjectType.struct("InetSocketAddress",
            required("host", STR), required("port", STR), optional("numeric", BOOL), optional("to", INT),
            optional("ipv4", BOOL), optional("ipv6", BOOL), optional("keep-alive", BOOL));
    static final ObjectType UNIX_SOCKET_ADDRESS = ObjectType.struct("UnixSocketAddress",
            required("path", STR), optional("abstract", BOOL), optional("tight", BOOL));
    static final ObjectType VSOCK_SOCKET_ADDRESS = ObjectType.struct("VsockSocketAddress",
            required("cid", STR), required("port", STR));
    static final ObjectType FD_SOCKET_ADDRESS = ObjectType.struct("FdSocketAddress", required("str", STR));
    static final ObjectType SOCKET_ADDRESS = new ObjectType("SocketAddress",
            List.of(required("type", SOCKET_ADDRESS_TYPE)), "type", List.of(
            new Variant("inet", INET_SOCKET_ADDRESS), new Variant("unix", UNIX_SOCKET_ADDRESS),
            new Variant("vsock", VSOCK_SOCKET_ADDRESS), new Variant("fd", FD_SOCKET_ADDRESS)));

    static final EnumType MIGRATION_ADDRESS_TYPE = new EnumType("MigrationAddressType",
            List.of("socket", "exec", "rdma", "file"));
    static final ObjectType MIGRATION_ADDRESS = new ObjectType("MigrationAddress",
            List.of(required("transport", MIGRATION_ADDRESS_TYPE)), "transport", List.of(
            new Variant("socket", SOCKET_ADDRESS),
            new Variant("exec", ObjectType.struct("MigrationExecCommand", required("args", new ArrayType(STR)))),
            new Variant("rdma", INET_SOCKET_ADDRESS),
            new Variant("file", ObjectType.struct("FileMigrationArgs", required("filename", STR),
                    required("offset", INT)))));
    static final EnumType MIGRATION_CHANNEL_TYPE = new EnumType("MigrationChannelType", List.of("main", "cpr"));
    static final ObjectType MIGRATION_CHANNEL = ObjectType.struct("MigrationChannel",
            required("channel-type", MIGRATION_CHANNEL_TYPE), required("addr", MIGRATION_ADDRESS));

    // ---------------------------------------------------------------- query-migrate

    static final ObjectType MIGRATION_STATS = ObjectType.struct("MigrationStats",
            required("transferred", INT), required("remaining", INT), required("total", INT),
            required("duplicate", INT), required("normal", INT), required("normal-bytes", INT),
            required("dirty-pages-rate", INT), required("mbps", NUMBER), required("dirty-sync-count", INT),
            required("postcopy-requests", INT), required("page-size", INT), required("multifd-bytes", INT),
            required("pages-per-second", INT), required("precopy-bytes", INT), required("downtime-bytes", INT),
            required("postcopy-bytes", INT), required("dirty-sync-missed-zero-copy", INT));
    static final ObjectType PENDING = ObjectType.struct("XPending",
            required("precopy", INT), required("stopcopy", INT), required("postcopy", INT));
    static final ObjectType MIGRATION_INFO = ObjectType.struct("MigrationInfo",
            optional("status", MIGRATION_STATUS), optional("ram", MIGRATION_STATS),
            optional("vfio", ObjectType.struct("VfioStats", required("transferred", INT))),
            optional("total-time", INT), optional("expected-downtime", INT), optional("downtime", INT),
            optional("setup-time", INT), optional("error-desc", STR),
            optional("socket-address", new ArrayType(SOCKET_ADDRESS)),
            optional("remaining", INT),
            optional("x-pass", INT, "unstable"), optional("x-threshold", INT, "unstable"),
            optional("x-switchover-bandwidth", INT, "unstable"), optional("x-link-bandwidth", INT, "unstable"),
            optional("x-throughput", INT, "unstable"), optional("x-predicted-downtime", INT, "unstable"),
            optional("x-pending", PENDING, "unstable"),
            optional("x-clamped-devices", new ArrayType(STR), "unstable"),
            optional("x-device-pending", QapiType.ANY, "unstable"));

    static final ObjectType MIGRATION_CAPABILITY_STATUS = ObjectType.struct("MigrationCapabilityStatus",
            required("capability", MIGRATION_CAPABILITY), required("state", BOOL));

    /** {@code MigrateSetParameters} (every member optional, TLS ones {@code StrOrNull}). */
    static ObjectType migrateSetParameters() {
        return ParameterTypes.SET;
    }

    /** {@code MigrationParameters}, the reply of {@code query-migrate-parameters}. */
    static ObjectType migrationParameters() {
        return ParameterTypes.QUERY;
    }

    /** Built on first use: the parameter table refers to types above. */
    private static final class ParameterTypes {
        static final ObjectType SET = parameters("MigrateSetParameters", true);
        static final ObjectType QUERY = parameters("MigrationParameters", false);
    }

    // ---------------------------------------------------------------- machine and monitor

    /** With QEMU 7.2's {@code singlestep}, which Switchover still sends (always false). */
    static final ObjectType STATUS_INFO = ObjectType.struct("StatusInfo",
            required("running", BOOL), optional("singlestep", BOOL, "deprecated"), required("status", RUN_STATE));
    static final ObjectType VERSION_INFO = ObjectType.struct("VersionInfo",
            required("qemu", ObjectType.struct("VersionTriple", required("major", INT), required("minor", INT),
                    required("micro", INT))), required("package", STR));
    static final ObjectType NAME_INFO = ObjectType.struct("NameInfo", optional("name", STR));
    static final ObjectType COMMAND_INFO = ObjectType.struct("CommandInfo", required("name", STR));

    // ---------------------------------------------------------------- object-add

    static final EnumType QCRYPTO_TLS_CREDS_ENDPOINT = new EnumType("QCryptoTLSCredsEndpoint",
            List.of("client", "server"));
    static final ObjectType TLS_CREDS_X509_PROPERTIES = ObjectType.struct("TlsCredsX509Properties",
            optional("verify-peer", BOOL), optional("dir", STR), optional("endpoint", QCRYPTO_TLS_CREDS_ENDPOINT),
            optional("priority", STR), optional("sanity-check", BOOL), optional("passwordid", STR));
    static final ObjectType TLS_CREDS_PSK_PROPERTIES = ObjectType.struct("TlsCredsPskProperties",
            optional("verify-peer", BOOL), optional("dir", STR), optional("endpoint", QCRYPTO_TLS_CREDS_ENDPOINT),
            optional("priority", STR), optional("username", STR));
    static final ObjectType AUTHZ_SIMPLE_PROPERTIES = ObjectType.struct("AuthZSimpleProperties",
            required("identity", STR));
    static final EnumType OBJECT_TYPE = new EnumType("ObjectType",
            List.of("authz-simple", "tls-creds-psk", "tls-creds-x509"));
    static final ObjectType OBJECT_OPTIONS = new ObjectType("ObjectOptions",
            List.of(required("qom-type", OBJECT_TYPE), required("id", STR)), "qom-type", List.of(
            new Variant("authz-simple", AUTHZ_SIMPLE_PROPERTIES),
            new Variant("tls-creds-psk", TLS_CREDS_PSK_PROPERTIES),
            new Variant("tls-creds-x509", TLS_CREDS_X509_PROPERTIES)));

    private static ObjectType parameters(String qapiName, boolean forSetting) {
        List<Member> members = new ArrayList<>();
        for (ParameterSpec p : MigrationParameterTable.all()) {
            members.add(new Member(p.name(), p.schemaType(forSetting), true, p.features()));
        }
        return new ObjectType(qapiName, members, null, List.of());
    }

    /** A struct {@code qapiName} of the arguments of a command. */
    static ObjectType arguments(String command, Member... members) {
        return ObjectType.struct("q_obj_" + command + "-arg", members);
    }
}
