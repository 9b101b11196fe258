package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * One of QEMU's migration parameters: its name, QAPI type, default, valid range (with QEMU's
 * error text) and what Switchover does with it ({@link Handling}).
 *
 * @param name     QEMU's name ({@code max-bandwidth})
 * @param kind     how its value is read
 * @param enumType the enum, for {@link Kind#ENUM}; null otherwise
 * @param byDefault its value before anyone set it; null for {@link Handling#ENGINE} ones, which
 *                 the machine holds, and for a member QEMU omits until set
 * @param min      smallest valid value (integers)
 * @param max      largest valid value (integers)
 * @param rangeText QEMU's words for the range, in {@code Parameter '<c_name>' expects <rangeText>}
 * @param handling what Switchover does with it
 * @param refusal  for {@link Handling#DEFAULT_ONLY}: the feature a non-default value would turn on
 * @param features QAPI features ({@code unstable})
 */
record ParameterSpec(String name, Kind kind, QapiType.EnumType enumType, JsonNode byDefault, BigInteger min,
                     BigInteger max, String rangeText, Handling handling, String refusal, List<String> features) {

    static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** How the value is read: QAPI's type. */
    enum Kind {
        UINT8("uint8_t"), UINT32("uint32_t"), UINT64("uint64"), SIZE("uint64"), INT64("int64"),
        BOOL(null), STR_OR_NULL(null), ENUM(null), BITMAP_MAPPING(null);

        final String cTypeName;

        Kind(String cTypeName) {
            this.cTypeName = cTypeName;
        }
    }

    /** What Switchover does with the parameter. */
    enum Handling {
        /** The machine holds it ({@code MigrationParameters}) and acts on it. */
        ENGINE,
        /**
         * Tunes a feature Switchover does not have (and refuses to turn on): remembered and
         * reported, validated as QEMU does, without effect, as in QEMU while that feature is off.
         */
        TUNABLE,
        /** Accepted at its default only; another value would turn on what {@code refusal} names. */
        DEFAULT_ONLY,
        /** A TLS parameter (see {@link MigrationParameterTable}). */
        TLS
    }

    /** QAPI's type for the schema. */
    QapiType schemaType(boolean forSetting) {
        return switch (kind) {
            case BOOL -> QapiType.BOOL;
            case STR_OR_NULL -> forSetting ? SchemaTypes.STR_OR_NULL : QapiType.STR;
            case ENUM -> enumType;
            case BITMAP_MAPPING -> new QapiType.ArrayType(SchemaTypes.BITMAP_MIGRATION_NODE_ALIAS);
            default -> QapiType.INT;
        };
    }

    /**
     * Reads {@code raw} as QEMU's input visitor and {@code migrate_params_check} do.
     *
     * @return the canonical value (integers as numbers, {@code null} strings as {@code ""})
     * @throws QmpError QEMU's text for a value of the wrong type or out of range
     */
    JsonNode read(JsonNode raw) throws QmpError {
        return switch (kind) {
            case BOOL -> {
                if (!raw.isBoolean()) {
                    throw QmpError.generic("Invalid parameter type for '" + name + "', expected: boolean");
                }
                yield raw;
            }
            case STR_OR_NULL -> {
                if (raw instanceof NullNode) {
                    yield TextNode.valueOf("");
                }
                if (!raw.isTextual()) {
                    throw QmpError.generic("Invalid parameter type for '" + name + "', expected: StrOrNull");
                }
                yield raw;
            }
            case ENUM -> {
                if (!raw.isTextual()) {
                    throw QmpError.generic("Invalid parameter type for '" + name + "', expected: string");
                }
                if (!enumType.values().contains(raw.textValue())) {
                    throw QmpError.generic("Parameter '" + name + "' does not accept value '" + raw.textValue() + "'");
                }
                yield raw;
            }
            case BITMAP_MAPPING -> {
                if (!(raw instanceof ArrayNode)) {
                    throw QmpError.generic("Invalid parameter type for '" + name + "', expected: array");
                }
                yield raw;
            }
            case INT64 -> {
                if (!raw.isIntegralNumber() || !raw.canConvertToLong()) {
                    throw QmpError.generic("Invalid parameter type for '" + name + "', expected: integer");
                }
                yield checkRange(raw.bigIntegerValue());
            }
            default -> checkRange(unsigned(raw));
        };
    }

    /** Whether {@code value} (canonical) is this parameter's default. */
    boolean isDefault(JsonNode value) {
        return byDefault != null && byDefault.equals(value);
    }

    /**
     * QEMU's unsigned reading: an integer up to 2^64-1; a negative one wraps around, as QEMU
     * accepts it "for backward compatibility".
     */
    private BigInteger unsigned(JsonNode raw) throws QmpError {
        if (!raw.isIntegralNumber()) {
            throw QmpError.generic("Parameter '" + name + "' expects uint64");
        }
        BigInteger v = raw.bigIntegerValue();
        if (v.signum() < 0 && v.bitLength() < 64) {
            v = v.add(BigInteger.ONE.shiftLeft(64));
        }
        if (v.signum() < 0 || v.compareTo(UINT64_MAX) > 0) {
            throw QmpError.generic("Parameter '" + name + "' expects uint64");
        }
        BigInteger typeMax = switch (kind) {
            case UINT8 -> BigInteger.valueOf(255);
            case UINT32 -> BigInteger.valueOf(0xffff_ffffL);
            default -> UINT64_MAX;
        };
        if (v.compareTo(typeMax) > 0) {
            throw QmpError.generic("Parameter '" + name + "' expects " + kind.cTypeName);
        }
        return v;
    }

    private JsonNode checkRange(BigInteger v) throws QmpError {
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw QmpError.generic("Parameter '" + name.replace('-', '_') + "' expects " + rangeText);
        }
        return v.bitLength() < 64 ? LongNode.valueOf(v.longValue()) : BigIntegerNode.valueOf(v);
    }

    /** This parameter's spec with a range. */
    ParameterSpec range(long min, long max, String rangeText) {
        return new ParameterSpec(name, kind, enumType, byDefault, BigInteger.valueOf(min), BigInteger.valueOf(max),
                rangeText, handling, refusal, features);
    }

    /** This parameter refusing values other than its default, naming {@code feature}. */
    ParameterSpec refusing(String feature) {
        return new ParameterSpec(name, kind, enumType, byDefault, min, max, rangeText, Handling.DEFAULT_ONLY, feature,
                features);
    }

    /** This parameter with QAPI features. */
    ParameterSpec features(String... features) {
        return new ParameterSpec(name, kind, enumType, byDefault, min, max, rangeText, handling, refusal,
                List.of(features));
    }

    static ParameterSpec of(String name, Kind kind, Handling handling, JsonNode byDefault) {
        return new ParameterSpec(name, kind, null, byDefault, BigInteger.ZERO, UINT64_MAX, "", handling, null,
                List.of());
    }

    static ParameterSpec ofEnum(String name, QapiType.EnumType type, String byDefault) {
        return new ParameterSpec(name, Kind.ENUM, type, TextNode.valueOf(byDefault), BigInteger.ZERO, UINT64_MAX, "",
                Handling.TUNABLE, null, List.of());
    }

    static JsonNode number(long v) {
        return LongNode.valueOf(v);
    }

    static JsonNode bool(boolean v) {
        return BooleanNode.valueOf(v);
    }

    Optional<String> refusalFor(JsonNode value) {
        return handling == Handling.DEFAULT_ONLY && !isDefault(value) ? Optional.of(refusal) : Optional.empty();
    }
}
