// @ts-check

/**
 * The insights page at company scale, second pass (issue 18):
 * `multivac_incident_entity_facts` holds one row per incident and entity it
 * names, with the incident's facts (declaration time, severity, status and
 * durations, as in `multivac_incident_facts`) and the entity in lower case
 * (`entity_key`). Incident metrics by service and by team read one index
 * range of it instead of joining the period's incidents with their
 * entities, and the change failure rate finds the incidents of a released
 * entity in a release's window through `(entity_key, created_at)` instead
 * of matching every release with every incident of the period.
 *
 * Kept in the same transaction as the change: triggers on
 * `multivac_incident_facts` copy an incident's facts to its entities' rows
 * whenever the facts are written (the facts triggers of migration
 * `20261205030000_insights_facts` delete and insert them), and a change to
 * an incident's entities refreshes that incident's facts (PostgreSQL: with
 * the facts' own locks, `multivac_incident_facts_refresh`) or, on SQLite
 * (one writer at a time), writes the entity's row directly. Exact: a copy,
 * nothing sampled.
 *
 * `multivac_interruption_person_days`: interruptions per person, UTC day
 * and band, adjusted by a row trigger whenever a notification's
 * `interruption` (or its person, time or band) changes, as
 * `multivac_interruption_hours` is. Interruptions by person add up whole
 * days from it and read only the period's partial first and last days
 * from the notifications. Exact: counts.
 */

/**
 * The UTC day a time falls in (whatever the session's time zone).
 * @param {string} at
 */
const PG_DAY = at =>
  `(date_trunc('day', ${at} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
/**
 * SQLite: the same day as an ISO string, as the store writes times.
 * @param {string} at
 */
const SQLITE_DAY = at => `strftime('%Y-%m-%dT00:00:00.000Z', ${at})`;

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  const pg = knex.client.config.client === 'pg';

  await knex.schema.createTable('multivac_incident_entity_facts', table => {
    table.comment(
      'The facts of each incident once per entity it names, kept by triggers on incident facts and entities',
    );
    table.string('incident_id').notNullable();
    table.string('entity_ref').notNullable();
    table
      .string('entity_key')
      .notNullable()
      .comment('lower(entity_ref), as the change failure rate matches it');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('severity', 8).notNullable();
    table.string('status', 32).notNullable();
    table.double('tta').nullable();
    table.double('ttr').nullable();
    table.double('ttm').nullable();
    table.primary(['incident_id', 'entity_ref']);
  });

  await knex.schema.createTable('multivac_interruption_person_days', table => {
    table.comment(
      'Interruptions per person, UTC day and band, kept by a trigger on notifications',
    );
    table.timestamp('day', { useTz: true }).notNullable();
    table.string('user_ref').notNullable();
    table.string('band', 16).notNullable();
    table.integer('interruptions').notNullable();
    table.primary(['day', 'user_ref', 'band']);
  });

  const columns =
    'incident_id, entity_ref, entity_key, created_at, severity, status, tta, ttr, ttm';
  /** The entity rows of the facts `f` joined with entities `e`. */
  const copied = `f.incident_id, e.entity_ref, lower(e.entity_ref),
    f.created_at, f.severity, f.status, f.tta, f.ttr, f.ttm`;

  if (pg) {
    await knex.raw(
      `CREATE INDEX multivac_incident_entity_facts_at_idx
         ON multivac_incident_entity_facts (created_at)
         INCLUDE (incident_id, entity_ref, severity, status, tta, ttr, ttm)`,
    );
    await knex.raw(
      `CREATE INDEX multivac_incident_entity_facts_key_idx
         ON multivac_incident_entity_facts (entity_key, created_at)
         INCLUDE (status, entity_ref)`,
    );
    await knex.raw(`
      CREATE FUNCTION multivac_incident_entity_facts_copy() RETURNS trigger
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        -- Runs inside multivac_incident_facts_refresh, under its locks.
        IF TG_OP <> 'INSERT' THEN
          DELETE FROM multivac_incident_entity_facts x
          USING (SELECT DISTINCT incident_id FROM old_rows) o
          WHERE x.incident_id = o.incident_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
          INSERT INTO multivac_incident_entity_facts (${columns})
          SELECT ${copied}
          FROM new_rows f JOIN multivac_incident_entities e
            ON e.incident_id = f.incident_id;
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ]) {
      await knex.raw(
        `CREATE TRIGGER multivac_incident_entity_facts_${event.toLowerCase()}
         AFTER ${event} ON multivac_incident_facts REFERENCING ${tables}
         FOR EACH STATEMENT EXECUTE FUNCTION multivac_incident_entity_facts_copy()`,
      );
    }
    await knex.raw(`
      CREATE FUNCTION multivac_incident_entities_changed() RETURNS trigger
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      DECLARE
        ids text[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT array_agg(incident_id) INTO ids FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
          SELECT array_agg(incident_id) INTO ids FROM old_rows;
        ELSE
          SELECT array_agg(x) INTO ids FROM (
            SELECT incident_id AS x FROM new_rows
            UNION SELECT incident_id FROM old_rows) u;
        END IF;
        -- Rewrites the incidents' facts, whose triggers copy them to the
        -- entities as they are now.
        PERFORM multivac_incident_facts_refresh(ids);
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ]) {
      await knex.raw(
        `CREATE TRIGGER multivac_incident_entities_facts_${event.toLowerCase()}
         AFTER ${event} ON multivac_incident_entities REFERENCING ${tables}
         FOR EACH STATEMENT EXECUTE FUNCTION multivac_incident_entities_changed()`,
      );
    }
    // Increments commute: concurrent transactions need no lock here.
    /** @type {(row: string, sign: string) => string} */
    const bump = (row, sign) => `
      INSERT INTO multivac_interruption_person_days AS d
        (day, user_ref, band, interruptions)
      VALUES (${PG_DAY(`${row}.notified_at`)}, ${row}.user_ref, ${row}.band,
        ${sign}1)
      ON CONFLICT (day, user_ref, band)
      DO UPDATE SET interruptions = d.interruptions + EXCLUDED.interruptions;`;
    await knex.raw(`
      CREATE FUNCTION multivac_interruption_person_days_changed() RETURNS trigger
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        IF TG_OP <> 'INSERT' AND OLD.interruption THEN
          ${bump('OLD', '-')}
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.interruption THEN
          ${bump('NEW', '+')}
        END IF;
        RETURN NULL;
      END $$`);
    for (const event of [
      'INSERT',
      'UPDATE OF interruption, user_ref, notified_at, band',
      'DELETE',
    ]) {
      await knex.raw(
        `CREATE TRIGGER multivac_interruption_person_days_${event
          .split(' ')[0]
          .toLowerCase()}
         AFTER ${event} ON multivac_notifications
         FOR EACH ROW EXECUTE FUNCTION multivac_interruption_person_days_changed()`,
      );
    }
    await knex.raw(
      `INSERT INTO multivac_interruption_person_days
         (day, user_ref, band, interruptions)
       SELECT ${PG_DAY('notified_at')}, user_ref, band, count(*)
       FROM multivac_notifications WHERE interruption
       GROUP BY 1, 2, 3`,
    );
  } else {
    /** @type {(row: string, sign: string) => string} */
    const bump = (row, sign) => `
      INSERT INTO multivac_interruption_person_days
        (day, user_ref, band, interruptions)
      SELECT ${SQLITE_DAY(`${row}.notified_at`)}, ${row}.user_ref, ${row}.band,
        ${sign}1
      WHERE ${row}.interruption
      ON CONFLICT (day, user_ref, band)
      DO UPDATE SET interruptions = interruptions + excluded.interruptions;`;
    for (const [event, body] of [
      ['INSERT', bump('NEW', '')],
      ['DELETE', bump('OLD', '-')],
      [
        'UPDATE OF interruption, user_ref, notified_at, band',
        `${bump('OLD', '-')} ${bump('NEW', '')}`,
      ],
    ]) {
      await knex.raw(
        `CREATE TRIGGER multivac_interruption_person_days_${event
          .split(' ')[0]
          .toLowerCase()}
         AFTER ${event} ON multivac_notifications FOR EACH ROW BEGIN ${body} END`,
      );
    }
    await knex.raw(
      `INSERT INTO multivac_interruption_person_days
         (day, user_ref, band, interruptions)
       SELECT ${SQLITE_DAY('notified_at')}, user_ref, band, count(*)
       FROM multivac_notifications WHERE interruption
       GROUP BY 1, 2, 3`,
    );
    await knex.raw(
      `CREATE INDEX multivac_incident_entity_facts_at_idx
         ON multivac_incident_entity_facts (created_at)`,
    );
    await knex.raw(
      `CREATE INDEX multivac_incident_entity_facts_key_idx
         ON multivac_incident_entity_facts (entity_key, created_at)`,
    );
    /** @type {(row: string) => string} */
    const fromFacts = row => `
      INSERT INTO multivac_incident_entity_facts (${columns})
      SELECT ${copied.replace(/\bf\./g, `${row}.`)}
      FROM multivac_incident_entities e WHERE e.incident_id = ${row}.incident_id;`;
    /** @type {(row: string) => string} */
    const dropFacts = row => `
      DELETE FROM multivac_incident_entity_facts
      WHERE incident_id = ${row}.incident_id;`;
    /** @type {(row: string) => string} */
    const fromEntity = row => `
      INSERT INTO multivac_incident_entity_facts (${columns})
      SELECT f.incident_id, ${row}.entity_ref, lower(${row}.entity_ref),
        f.created_at, f.severity, f.status, f.tta, f.ttr, f.ttm
      FROM multivac_incident_facts f WHERE f.incident_id = ${row}.incident_id;`;
    /** @type {(row: string) => string} */
    const dropEntity = row => `
      DELETE FROM multivac_incident_entity_facts
      WHERE incident_id = ${row}.incident_id AND entity_ref = ${row}.entity_ref;`;
    for (const [name, table, event, body] of [
      ['copy_insert', 'multivac_incident_facts', 'INSERT', fromFacts('NEW')],
      [
        'copy_update',
        'multivac_incident_facts',
        'UPDATE',
        `${dropFacts('OLD')} ${fromFacts('NEW')}`,
      ],
      ['copy_delete', 'multivac_incident_facts', 'DELETE', dropFacts('OLD')],
      [
        'entity_insert',
        'multivac_incident_entities',
        'INSERT',
        fromEntity('NEW'),
      ],
      [
        'entity_update',
        'multivac_incident_entities',
        'UPDATE',
        `${dropEntity('OLD')} ${fromEntity('NEW')}`,
      ],
      [
        'entity_delete',
        'multivac_incident_entities',
        'DELETE',
        dropEntity('OLD'),
      ],
    ]) {
      await knex.raw(
        `CREATE TRIGGER multivac_incident_entity_facts_${name}
         AFTER ${event} ON ${table} FOR EACH ROW BEGIN ${body} END`,
      );
    }
  }

  // What is already there.
  await knex.raw(
    `INSERT INTO multivac_incident_entity_facts (${columns})
     SELECT ${copied}
     FROM multivac_incident_facts f JOIN multivac_incident_entities e
       ON e.incident_id = f.incident_id`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  const pg = knex.client.config.client === 'pg';
  for (const event of ['insert', 'update', 'delete']) {
    await knex.raw(
      `DROP TRIGGER IF EXISTS multivac_interruption_person_days_${event}${
        pg ? ' ON multivac_notifications' : ''
      }`,
    );
  }
  if (pg) {
    await knex.raw(
      'DROP FUNCTION IF EXISTS multivac_interruption_person_days_changed()',
    );
    for (const event of ['insert', 'update', 'delete']) {
      await knex.raw(
        `DROP TRIGGER IF EXISTS multivac_incident_entity_facts_${event} ON multivac_incident_facts`,
      );
      await knex.raw(
        `DROP TRIGGER IF EXISTS multivac_incident_entities_facts_${event} ON multivac_incident_entities`,
      );
    }
    await knex.raw(
      'DROP FUNCTION IF EXISTS multivac_incident_entity_facts_copy()',
    );
    await knex.raw(
      'DROP FUNCTION IF EXISTS multivac_incident_entities_changed()',
    );
  } else {
    for (const name of [
      'copy_insert',
      'copy_update',
      'copy_delete',
      'entity_insert',
      'entity_update',
      'entity_delete',
    ]) {
      await knex.raw(
        `DROP TRIGGER IF EXISTS multivac_incident_entity_facts_${name}`,
      );
    }
  }
  await knex.schema.dropTable('multivac_incident_entity_facts');
  await knex.schema.dropTable('multivac_interruption_person_days');
};
