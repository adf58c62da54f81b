// @ts-check

/**
 * Post-mortems (one per incident), their text sections and action items,
 * with where their tracker issues stand.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  /**
   * Where the tracker issue (Jira) of a post-mortem or action item stands;
   * tracking_state is NULL when no tracker is configured.
   *
   * @param {import('knex').Knex.CreateTableBuilder} table
   */
  const trackingColumns = table => {
    table.string('tracking_state', 16).nullable();
    table.integer('tracking_attempts').notNullable().defaultTo(0);
    table.text('tracking_error').nullable();
    table.string('tracker_key').nullable();
    table.text('tracker_url').nullable();
    table.string('tracker_status').nullable();
  };

  await knex.schema.createTable('multivac_postmortems', table => {
    table.comment('The post-mortem of an incident');
    table.string('id').primary();
    table
      .string('incident_id')
      .notNullable()
      .unique({ indexName: 'multivac_postmortems_incident_uq' })
      .references('id')
      .inTable('multivac_incidents')
      .onDelete('CASCADE')
      .comment('One post-mortem per incident, also across replicas');
    table.string('title', 300).notNullable();
    table.string('severity', 8).notNullable();
    table.string('status', 16).notNullable();
    table.string('owner_ref').notNullable();
    table.text('reviewer_refs').notNullable().comment('JSON: user refs');
    table.string('due_date', 10).notNullable().comment('YYYY-MM-DD');
    table
      .text('facts')
      .notNullable()
      .comment('JSON: what was known at creation, with the timeline');
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('published_at', { useTz: true }).nullable();
    table.string('published_by').nullable();
    table
      .string('last_reminded_on', 10)
      .nullable()
      .comment('YYYY-MM-DD of the last overdue reminder');
    trackingColumns(table);
    table.index(['created_at'], 'multivac_postmortems_created_at_idx');
    table.index(['status', 'due_date'], 'multivac_postmortems_due_idx');
  });

  await knex.schema.createTable('multivac_postmortem_sections', table => {
    table
      .string('postmortem_id')
      .notNullable()
      .references('id')
      .inTable('multivac_postmortems')
      .onDelete('CASCADE');
    table.string('section_id', 64).notNullable();
    table.integer('position').notNullable();
    table.string('title', 200).notNullable();
    table.text('hint').nullable();
    table.text('text').notNullable().comment('Markdown');
    table.primary(['postmortem_id', 'section_id']);
  });

  await knex.schema.createTable('multivac_postmortem_action_items', table => {
    table.string('id').primary();
    table
      .string('postmortem_id')
      .notNullable()
      .references('id')
      .inTable('multivac_postmortems')
      .onDelete('CASCADE');
    table.string('title', 300).notNullable();
    table.string('owner_ref').nullable();
    table.string('due_date', 10).nullable();
    table.string('status', 16).notNullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    trackingColumns(table);
    table.index(['postmortem_id'], 'multivac_postmortem_action_items_pm_idx');
    table.index(['tracker_key'], 'multivac_postmortem_action_items_key_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_postmortem_action_items');
  await knex.schema.dropTable('multivac_postmortem_sections');
  await knex.schema.dropTable('multivac_postmortems');
};
