// @ts-check

/**
 * What the PagerDuty webhooks must remember across replicas: the event ids
 * already handled (a replayed or redelivered event has its effect once), and
 * the account each page was sent to (a webhook secret of one account cannot
 * change pages of another).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_pagerduty_webhook_events', table => {
    table.string('event_id', 255).primary().comment('PagerDuty event.id');
    table
      .string('claim')
      .notNullable()
      .comment('who handles it: the signing account and a random id');
    table
      .timestamp('received_at', { useTz: true })
      .notNullable()
      .index()
      .comment('pruned after the longest accepted event age');
  });
  await knex.schema.createTable('multivac_pagerduty_page_accounts', table => {
    table.string('dedup_key', 255).primary().comment('the page dedup key');
    table
      .string('account')
      .notNullable()
      .comment('multivac.pagerDuty account id');
    table.timestamp('created_at', { useTz: true }).notNullable().index();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_pagerduty_page_accounts');
  await knex.schema.dropTable('multivac_pagerduty_webhook_events');
};
