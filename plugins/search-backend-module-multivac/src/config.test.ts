import { ConfigReader } from '@backstage/config';
import { DEFAULT_SCHEDULE, readCollatorOptions } from './config';

const read = (multivac?: object) =>
  readCollatorOptions(
    new ConfigReader(multivac ? { search: { collators: { multivac } } } : {}),
  );

describe('readCollatorOptions', () => {
  it('defaults to every 10 minutes, 100 items a page', () => {
    expect(read()).toEqual({ schedule: DEFAULT_SCHEDULE, pageSize: 100 });
    expect(DEFAULT_SCHEDULE.frequency).toEqual({ minutes: 10 });
  });

  it('reads the schedule and the page size', () => {
    expect(
      read({
        schedule: {
          frequency: { minutes: 2 },
          timeout: { minutes: 1 },
          initialDelay: { seconds: 5 },
        },
        pageSize: 25,
      }),
    ).toEqual({
      schedule: {
        frequency: { minutes: 2 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 5 },
      },
      pageSize: 25,
    });
  });

  it('names the key of a bad value', () => {
    expect(() => read({ pageSize: 101 })).toThrow(
      'Invalid search.collators.multivac.pageSize: must be a whole number from 1 to 100, got 101',
    );
    expect(() => read({ pageSize: 0 })).toThrow(/pageSize/);
    expect(() => read({ schedule: { frequency: 'often' } })).toThrow(
      /^Invalid search.collators.multivac.schedule: /,
    );
  });
});
