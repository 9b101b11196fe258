package dev.switchover.migration.tck;

/**
 * A finding the kit files under the rule it breaks, wherever it was found: a {@code queryPending}
 * that throws while the kit checks conservation breaks {@link Rule#PENDING01}, not {@link
 * Rule#PENDING02}. {@link MigrationDeviceVerification} heads the failure with that rule and says
 * which rule's test found it.
 */
final class RuleFinding extends AssertionError {

    private final transient Rule rule;

    /**
     * @param rule   the rule the device breaks, or {@code null} for the rule being checked
     * @param detail what happened, naming the call
     * @param cause  the device's exception, or {@code null}
     */
    RuleFinding(Rule rule, String detail, Throwable cause) {
        super(detail, cause);
        this.rule = rule;
    }

    /** {@return the rule the device breaks, or {@code null} for the rule being checked} */
    Rule rule() {
        return rule;
    }
}
