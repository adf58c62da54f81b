// @ts-check

/**
 * Jobs: a lane (paging and escalation jobs have slots of their own), an
 * optional order key (jobs with the same key run one at a time, in the order
 * they were enqueued) and an index for pruning finished jobs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Seeded here so that concurrent ordered enqueues only ever UPDATE it.
  await knex('multivac_counters').insert({ name: 'job_order', value: 0 });

  await knex.schema.alterTable('multivac_jobs', table => {
    table
      .string('lane', 16)
      .notNullable()
      .defaultTo('default')
      .comment("'paging' (pages, escalations) or 'default'");
    table
      .string('order_key')
      .nullable()
      .comment('Jobs with the same key run one at a time, by order_seq');
    table
      .bigInteger('order_seq')
      .nullable()
      .comment('Enqueue order among jobs with an order key');
    table.index(['order_key', 'order_seq'], 'multivac_jobs_order_idx');
    table.index(['status', 'finished_at'], 'multivac_jobs_finished_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('multivac_jobs', table => {
    table.dropIndex(['status', 'finished_at'], 'multivac_jobs_finished_idx');
    table.dropIndex(['order_key', 'order_seq'], 'multivac_jobs_order_idx');
    table.dropColumn('order_seq');
    table.dropColumn('order_key');
    table.dropColumn('lane');
  });
  await knex('multivac_counters').where({ name: 'job_order' }).delete();
};
