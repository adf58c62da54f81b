// @ts-check

/**
 * What the Slack bot remembers: each incident's channel and pinned summary,
 * and the messages it keeps current (triage posts, page notifications).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_slack_incident_channels', table => {
    table.string('incident_id').primary();
    table.string('channel_id').notNullable().unique();
    table.string('channel_name').notNullable();
    table.string('summary_ts').nullable().comment('the pinned summary');
    table.timestamp('archived_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('multivac_slack_messages', table => {
    table
      .string('key')
      .primary()
      .comment('what the message shows, e.g. report:<id>');
    table.string('channel_id').notNullable();
    table.string('ts').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_slack_messages');
  await knex.schema.dropTable('multivac_slack_incident_channels');
};
