import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import { toYamlDocument } from './scheduleYaml';

/** What the catalog reads back from the document. */
function readBack(yaml: string) {
  const [read] = [
    ...parseEntityYaml(Buffer.from(yaml), { type: 'file', target: 'x' }),
  ];
  if (read.type !== 'entity') {
    throw new Error(JSON.stringify(read));
  }
  return read.entity;
}

describe('toYamlDocument', () => {
  it('writes strings a YAML reader would take for something else so they read back unchanged', () => {
    const entity = {
      apiVersion: 'multivac.io/v1alpha1',
      kind: 'Schedule',
      metadata: {
        name: 'x',
        description: "It's on: yes # really\nsecond line\ttab",
        title: 'yes',
      },
      spec: {
        times: ['09:00', '23:59', '2026-12-07', '2026-12-07T09:00'],
        words: ['no', 'on', 'off', 'null', '~', 'true', 'Y', 'trailing '],
        numbers: ['12', '1e3', '0x1f', '.5'],
        refs: ['user:default/ada.lovelace', 'Europe/Berlin', 'a: b', 'a:'],
        values: [0, 12.5, true, false],
        nested: [{ targets: [{ type: 'schedule' }] }, [], {}],
        empty: [],
      },
    };
    const yaml = toYamlDocument(entity);
    expect(readBack(yaml)).toEqual(entity);
    expect(yaml).toContain("    - '09:00'\n");
    expect(yaml).toContain('    - user:default/ada.lovelace\n');
  });
});
