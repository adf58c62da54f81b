// @ts-check

/**
 * Things the bot must say once however often a job is retried, e.g. telling
 * an incident's controller that Slack refused a call and what to fix.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_slack_notices', table => {
    table
      .string('key')
      .primary()
      .comment('what was said, e.g. problem:<incident id>:missing_scope');
    table.string('claim').notNullable().comment('who said it: a random id');
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_slack_notices');
};
