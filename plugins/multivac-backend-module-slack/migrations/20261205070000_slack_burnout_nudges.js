// @ts-check

/**
 * The burnout nudge's claims: one row per person and night, so that of
 * several replicas exactly one tells the team lead of a bad night.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_slack_burnout_nudges', table => {
    table.comment('One nudge per person and bad night, across replicas');
    table.string('user_ref').notNullable().comment('Who had the bad night');
    table
      .string('night', 10)
      .notNullable()
      .comment("YYYY-MM-DD of the night's evening, in the person's zone");
    table.string('lead_ref').notNullable().comment('Who is told');
    table.string('claim').notNullable().comment('who sends it: a random id');
    table.timestamp('claimed_at', { useTz: true }).notNullable();
    table
      .timestamp('done_at', { useTz: true })
      .nullable()
      .comment('NULL while the claimer sends; a stale claim is taken over');
    table
      .string('outcome', 16)
      .nullable()
      .comment("'sent', or 'no_slack_user' when the lead has no Slack user");
    table.string('channel').nullable().comment('The direct message channel');
    table.string('message_ts').nullable();
    table.primary(['user_ref', 'night']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_slack_burnout_nudges');
};
