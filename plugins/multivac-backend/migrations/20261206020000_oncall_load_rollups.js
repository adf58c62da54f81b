// @ts-check

/**
 * On-call load at company scale (issue 18): `multivac_notification_people`
 * holds one revision per person of the interruptions ledger, raised by
 * triggers in the same transaction as any insert, update or delete of that
 * person's notifications. The on-call load keeps the figures of each
 * person's past shifts and reuses them while the person's revision is the
 * one it read before computing them; any change to the person's ledger
 * (a late page, an incident linked, a recount of the 60-second rule) makes
 * them computed again. Exact: nothing is reused across a change.
 *
 * On PostgreSQL the trigger is per statement (one raise per person per
 * statement); on SQLite per row.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.createTable('multivac_notification_people', table => {
    table.comment(
      'A revision per person of the interruptions ledger, raised by triggers whenever the notifications of the person change',
    );
    table.string('user_ref').primary();
    table.bigInteger('revision').notNullable();
  });

  if (pg) {
    await knex.raw(`
      CREATE FUNCTION multivac_notification_people_changed() RETURNS trigger
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO multivac_notification_people AS p (user_ref, revision)
          SELECT DISTINCT user_ref, 1 FROM new_rows ORDER BY user_ref
          ON CONFLICT (user_ref) DO UPDATE SET revision = p.revision + 1;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO multivac_notification_people AS p (user_ref, revision)
          SELECT DISTINCT user_ref, 1 FROM old_rows ORDER BY user_ref
          ON CONFLICT (user_ref) DO UPDATE SET revision = p.revision + 1;
        ELSE
          INSERT INTO multivac_notification_people AS p (user_ref, revision)
          SELECT DISTINCT user_ref, 1 FROM (
            SELECT user_ref FROM new_rows UNION SELECT user_ref FROM old_rows
          ) u ORDER BY user_ref
          ON CONFLICT (user_ref) DO UPDATE SET revision = p.revision + 1;
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ]) {
      await knex.raw(
        `CREATE TRIGGER multivac_notification_people_${event.toLowerCase()}
         AFTER ${event} ON multivac_notifications REFERENCING ${tables}
         FOR EACH STATEMENT EXECUTE FUNCTION multivac_notification_people_changed()`,
      );
    }
    return;
  }

  /** @type {(row: string) => string} */
  const raise = row => `
    INSERT INTO multivac_notification_people (user_ref, revision)
    VALUES (${row}.user_ref, 1)
    ON CONFLICT (user_ref) DO UPDATE SET revision = revision + 1;`;
  for (const [event, body] of [
    ['INSERT', raise('NEW')],
    ['DELETE', raise('OLD')],
    ['UPDATE', `${raise('OLD')} ${raise('NEW')}`],
  ]) {
    await knex.raw(
      `CREATE TRIGGER multivac_notification_people_${event.toLowerCase()}
       AFTER ${event} ON multivac_notifications FOR EACH ROW BEGIN ${body} END`,
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  const pg = knex.client.config.client === 'pg';
  for (const event of ['insert', 'update', 'delete']) {
    await knex.raw(
      `DROP TRIGGER IF EXISTS multivac_notification_people_${event}${
        pg ? ' ON multivac_notifications' : ''
      }`,
    );
  }
  if (pg) {
    await knex.raw(
      'DROP FUNCTION IF EXISTS multivac_notification_people_changed()',
    );
  }
  await knex.schema.dropTable('multivac_notification_people');
};
