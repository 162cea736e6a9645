import { describe, expect, it } from 'vitest';
import { groupSecret, svgDataUrl } from './svg-data-url';

describe('svgDataUrl', () => {
  it('encodes the SVG as base64 for an <img>, never as markup', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>é</svg>';
    const url = svgDataUrl(svg);
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const decoded = Buffer.from(url.split(',')[1] ?? '', 'base64').toString('utf8');
    expect(decoded).toBe(svg);
    expect(url).not.toContain('<');
  });

  it('groups a secret for typing by hand', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(groupSecret('ABCDE')).toBe('ABCD E');
  });
});
