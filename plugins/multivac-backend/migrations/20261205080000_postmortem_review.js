// @ts-check

/**
 * Post-mortem review (issue 15): reviewers approve a post-mortem before it
 * is published, and what happens to it in review (asked for review,
 * approved, published, reopened with a reason) is its own timeline.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_postmortem_approvals', table => {
    table.comment('A reviewer approved the post-mortem as it stands');
    table
      .string('postmortem_id')
      .notNullable()
      .references('id')
      .inTable('multivac_postmortems')
      .onDelete('CASCADE');
    table.string('reviewer_ref').notNullable();
    table.timestamp('approved_at', { useTz: true }).notNullable();
    table.primary(['postmortem_id', 'reviewer_ref']);
  });

  await knex.schema.createTable('multivac_postmortem_events', table => {
    table.comment('The post-mortem’s own timeline: its review and publication');
    table.increments('id').primary();
    table
      .string('postmortem_id')
      .notNullable()
      .references('id')
      .inTable('multivac_postmortems')
      .onDelete('CASCADE');
    table.string('type', 32).notNullable();
    table.string('actor').notNullable();
    table.text('text').nullable().comment('The reason given, when one is');
    table.text('payload').notNullable().comment('JSON');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['postmortem_id', 'id'], 'multivac_postmortem_events_pm_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_postmortem_events');
  await knex.schema.dropTable('multivac_postmortem_approvals');
};
