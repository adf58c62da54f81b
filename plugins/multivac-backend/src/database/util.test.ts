import knexFactory, { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useWriteAheadLog } from './util';

describe('useWriteAheadLog', () => {
  const directory = mkdtempSync(join(tmpdir(), 'multivac-wal-'));
  const open = () =>
    knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(directory, 'multivac.sqlite') },
      useNullAsDefault: true,
    });
  const journalMode = async (knex: Knex) =>
    (await knex.raw('PRAGMA journal_mode'))[0].journal_mode;
  const synchronous = async (knex: Knex) =>
    (await knex.raw('PRAGMA synchronous'))[0].synchronous;

  afterAll(() => rmSync(directory, { recursive: true }));

  it('puts a SQLite file in WAL mode, kept after reopening, with full fsync', async () => {
    const first = open();
    expect(await journalMode(first)).toBe('delete');
    await useWriteAheadLog(first);
    expect(await journalMode(first)).toBe('wal');
    expect(await synchronous(first)).toBe(2); // FULL
    await first.destroy();

    const again = open();
    expect(await journalMode(again)).toBe('wal');
    await again.destroy();
  });

  it('leaves other databases alone', async () => {
    const raw = jest.fn();
    await useWriteAheadLog({
      client: { config: { client: 'pg' } },
      raw,
    } as unknown as Knex);
    expect(raw).not.toHaveBeenCalled();
  });
});
