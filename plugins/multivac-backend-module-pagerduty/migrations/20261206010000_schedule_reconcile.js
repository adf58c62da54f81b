// @ts-check

/**
 * Schedules reconciled to PagerDuty: per Schedule entity, the PagerDuty ids
 * of its schedule, escalation policy and linked services, the hash of the
 * spec last applied, and the state of its latest reconcile.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(
    'multivac_pagerduty_schedule_reconciles',
    table => {
      table
        .string('entity_ref', 255)
        .primary()
        .comment('the Schedule entity, e.g. schedule:default/payments-primary');
      table
        .string('account')
        .notNullable()
        .comment('multivac.pagerDuty account id');
      table
        .string('status', 16)
        .notNullable()
        .comment('pending, running, succeeded, failed or retrying');
      table.integer('attempts').notNullable().defaultTo(0);
      table.text('last_error').nullable();
      table.timestamp('last_run_at', { useTz: true }).nullable();
      table.timestamp('next_attempt_at', { useTz: true }).nullable();
      table
        .string('run_id', 64)
        .nullable()
        .comment('the run holding the schedule while running');
      table
        .string('spec_hash', 64)
        .nullable()
        .comment('sha256 of what was last applied successfully');
      table
        .string('attempted_hash', 64)
        .nullable()
        .comment('sha256 of what the latest run worked on, succeeded or not');
      table.string('schedule_id', 64).nullable();
      table.string('escalation_policy_id', 64).nullable();
      table
        .text('service_ids')
        .notNullable()
        .comment('JSON array of the services linked to the escalation policy');
      table.timestamp('updated_at', { useTz: true }).notNullable();
    },
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_pagerduty_schedule_reconciles');
};
