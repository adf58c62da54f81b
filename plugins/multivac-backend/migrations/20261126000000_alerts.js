// @ts-check

/**
 * Alerts from monitoring: the deliveries as received (acknowledged to the
 * sender once stored), the alerts deduplicated by vendor identity, their
 * groups per entity, one lock row per entity for grouping, and the
 * dead-letter list of payloads no adapter could read.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_alert_deliveries', table => {
    table.comment(
      'A delivery from an integration, stored before it is processed',
    );
    table.string('id').primary();
    table.string('integration_id', 100).notNullable();
    table.text('alerts').notNullable().comment('JSON: the normalized alerts');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(['received_at'], 'multivac_alert_deliveries_received_idx');
  });

  await knex.schema.createTable('multivac_alert_groups', table => {
    table.comment('Alerts on one entity within a rolling window; pages once');
    table.string('id').primary();
    table.string('entity_ref').notNullable();
    table.string('status', 16).notNullable();
    table.string('urgency', 8).notNullable();
    table.string('page_id').nullable();
    table.boolean('page_requested').notNullable().defaultTo(false);
    table.string('incident_id').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('last_alert_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.index(
      ['entity_ref', 'created_at'],
      'multivac_alert_groups_entity_idx',
    );
  });

  await knex.schema.createTable('multivac_alert_entities', table => {
    table.comment('Serializes grouping per entity (locked while grouping)');
    table.string('entity_ref').primary();
    table.string('current_group_id').nullable();
  });

  await knex.schema.createTable('multivac_alerts', table => {
    table.comment(
      'One alert per vendor identity; repeated deliveries update it',
    );
    table.string('id').primary();
    table.string('integration_id', 100).notNullable();
    table.string('dedup_key', 500).notNullable();
    table.string('status', 16).notNullable();
    table.text('summary').notNullable();
    table.string('severity', 100).nullable();
    table.string('urgency', 8).notNullable();
    table.text('labels').notNullable().comment('JSON: name to value');
    table.text('links').notNullable().comment('JSON: URLs');
    table.string('entity_ref').nullable();
    table.string('routed_by', 200).nullable();
    table
      .string('group_id')
      .nullable()
      .references('id')
      .inTable('multivac_alert_groups');
    table.string('incident_id').nullable();
    table.timestamp('starts_at', { useTz: true }).nullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.integer('deliveries').notNullable().defaultTo(1);
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['integration_id', 'dedup_key'], {
      indexName: 'multivac_alerts_identity_uq',
    });
    table.index(['status', 'updated_at'], 'multivac_alerts_status_idx');
    table.index(['entity_ref'], 'multivac_alerts_entity_idx');
    table.index(['group_id'], 'multivac_alerts_group_idx');
  });

  await knex.schema.createTable('multivac_alert_dead_letters', table => {
    table.comment('Payloads no adapter could read, kept 7 days');
    table.string('id').primary();
    table.string('integration_id', 100).notNullable();
    table.text('error').notNullable();
    table.string('content_type', 200).nullable();
    table.text('body').notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(['received_at'], 'multivac_alert_dead_letters_received_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_alert_dead_letters');
  await knex.schema.dropTable('multivac_alerts');
  await knex.schema.dropTable('multivac_alert_entities');
  await knex.schema.dropTable('multivac_alert_groups');
  await knex.schema.dropTable('multivac_alert_deliveries');
};
