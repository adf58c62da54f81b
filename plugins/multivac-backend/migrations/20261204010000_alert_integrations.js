// @ts-check

/**
 * Alert integrations created in the portal (those of app-config.yaml stay in
 * config), with their secrets stored hashed; and the Zendesk tickets that
 * became triage reports, so a repeated delivery or an update of the same
 * ticket never makes a second report.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_alert_integrations', table => {
    table.comment('Alert integrations created in the portal');
    table.string('id', 100).primary();
    table.string('name', 200).notNullable();
    table.string('vendor', 32).notNullable();
    table.string('default_entity_ref').nullable();
    table
      .text('urgency')
      .notNullable()
      .comment('JSON: vendor severity (lower case) to high or low');
    table.integer('group_window_minutes').notNullable();
    table
      .string('zendesk_url', 500)
      .nullable()
      .comment('Zendesk: the account URL that ticket links start with');
    table
      .string('secret_hash', 200)
      .notNullable()
      .comment(
        'SHA-256 of a per-secret salt and the secret: <salt>:<hash>, hex',
      );
    table
      .string('previous_secret_hash', 200)
      .nullable()
      .comment('The secret before the last rotation, until its grace ends');
    table.timestamp('previous_secret_valid_until', { useTz: true }).nullable();
    table.timestamp('secret_rotated_at', { useTz: true }).nullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('multivac_alert_tickets', table => {
    table.comment('Support tickets that became triage reports, one each');
    table.string('integration_id', 100).notNullable();
    table.string('ticket_id', 100).notNullable();
    table.string('report_id').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['integration_id', 'ticket_id']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_alert_tickets');
  await knex.schema.dropTable('multivac_alert_integrations');
};
