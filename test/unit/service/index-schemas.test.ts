// The History search's requests as the bridges check them: strict, bounded, naming the field.
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../service/bench-schemas.ts';

describe('run index requests', () => {
  it('take the filters, a page and chosen measurements', () => {
    expect(parseRequest('searchRuns', undefined)).toBeUndefined();
    expect(parseRequest('searchRuns', { lot: 'L1', where: 'power_dBm > -25', limit: 25, offset: 50, measurements: ['power_dBm'] }))
      .toEqual({ lot: 'L1', where: 'power_dBm > -25', limit: 25, offset: 50, measurements: ['power_dBm'] });
    expect(parseRequest('runTrend', { measurement: 'power_dBm', lot: 'L1' })).toEqual({ measurement: 'power_dBm', lot: 'L1' });
    expect(parseRequest('lotYield', {})).toEqual({});
    expect(parseRequest('indexInfo', null)).toBeUndefined();
  });

  it('refuse a misspelt field, a page too large and a trend without its measurement', () => {
    expect(() => parseRequest('searchRuns', { lots: 'L1' })).toThrow(/bad payload for 'searchRuns': .*lots/);
    expect(() => parseRequest('searchRuns', { limit: 5000 })).toThrow(/searchRuns.*limit/);
    expect(() => parseRequest('searchRuns', { offset: -1 })).toThrow(/searchRuns.*offset/);
    expect(() => parseRequest('runTrend', { lot: 'L1' })).toThrow(/runTrend.*measurement/);
  });
});
