// @ts-check

/**
 * Pages sent to whoever is on call, with their escalation state.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_pages', table => {
    table.string('id').primary();
    table.string('entity_ref').notNullable();
    table.string('resolved_from').notNullable();
    table.string('provider', 64).notNullable();
    table.string('schedule_name').notNullable();
    table.text('summary').notNullable();
    table.text('details').notNullable().comment('JSON');
    table.string('urgency', 8).notNullable();
    table.string('dedup_key').notNullable().unique();
    table.string('status', 16).notNullable();
    table.integer('level').notNullable();
    table
      .text('targets')
      .notNullable()
      .comment('JSON: people paged at this level');
    table.text('delivery').notNullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('acknowledged_at', { useTz: true }).nullable();
    table.string('acknowledged_by').nullable();
    table.text('history').notNullable().comment('JSON: [{ at, text }]');
    table.index(['entity_ref', 'created_at'], 'multivac_pages_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_pages');
};
