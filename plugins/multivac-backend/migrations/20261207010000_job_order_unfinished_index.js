// @ts-check

/**
 * The job queue's order check (issue 17): a job with an order key is due
 * only when no earlier job with the same key is unfinished. The index on
 * (order_key, order_seq) held the succeeded jobs too (kept two weeks), so
 * each check walked every finished job of its key before the first
 * unfinished one: under an alert burst, thousands of processing jobs of
 * one integration made each claim quadratic (about 260 ms on PostgreSQL,
 * bench/README.md). This partial index holds only the unfinished jobs, so
 * the check is one probe; the claim repeats its predicate literally, as
 * SQLite needs to use a partial index. Nothing else read the old index.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.raw(`
    CREATE INDEX multivac_jobs_order_unfinished_idx
      ON multivac_jobs (order_key, order_seq)
      WHERE status IN ('pending', 'running')
  `);
  await knex.schema.alterTable('multivac_jobs', table => {
    table.dropIndex(['order_key', 'order_seq'], 'multivac_jobs_order_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('multivac_jobs', table => {
    table.index(['order_key', 'order_seq'], 'multivac_jobs_order_idx');
  });
  await knex.raw('DROP INDEX multivac_jobs_order_unfinished_idx');
};
