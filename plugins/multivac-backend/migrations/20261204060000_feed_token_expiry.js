// @ts-check

/**
 * Calendar feed tokens may expire (issue 14): a token past `expires_at` no
 * longer opens the feed. Null: the token lasts until it is replaced or
 * revoked.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('multivac_release_feed_tokens', table => {
    table.timestamp('expires_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('multivac_release_feed_tokens', table => {
    table.dropColumn('expires_at');
  });
};
