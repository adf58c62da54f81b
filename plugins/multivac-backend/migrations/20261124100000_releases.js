// @ts-check

/**
 * The release calendar: releases with their planned windows, and the
 * per-user tokens of the iCalendar feeds.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('multivac_counters').insert({ name: 'release_number', value: 0 });

  await knex.schema.createTable('multivac_releases', table => {
    table.comment('A planned release of a catalog entity into an environment');
    table.string('id').primary();
    table.integer('number').notNullable().unique();
    table.string('entity_ref').notNullable();
    table.string('title', 200).notNullable();
    table.string('environment', 64).notNullable();
    table.timestamp('start_at', { useTz: true }).notNullable();
    table.timestamp('end_at', { useTz: true }).notNullable();
    table.string('status', 16).notNullable();
    table.string('owner_ref').notNullable();
    table.text('links').notNullable().comment('JSON: [{ kind, url, title? }]');
    table.text('notes').notNullable().defaultTo('');
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table
      .text('status_history')
      .notNullable()
      .comment('JSON: [{ status, at, by, note? }], oldest first');
    table
      .text('forced')
      .nullable()
      .comment(
        'JSON: { reason, by, at, conflicts } when conflicts were overridden',
      );
    table
      .timestamp('starting_notified_at', { useTz: true })
      .nullable()
      .comment('When subscribers were told that the release starts');
    // Conflict checks: what overlaps a window in one environment.
    table.index(['environment', 'start_at'], 'multivac_releases_window_idx');
    // An entity's releases, and the calendar of a team or System.
    table.index(['entity_ref', 'start_at'], 'multivac_releases_entity_idx');
    // The calendar across environments, and releases due to start.
    table.index(['start_at'], 'multivac_releases_start_idx');
  });

  await knex.schema.createTable('multivac_release_feed_tokens', table => {
    table.comment('One iCalendar feed token per user; only its hash is kept');
    table.string('user_ref').primary();
    table.string('token_sha256', 64).notNullable().unique();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('multivac_release_feed_tokens');
  await knex.schema.dropTable('multivac_releases');
  await knex('multivac_counters').where({ name: 'release_number' }).delete();
};
