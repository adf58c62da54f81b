// @ts-check

/**
 * Shift cover ("overrides", issue 19): one person covers a schedule's window,
 * stored by Multivac and applied on top of whichever version of the schedule
 * is effective, so editing the schedule's file never loses them. Cancelled
 * overrides are kept (cancelled_at/by set) for the record.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('multivac_oncall_overrides', table => {
    table.string('id', 36).primary();
    table.string('schedule_id', 255).notNullable();
    table.string('user_ref', 255).notNullable();
    table.timestamp('start_at', { useTz: true }).notNullable();
    table.timestamp('end_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    table.text('reason').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('cancelled_at', { useTz: true }).nullable();
    table.string('cancelled_by', 255).nullable();
    table.index(['schedule_id', 'end_at'], 'multivac_oncall_overrides_by_end');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_oncall_overrides');
};
