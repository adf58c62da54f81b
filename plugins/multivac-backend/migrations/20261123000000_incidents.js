// @ts-check

/**
 * Incidents, their affected entities, roles and timeline; the incident number
 * counter; and the durable jobs that carry side effects.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_counters', table => {
    table.comment('Monotonic counters, e.g. the next incident number');
    table.string('name').primary();
    table.bigInteger('value').notNullable();
  });
  // Seeded here so that concurrent first incidents only ever UPDATE it.
  await knex('multivac_counters').insert({ name: 'incident_number', value: 0 });

  await knex.schema.createTable('multivac_incidents', table => {
    table.string('id').primary();
    table.integer('number').notNullable().unique();
    table.string('title', 200).notNullable();
    table.text('description').notNullable().defaultTo('');
    table.string('severity', 8).notNullable();
    table.string('status', 32).notNullable();
    table.text('summary').notNullable().defaultTo('');
    table.text('impact').notNullable().defaultTo('');
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table
      .text('state_timestamps')
      .notNullable()
      .comment('JSON: state -> ISO time it was last reached');
    table.index(['created_at'], 'multivac_incidents_created_at_idx');
    table.index(['status'], 'multivac_incidents_status_idx');
  });

  await knex.schema.createTable('multivac_incident_entities', table => {
    table
      .string('incident_id')
      .notNullable()
      .references('id')
      .inTable('multivac_incidents')
      .onDelete('CASCADE');
    table.string('entity_ref').notNullable();
    table.primary(['incident_id', 'entity_ref']);
    table.index(['entity_ref'], 'multivac_incident_entities_ref_idx');
  });

  await knex.schema.createTable('multivac_incident_roles', table => {
    table
      .string('incident_id')
      .notNullable()
      .references('id')
      .inTable('multivac_incidents')
      .onDelete('CASCADE');
    table.string('role', 32).notNullable();
    table.string('user_ref').notNullable();
    table.timestamp('assigned_at', { useTz: true }).notNullable();
    table.primary(['incident_id', 'role', 'user_ref']);
  });

  await knex.schema.createTable('multivac_timeline', table => {
    table.bigIncrements('id').primary();
    table
      .string('incident_id')
      .notNullable()
      .references('id')
      .inTable('multivac_incidents')
      .onDelete('CASCADE');
    table.string('type', 32).notNullable();
    table.string('actor').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.text('payload').notNullable().comment('JSON');
    table.index(['incident_id', 'id'], 'multivac_timeline_incident_idx');
  });

  await knex.schema.createTable('multivac_jobs', table => {
    table.string('id').primary();
    table.string('type').notNullable();
    table
      .string('idempotency_key')
      .notNullable()
      .unique()
      .comment('Enqueueing the same key twice has no effect');
    table.string('incident_id').nullable();
    table.text('payload').notNullable().comment('JSON');
    table.string('status', 16).notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.integer('max_attempts').notNullable();
    table.timestamp('run_after', { useTz: true }).notNullable();
    table
      .timestamp('locked_until', { useTz: true })
      .nullable()
      .comment('Lease of the worker running it; expired = the worker died');
    table.text('last_error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['status', 'run_after'], 'multivac_jobs_due_idx');
    table.index(['incident_id'], 'multivac_jobs_incident_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_jobs');
  await knex.schema.dropTable('multivac_timeline');
  await knex.schema.dropTable('multivac_incident_roles');
  await knex.schema.dropTable('multivac_incident_entities');
  await knex.schema.dropTable('multivac_incidents');
  await knex.schema.dropTable('multivac_counters');
};
