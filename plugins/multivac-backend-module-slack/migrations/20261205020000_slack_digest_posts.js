// @ts-check

/**
 * The daily digest's claims: one row per channel and local day, so that of
 * several replicas exactly one posts a channel's digest each day.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_slack_digest_posts', table => {
    table.comment('One digest per channel per local day, across replicas');
    table.string('channel').notNullable();
    table
      .string('local_date', 10)
      .notNullable()
      .comment("YYYY-MM-DD in the channel's configured time zone");
    table.string('claim').notNullable().comment('who posts it: a random id');
    table.timestamp('claimed_at', { useTz: true }).notNullable();
    table
      .timestamp('posted_at', { useTz: true })
      .nullable()
      .comment('NULL while the claimer posts; a stale claim is taken over');
    table.string('message_ts').nullable();
    table.primary(['channel', 'local_date']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_slack_digest_posts');
};
