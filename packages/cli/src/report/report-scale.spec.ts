import { describe, expect, it } from '@jest/globals';
import { largeReport } from './__fixtures__/reports.js';
import { renderRunReportHtml } from './report-html.js';

const TWO_MB = 2 * 1024 * 1024;

describe('renderRunReportHtml at scale', () => {
  it('keeps the report of a 1,000-phase run under 2 MB, with every attempt drawn and every phase listed', () => {
    const report = largeReport();
    const failures = [{ phaseId: 1, logTail: 'x'.repeat(4_000) }];
    const html = renderRunReportHtml(report, { failures, generatedAt: '2025-06-01T12:00:00.000Z' });
    expect(report.phases).toHaveLength(1_000);
    expect(html.match(/<rect class="bar [^>]*data-phase-id/g)).toHaveLength(1_020);
    expect(html.match(/<rect class="wait /g)).toHaveLength(20);
    expect(html.match(/<tr id="phase-/g)).toHaveLength(1_000);
    expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(TWO_MB);
  });
});
