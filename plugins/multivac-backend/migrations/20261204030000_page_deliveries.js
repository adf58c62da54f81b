// @ts-check

/**
 * Deliveries of built-in pages through paging channels (Slack, email,
 * webhook): one row per try to reach one person through one channel, with
 * its state, so the page shows how each person was reached.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_page_deliveries', table => {
    table.string('id').primary();
    table
      .string('page_id')
      .notNullable()
      .references('id')
      .inTable('multivac_pages')
      .onDelete('CASCADE');
    table.integer('level').notNullable();
    table.string('user_ref').notNullable();
    table.string('name').notNullable().comment("the person's display name");
    table.string('channel', 64).notNullable();
    table
      .integer('position')
      .notNullable()
      .comment("index of the channel in the person's order");
    table
      .text('channels')
      .notNullable()
      .comment("JSON: the person's channel order, for the fallback");
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, delivered, failed or cancelled');
    table.text('detail').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['page_id', 'level', 'user_ref', 'position'], {
      indexName: 'multivac_page_deliveries_try_idx',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_page_deliveries');
};
