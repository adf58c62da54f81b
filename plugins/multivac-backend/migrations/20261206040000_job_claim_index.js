// @ts-check

/**
 * The job queue's claim (issue 17): an index that holds exactly the jobs a
 * claim looks at (pending, or running with a lease that may expire) in the
 * order it takes them: paging lane first ('paging' sorts after 'default',
 * hence `lane DESC`), then by run time and age. A claim reads the first few
 * entries instead of every unfinished job, and the index does not grow with
 * the succeeded jobs kept for two weeks. It replaces `multivac_jobs_due_idx`
 * (status, run_after), which only the claim used.
 *
 * The same statement on PostgreSQL and SQLite (both have partial indexes);
 * the claim repeats the index's predicate literally, as SQLite needs to use
 * a partial index.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.raw(`
    CREATE INDEX multivac_jobs_claim_idx
      ON multivac_jobs (lane DESC, run_after, created_at)
      WHERE status IN ('pending', 'running')
  `);
  await knex.schema.alterTable('multivac_jobs', table => {
    table.dropIndex(['status', 'run_after'], 'multivac_jobs_due_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('multivac_jobs', table => {
    table.index(['status', 'run_after'], 'multivac_jobs_due_idx');
  });
  await knex.raw('DROP INDEX multivac_jobs_claim_idx');
};
