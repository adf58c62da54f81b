import { incidentChannelName } from './channelName';

describe('incidentChannelName', () => {
  it('makes a slug of the title', () => {
    expect(incidentChannelName(7, 'Checkout fails: 500 errors!')).toBe(
      'inc-7-checkout-fails-500-errors',
    );
  });

  it('strips diacritics and collapses other characters', () => {
    expect(
      incidentChannelName(12, '  Zahlungen in Köln — façade  ___ down '),
    ).toBe('inc-12-zahlungen-in-koln-facade-down');
  });

  it('is just the number without a usable title', () => {
    expect(incidentChannelName(3, '')).toBe('inc-3');
    expect(incidentChannelName(3, '🔥 !!! 🔥')).toBe('inc-3');
    expect(incidentChannelName(3, '', 2)).toBe('inc-3-2');
  });

  it('adds the attempt after the first', () => {
    expect(incidentChannelName(7, 'Checkout', 1)).toBe('inc-7-checkout');
    expect(incidentChannelName(7, 'Checkout', 2)).toBe('inc-7-checkout-2');
  });

  it('cuts long titles to 80 characters, keeping number and suffix', () => {
    // the slug is cut right after a dash, which is dropped
    const name = incidentChannelName(1234, 'api '.repeat(40), 10);
    expect(name).toBe(`inc-1234-${'api-'.repeat(16)}api-10`);
    expect(name).toHaveLength(79);

    const exact = incidentChannelName(1, 'x'.repeat(200));
    expect(exact).toBe(`inc-1-${'x'.repeat(74)}`);
    expect(exact).toHaveLength(80);
  });
});
