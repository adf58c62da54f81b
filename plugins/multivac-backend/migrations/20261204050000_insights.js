// @ts-check

/**
 * Insights: the notifications that reached people (the interruptions
 * ledger, banded in each person's own time zone when recorded), the owner
 * Group of each entity incidents name (refreshed from the catalog), and the
 * indexes the insight aggregates read through.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_notifications', table => {
    table.comment(
      'Every notification that reached a person (each page level); insights count interruptions from it',
    );
    table.bigIncrements('id').primary();
    table.string('user_ref').notNullable();
    table.timestamp('notified_at', { useTz: true }).notNullable();
    table.string('source', 32).notNullable().comment("e.g. 'page'");
    table.string('page_id').nullable();
    table.integer('level').nullable();
    table.string('incident_id').nullable();
    table.string('entity_ref').notNullable().comment('What it was about');
    table.string('time_zone', 64).notNullable();
    table
      .integer('local_weekday')
      .notNullable()
      .comment('1 = Monday .. 7 = Sunday, in time_zone');
    table.integer('local_hour').notNullable().comment('0..23, in time_zone');
    table
      .string('band', 16)
      .notNullable()
      .comment('business | evening | sleep | weekend');
    table.unique(['page_id', 'level', 'user_ref'], {
      indexName: 'multivac_notifications_page_level_user_uq',
    });
    table.index(['user_ref', 'notified_at'], 'multivac_notifications_user_idx');
    table.index(['notified_at'], 'multivac_notifications_at_idx');
  });

  await knex.schema.createTable('multivac_entity_owners', table => {
    table.comment(
      'Owner Group of catalog entities, refreshed from the catalog',
    );
    table.string('entity_ref').primary();
    table.string('owner_ref').notNullable();
    table.timestamp('refreshed_at', { useTz: true }).notNullable();
    table.index(['owner_ref'], 'multivac_entity_owners_owner_idx');
  });

  // MTTA reads each incident's first page and first acknowledgement.
  await knex.schema.alterTable('multivac_pages', table => {
    table.index(
      ['incident_id', 'created_at', 'acknowledged_at'],
      'multivac_pages_incident_times_idx',
    );
  });
  await knex.schema.alterTable('multivac_incidents', table => {
    table.index(
      ['created_at', 'severity', 'status'],
      'multivac_incidents_insights_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('multivac_incidents', table => {
    table.dropIndex([], 'multivac_incidents_insights_idx');
  });
  await knex.schema.alterTable('multivac_pages', table => {
    table.dropIndex([], 'multivac_pages_incident_times_idx');
  });
  await knex.schema.dropTable('multivac_entity_owners');
  await knex.schema.dropTable('multivac_notifications');
};
