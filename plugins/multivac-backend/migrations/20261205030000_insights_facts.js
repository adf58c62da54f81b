// @ts-check

/**
 * What the insights page reads at company scale (issue 18), kept exact and
 * up to date by the database itself, in the same transaction as the change:
 *
 * - `multivac_incident_facts`: one row per incident with its durations in
 *   seconds (time to acknowledge, to resolve, to mobilise), its declaration
 *   time, severity and status. Triggers on incidents, pages and incident
 *   roles recompute an incident's row whenever one of them changes, with
 *   the same expressions the insights queries used to evaluate on every
 *   request; a 90-day period is then one index range, not a join of three
 *   tables (and percentiles stay exact: the durations are all there).
 * - `multivac_notifications.interruption`: whether a notification starts an
 *   interruption (no earlier notification to that person within 60
 *   seconds; ties broken by id, as before). Triggers recheck the
 *   notifications of the same person in the 61 seconds after each inserted
 *   or deleted one (only the next one's predecessor changes), so counting
 *   interruptions no longer needs a window over the whole period.
 *
 * - `multivac_interruption_hours`: interruptions per UTC hour, band and
 *   local weekday and hour, adjusted by a row trigger whenever a
 *   notification's `interruption` (or its time or band) changes; the
 *   company-wide figures and heatmap add up whole hours from it and read
 *   only the period's partial first and last hours from the notifications.
 *   Exact: counts, no sampling.
 *
 * On PostgreSQL the triggers are per statement (transition tables: a bulk
 * insert is one recomputation) and serialise recomputations of the same
 * incident or person with transaction-level advisory locks (a table lock
 * when a statement touches many), so two concurrent transactions cannot
 * each miss the other's change. They assume READ COMMITTED, the default.
 * Rebuild by hand: `SELECT multivac_incident_facts_refresh(array(SELECT id
 * FROM multivac_incidents))`.
 */

/** Advisory lock classes (two-key form): 'mv' incident facts, 'mw' people. */
const FACTS_LOCK = 28022;
const PEOPLE_LOCK = 28023;
/** More ids than this in one statement take a table lock instead. */
const MAX_ROW_LOCKS = 16;

/**
 * The UTC hour a time falls in (whatever the session's time zone).
 * @param {string} at
 */
const PG_HOUR = at =>
  `(date_trunc('hour', ${at} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
/**
 * SQLite: the same hour as an ISO string, as the store writes times.
 * @param {string} at
 */
const SQLITE_HOUR = at => `strftime('%Y-%m-%dT%H:00:00.000Z', ${at})`;

/**
 * PostgreSQL: the facts of the incidents `join` selects.
 * @param {string} join
 */
const pgFacts = join => `
  SELECT i.id, i.created_at, i.severity, i.status,
    CASE WHEN p.first_ack IS NOT NULL
      THEN extract(epoch from (p.first_ack - p.first_page))::float8 END,
    CASE WHEN i.status = 'resolved'
      THEN extract(epoch from (CAST(CAST(i.state_timestamps AS json) ->> 'resolved' AS timestamptz) - i.created_at))::float8 END,
    CASE WHEN r.people >= 2
      THEN extract(epoch from (r.last_join - i.created_at))::float8 END
  FROM multivac_incidents i ${join}
  LEFT JOIN LATERAL (
    SELECT min(p.created_at) AS first_page, min(p.acknowledged_at) AS first_ack
    FROM multivac_pages p WHERE p.incident_id = i.id
  ) p ON true
  LEFT JOIN LATERAL (
    SELECT max(r.assigned_at) AS last_join, count(DISTINCT r.user_ref) AS people
    FROM multivac_incident_roles r
    WHERE r.incident_id = i.id AND r.role IN ('controller', 'responder')
  ) r ON true`;

/**
 * SQLite: the same facts of the incidents `where` selects, julianday
 * arithmetic rounded to milliseconds (as the queries did).
 * @param {string} where
 */
function sqliteFactsInsert(where) {
  /** @type {(a: string, b: string) => string} */
  const seconds = (a, b) =>
    `round((julianday(${b}) - julianday(${a})) * 86400.0, 3)`;
  return `
    INSERT INTO multivac_incident_facts
      (incident_id, created_at, severity, status, tta, ttr, ttm)
    SELECT i.id, i.created_at, i.severity, i.status,
      (SELECT CASE WHEN min(p.acknowledged_at) IS NOT NULL
          THEN ${seconds('min(p.created_at)', 'min(p.acknowledged_at)')} END
        FROM multivac_pages p WHERE p.incident_id = i.id),
      CASE WHEN i.status = 'resolved'
        THEN ${seconds(
          'i.created_at',
          "json_extract(i.state_timestamps, '$.resolved')",
        )} END,
      (SELECT CASE WHEN count(DISTINCT r.user_ref) >= 2
          THEN ${seconds('i.created_at', 'max(r.assigned_at)')} END
        FROM multivac_incident_roles r
        WHERE r.incident_id = i.id AND r.role IN ('controller', 'responder'))
    FROM multivac_incidents i ${where};`;
}

/** @param {string} id */
function sqliteFacts(id) {
  return `
    DELETE FROM multivac_incident_facts WHERE incident_id = ${id};
    ${sqliteFactsInsert(`WHERE i.id = ${id}`)}`;
}

/**
 * Whether the notification `n` (an alias) starts an interruption: no
 * earlier notification (by time, then id) to the same person is less than
 * 60 seconds before it.
 * @param {boolean} pg
 * @param {string} n
 */
function interruptionOf(pg, n) {
  const prev = `(SELECT m.notified_at FROM multivac_notifications m
      WHERE m.user_ref = ${n}.user_ref
        AND m.notified_at <= ${n}.notified_at
        AND (m.notified_at < ${n}.notified_at
          OR (m.notified_at = ${n}.notified_at AND m.id < ${n}.id))
      ORDER BY m.notified_at DESC, m.id DESC LIMIT 1)`;
  const gap = pg
    ? `extract(epoch from (${n}.notified_at - ${prev}))::float8`
    : `round((julianday(${n}.notified_at) - julianday(${prev})) * 86400.0, 3)`;
  return `(${prev} IS NULL OR ${gap} >= 60)`;
}

/**
 * PostgreSQL: recheck the notifications to the same person in the 61
 * seconds from each row of `changed` (found through the person's index).
 * @param {string} changed
 */
function pgRecount(changed) {
  // Materialised: each flag is computed once, for the SET and the WHERE.
  return `
    WITH v AS MATERIALIZED (
      SELECT x.id, ${interruptionOf(true, 'x')} AS flag
      FROM (SELECT DISTINCT y.id, y.user_ref, y.notified_at
        FROM ${changed} c
        CROSS JOIN LATERAL (
          SELECT y.id, y.user_ref, y.notified_at FROM multivac_notifications y
          WHERE y.user_ref = c.user_ref AND y.notified_at >= c.notified_at
            AND y.notified_at <= c.notified_at + interval '61 seconds'
        ) y
      ) x
    )
    UPDATE multivac_notifications SET interruption = v.flag
    FROM v
    WHERE v.id = multivac_notifications.id
      AND multivac_notifications.interruption IS DISTINCT FROM v.flag;`;
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  const pg = knex.client.config.client === 'pg';

  await knex.schema.createTable('multivac_incident_facts', table => {
    table.comment(
      'The durations of each incident for insights, kept by triggers on incidents, pages and roles',
    );
    table.string('incident_id').primary();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('severity', 8).notNullable();
    table.string('status', 32).notNullable();
    table
      .double('tta')
      .nullable()
      .comment('Seconds from the first page to the first acknowledgement');
    table
      .double('ttr')
      .nullable()
      .comment('Seconds from declared to resolved (resolved incidents)');
    table
      .double('ttm')
      .nullable()
      .comment(
        'Seconds from declared to the last of two or more controllers and responders joining',
      );
  });
  await knex.schema.alterTable('multivac_notifications', table => {
    table
      .boolean('interruption')
      .notNullable()
      .defaultTo(true)
      .comment(
        'No earlier notification to the person within 60 seconds; kept by triggers',
      );
  });

  await knex.schema.createTable('multivac_interruption_hours', table => {
    table.comment(
      'Interruptions per UTC hour, band and local weekday and hour, kept by a trigger on notifications',
    );
    table.timestamp('hour', { useTz: true }).notNullable();
    table.string('band', 16).notNullable();
    table.integer('local_weekday').notNullable();
    table.integer('local_hour').notNullable();
    table.integer('interruptions').notNullable();
    table.primary(['hour', 'band', 'local_weekday', 'local_hour']);
  });

  if (pg) {
    await knex.raw(
      `CREATE INDEX multivac_incident_facts_at_idx ON multivac_incident_facts
         (created_at) INCLUDE (severity, status, tta, ttr, ttm)`,
    );
    await knex.raw(
      `CREATE INDEX multivac_notifications_interruptions_idx ON multivac_notifications
         (notified_at) INCLUDE (band, user_ref, entity_ref, local_weekday, local_hour)
       WHERE interruption`,
    );
    // A service's or team's interruptions, and which entities notifications
    // name (the owner refresh steps through the distinct entity_ref).
    await knex.raw(
      `CREATE INDEX multivac_notifications_entity_idx ON multivac_notifications
         (entity_ref, notified_at)
         INCLUDE (interruption, band, user_ref, local_weekday, local_hour)`,
    );

    await knex.raw(`
      CREATE FUNCTION multivac_incident_facts_refresh(ids text[]) RETURNS void
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      DECLARE
        one text;
      BEGIN
        ids := ARRAY(SELECT DISTINCT x FROM unnest(ids) x WHERE x IS NOT NULL ORDER BY x);
        IF cardinality(ids) = 0 THEN
          RETURN;
        END IF;
        IF cardinality(ids) > ${MAX_ROW_LOCKS} THEN
          LOCK TABLE multivac_incident_facts IN SHARE ROW EXCLUSIVE MODE;
        ELSE
          FOREACH one IN ARRAY ids LOOP
            PERFORM pg_advisory_xact_lock(${FACTS_LOCK}, hashtext(one));
          END LOOP;
        END IF;
        DELETE FROM multivac_incident_facts f
        USING unnest(ids) AS u(id) WHERE f.incident_id = u.id;
        INSERT INTO multivac_incident_facts
          (incident_id, created_at, severity, status, tta, ttr, ttm)
        ${pgFacts('JOIN unnest(ids) AS u(id) ON u.id = i.id')};
      END $$`);
    // One function for the three tables' statement triggers: the incident's
    // id is `id` on incidents, `incident_id` on pages and roles.
    const column = `CASE WHEN TG_TABLE_NAME = 'multivac_incidents' THEN 'id' ELSE 'incident_id' END`;
    await knex.raw(`
      CREATE FUNCTION multivac_incident_facts_changed() RETURNS trigger
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      DECLARE
        ids text[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          EXECUTE format('SELECT array_agg(%I) FROM new_rows', ${column}) INTO ids;
        ELSIF TG_OP = 'DELETE' THEN
          EXECUTE format('SELECT array_agg(%I) FROM old_rows', ${column}) INTO ids;
        ELSE
          EXECUTE format(
            'SELECT array_agg(x) FROM (SELECT %1$I AS x FROM new_rows UNION SELECT %1$I FROM old_rows) u',
            ${column}) INTO ids;
        END IF;
        PERFORM multivac_incident_facts_refresh(ids);
        RETURN NULL;
      END $$`);
    for (const table of [
      'multivac_incidents',
      'multivac_pages',
      'multivac_incident_roles',
    ]) {
      for (const [event, tables] of [
        ['INSERT', 'NEW TABLE AS new_rows'],
        ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
        ['DELETE', 'OLD TABLE AS old_rows'],
      ]) {
        await knex.raw(
          `CREATE TRIGGER ${table}_facts_${event.toLowerCase()}
           AFTER ${event} ON ${table} REFERENCING ${tables}
           FOR EACH STATEMENT EXECUTE FUNCTION multivac_incident_facts_changed()`,
        );
      }
    }

    await knex.raw(`
      CREATE FUNCTION multivac_notifications_changed() RETURNS trigger
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      DECLARE
        people text[];
      BEGIN
        -- The recount's own UPDATE fires the update trigger again: nothing to do.
        IF pg_trigger_depth() > 1 THEN
          RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
          SELECT array_agg(DISTINCT user_ref ORDER BY user_ref) INTO people FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
          SELECT array_agg(DISTINCT user_ref ORDER BY user_ref) INTO people FROM old_rows;
        ELSE
          -- Only rows whose person or time changed (not linkNotifications').
          SELECT array_agg(DISTINCT u ORDER BY u) INTO people
          FROM new_rows n JOIN old_rows o USING (id),
            LATERAL (VALUES (n.user_ref), (o.user_ref)) AS v(u)
          WHERE n.user_ref <> o.user_ref OR n.notified_at <> o.notified_at;
        END IF;
        IF people IS NULL THEN
          RETURN NULL;
        END IF;
        IF cardinality(people) > ${MAX_ROW_LOCKS} THEN
          LOCK TABLE multivac_notifications IN SHARE ROW EXCLUSIVE MODE;
        ELSE
          PERFORM pg_advisory_xact_lock(${PEOPLE_LOCK}, hashtext(p))
          FROM unnest(people) WITH ORDINALITY AS u(p, k) ORDER BY k;
        END IF;
        IF TG_OP = 'INSERT' THEN
          ${pgRecount('new_rows')}
        ELSIF TG_OP = 'DELETE' THEN
          ${pgRecount('old_rows')}
        ELSE
          ${pgRecount(
            '(SELECT user_ref, notified_at FROM new_rows UNION ALL SELECT user_ref, notified_at FROM old_rows)',
          )}
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ]) {
      await knex.raw(
        `CREATE TRIGGER multivac_notifications_interruption_${event.toLowerCase()}
         AFTER ${event} ON multivac_notifications REFERENCING ${tables}
         FOR EACH STATEMENT EXECUTE FUNCTION multivac_notifications_changed()`,
      );
    }

    // What is already there.
    await knex.raw(
      `SELECT multivac_incident_facts_refresh(array(SELECT id FROM multivac_incidents))`,
    );
    await knex.raw(
      `UPDATE multivac_notifications n SET interruption =
         (w.prev IS NULL OR extract(epoch from (n.notified_at - w.prev))::float8 >= 60)
       FROM (SELECT id, lag(notified_at) OVER (PARTITION BY user_ref ORDER BY notified_at, id) AS prev
             FROM multivac_notifications) w
       WHERE w.id = n.id`,
    );
    await knex.raw(
      `INSERT INTO multivac_interruption_hours
         (hour, band, local_weekday, local_hour, interruptions)
       SELECT ${PG_HOUR(
         'notified_at',
       )}, band, local_weekday, local_hour, count(*)
       FROM multivac_notifications WHERE interruption
       GROUP BY 1, 2, 3, 4`,
    );
    // Increments commute: concurrent transactions need no lock here.
    /** @type {(row: string, sign: string) => string} */
    const bump = (row, sign) => `
      INSERT INTO multivac_interruption_hours AS h
        (hour, band, local_weekday, local_hour, interruptions)
      VALUES (${PG_HOUR(`${row}.notified_at`)}, ${row}.band,
        ${row}.local_weekday, ${row}.local_hour, ${sign}1)
      ON CONFLICT (hour, band, local_weekday, local_hour)
      DO UPDATE SET interruptions = h.interruptions + EXCLUDED.interruptions;`;
    await knex.raw(`
      CREATE FUNCTION multivac_interruption_hours_changed() RETURNS trigger
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
      'UPDATE OF interruption, notified_at, band, local_weekday, local_hour',
      'DELETE',
    ]) {
      await knex.raw(
        `CREATE TRIGGER multivac_interruption_hours_${event
          .split(' ')[0]
          .toLowerCase()}
         AFTER ${event} ON multivac_notifications
         FOR EACH ROW EXECUTE FUNCTION multivac_interruption_hours_changed()`,
      );
    }
    return;
  }

  // SQLite: row triggers, one transaction writes at a time.
  await knex.raw(
    'CREATE INDEX multivac_incident_facts_at_idx ON multivac_incident_facts (created_at)',
  );
  await knex.raw(
    `CREATE INDEX multivac_notifications_interruptions_idx
       ON multivac_notifications (notified_at) WHERE interruption`,
  );
  await knex.raw(
    `CREATE INDEX multivac_notifications_entity_idx
       ON multivac_notifications (entity_ref, notified_at)`,
  );
  /** @type {Array<[string, string, string[]]>} */
  const triggers = [
    ['multivac_incidents', 'INSERT', ['NEW.id']],
    ['multivac_incidents', 'UPDATE', ['OLD.id', 'NEW.id']],
    ['multivac_incidents', 'DELETE', ['OLD.id']],
    ...['multivac_pages', 'multivac_incident_roles'].flatMap(
      /** @returns {Array<[string, string, string[]]>} */
      table => [
        [table, 'INSERT', ['NEW.incident_id']],
        [table, 'UPDATE', ['OLD.incident_id', 'NEW.incident_id']],
        [table, 'DELETE', ['OLD.incident_id']],
      ],
    ),
  ];
  for (const [table, event, ids] of triggers) {
    await knex.raw(
      `CREATE TRIGGER ${table}_facts_${String(event).toLowerCase()}
       AFTER ${event} ON ${table} FOR EACH ROW BEGIN
       ${ids.map(id => sqliteFacts(id)).join('\n')}
       END`,
    );
  }
  /** @type {(row: string) => string} */
  const recount = row => `
    UPDATE multivac_notifications SET interruption = ${interruptionOf(
      false,
      'multivac_notifications',
    )}
    WHERE user_ref = ${row}.user_ref AND notified_at >= ${row}.notified_at
      AND julianday(notified_at) - julianday(${row}.notified_at) <= 61 / 86400.0;`;
  await knex.raw(
    `CREATE TRIGGER multivac_notifications_interruption_insert
     AFTER INSERT ON multivac_notifications FOR EACH ROW BEGIN ${recount(
       'NEW',
     )} END`,
  );
  await knex.raw(
    `CREATE TRIGGER multivac_notifications_interruption_delete
     AFTER DELETE ON multivac_notifications FOR EACH ROW BEGIN ${recount(
       'OLD',
     )} END`,
  );
  await knex.raw(
    `CREATE TRIGGER multivac_notifications_interruption_update
     AFTER UPDATE OF user_ref, notified_at ON multivac_notifications
     FOR EACH ROW BEGIN ${recount('OLD')} ${recount('NEW')} END`,
  );
  await knex.raw(sqliteFactsInsert(''));
  await knex.raw(
    `UPDATE multivac_notifications SET interruption = ${interruptionOf(
      false,
      'multivac_notifications',
    )}`,
  );
  await knex.raw(
    `INSERT INTO multivac_interruption_hours
       (hour, band, local_weekday, local_hour, interruptions)
     SELECT ${SQLITE_HOUR(
       'notified_at',
     )}, band, local_weekday, local_hour, count(*)
     FROM multivac_notifications WHERE interruption
     GROUP BY 1, 2, 3, 4`,
  );
  /** @type {(row: string, sign: string) => string} */
  const bump = (row, sign) => `
    INSERT INTO multivac_interruption_hours
      (hour, band, local_weekday, local_hour, interruptions)
    VALUES (${SQLITE_HOUR(`${row}.notified_at`)}, ${row}.band,
      ${row}.local_weekday, ${row}.local_hour, ${sign}1)
    ON CONFLICT (hour, band, local_weekday, local_hour)
    DO UPDATE SET interruptions = interruptions + excluded.interruptions;`;
  for (const [event, body] of [
    ['INSERT', `WHEN NEW.interruption BEGIN ${bump('NEW', '+')} END`],
    ['DELETE', `WHEN OLD.interruption BEGIN ${bump('OLD', '-')} END`],
  ]) {
    await knex.raw(
      `CREATE TRIGGER multivac_interruption_hours_${event.toLowerCase()}
       AFTER ${event} ON multivac_notifications FOR EACH ROW ${body}`,
    );
  }
  await knex.raw(
    `CREATE TRIGGER multivac_interruption_hours_update
     AFTER UPDATE OF interruption, notified_at, band, local_weekday, local_hour
     ON multivac_notifications FOR EACH ROW BEGIN
       INSERT INTO multivac_interruption_hours
         (hour, band, local_weekday, local_hour, interruptions)
       SELECT ${SQLITE_HOUR(
         'OLD.notified_at',
       )}, OLD.band, OLD.local_weekday, OLD.local_hour, -1
       WHERE OLD.interruption
       ON CONFLICT (hour, band, local_weekday, local_hour)
       DO UPDATE SET interruptions = interruptions + excluded.interruptions;
       INSERT INTO multivac_interruption_hours
         (hour, band, local_weekday, local_hour, interruptions)
       SELECT ${SQLITE_HOUR(
         'NEW.notified_at',
       )}, NEW.band, NEW.local_weekday, NEW.local_hour, 1
       WHERE NEW.interruption
       ON CONFLICT (hour, band, local_weekday, local_hour)
       DO UPDATE SET interruptions = interruptions + excluded.interruptions;
     END`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  const pg = knex.client.config.client === 'pg';
  const tables = [
    'multivac_incidents',
    'multivac_pages',
    'multivac_incident_roles',
  ];
  for (const event of ['insert', 'update', 'delete']) {
    await knex.raw(
      `DROP TRIGGER IF EXISTS multivac_interruption_hours_${event}${
        pg ? ' ON multivac_notifications' : ''
      }`,
    );
    for (const table of tables) {
      await knex.raw(
        `DROP TRIGGER IF EXISTS ${table}_facts_${event}${
          pg ? ` ON ${table}` : ''
        }`,
      );
    }
    await knex.raw(
      `DROP TRIGGER IF EXISTS multivac_notifications_interruption_${event}${
        pg ? ' ON multivac_notifications' : ''
      }`,
    );
  }
  if (pg) {
    await knex.raw(
      'DROP FUNCTION IF EXISTS multivac_interruption_hours_changed()',
    );
    await knex.raw('DROP FUNCTION IF EXISTS multivac_notifications_changed()');
    await knex.raw('DROP FUNCTION IF EXISTS multivac_incident_facts_changed()');
    await knex.raw(
      'DROP FUNCTION IF EXISTS multivac_incident_facts_refresh(text[])',
    );
  }
  await knex.raw(
    'DROP INDEX IF EXISTS multivac_notifications_interruptions_idx',
  );
  await knex.raw('DROP INDEX IF EXISTS multivac_notifications_entity_idx');
  await knex.schema.alterTable('multivac_notifications', table => {
    table.dropColumn('interruption');
  });
  await knex.schema.dropTable('multivac_interruption_hours');
  await knex.schema.dropTable('multivac_incident_facts');
};
