/**
 * A convergence advisor for management software: it watches an outgoing migration over QMP and,
 * when the migration stalls because what is left can not fit the {@code downtime-limit}, raises
 * the limit as far as the user allows — or says that even the user's maximum can not converge
 * and names the devices holding the data.
 *
 * <p>{@link dev.switchover.migration.client.advisor.ConvergencePolicy} is the decision logic, pure
 * and synchronous (fed {@link dev.switchover.migration.client.advisor.PassSample}s, it returns
 * {@link dev.switchover.migration.client.advisor.AdvisorDecision}s);
 * {@link dev.switchover.migration.client.advisor.ConvergenceAdvisor} drives it from a
 * {@link dev.switchover.migration.client.QmpClient}: one sample per {@code MIGRATION_PASS}
 * event, and the decided {@code migrate-set-parameters} or {@code migrate_cancel}.
 */
package dev.switchover.migration.client.advisor;
