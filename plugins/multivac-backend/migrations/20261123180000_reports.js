// @ts-check

/**
 * Triage reports, and what links pages to reports, incidents and schedules.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('multivac_counters').insert({ name: 'report_number', value: 0 });

  await knex.schema.createTable('multivac_reports', table => {
    table.comment('What a reporter told the on-call person');
    table.string('id').primary();
    table.integer('number').notNullable().unique();
    table.string('title', 200).notNullable();
    table.text('description').notNullable();
    table.string('entity_ref').notNullable();
    table.string('users_affected', 16).notNullable();
    table.string('scope', 16).notNullable();
    table.string('region', 100).nullable();
    table.string('customer', 200).nullable();
    table.boolean('customer_facing').notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.text('links').notNullable().comment('JSON: URLs');
    table.string('severity', 8).notNullable();
    table.string('rubric_severity', 8).notNullable();
    table.text('severity_reason').nullable();
    table.text('paging').notNullable().comment('Where paging stands, in words');
    table.string('reported_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table
      .string('incident_id')
      .nullable()
      .references('id')
      .inTable('multivac_incidents');
    table.index(['created_at'], 'multivac_reports_created_at_idx');
  });

  await knex.schema.alterTable('multivac_pages', table => {
    table.string('schedule_id').notNullable().defaultTo('');
    table.boolean('fallback').notNullable().defaultTo(false);
    table
      .string('report_id')
      .nullable()
      .references('id')
      .inTable('multivac_reports');
    table
      .string('incident_id')
      .nullable()
      .references('id')
      .inTable('multivac_incidents');
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.index(['report_id'], 'multivac_pages_report_idx');
    table.index(['incident_id'], 'multivac_pages_incident_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('multivac_pages', table => {
    table.dropIndex(['report_id'], 'multivac_pages_report_idx');
    table.dropIndex(['incident_id'], 'multivac_pages_incident_idx');
    table.dropForeign(['report_id']);
    table.dropForeign(['incident_id']);
    table.dropColumns(
      'schedule_id',
      'fallback',
      'report_id',
      'incident_id',
      'resolved_at',
    );
  });
  await knex.schema.dropTable('multivac_reports');
  await knex('multivac_counters').where({ name: 'report_number' }).delete();
};
