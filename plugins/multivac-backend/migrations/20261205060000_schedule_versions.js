// @ts-check

/**
 * Every version of a catalog Schedule entity the backend has seen (issue
 * 19): the catalog only keeps the latest entity, so the versions live here
 * with the moment each applies from, and "who was on call at T" is answered
 * from the version effective at T.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_schedule_versions', table => {
    table.increments('id').primary();
    table.string('schedule_id', 255).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('fingerprint', 64).notNullable();
    table.text('definition').notNullable();
    // Null: since always (the first version seen without effectiveFrom).
    table.timestamp('effective_from', { useTz: true }).nullable();
    table.timestamp('seen_at', { useTz: true }).notNullable();
    table.index(['schedule_id', 'id'], 'multivac_schedule_versions_by_id');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_schedule_versions');
};
