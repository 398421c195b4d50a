/** The status page's headline follows ongoing public incidents as well as the services. */
import { describe, expect, it } from 'vitest';
import { renderStatusPage, statusBanner, type StatusIncident } from './status-page.presenter.js';

const incident = (over: Partial<StatusIncident> = {}): StatusIncident => ({
  id: 'i1',
  title: '電子カルテ連携の全面停止',
  severity: 'SEV2',
  state: 'active',
  startedAt: Date.UTC(2026, 11, 7, 1, 27),
  resolvedAt: null,
  services: [],
  updates: [],
  rcaShared: false,
  ...over,
});

describe('status page headline', () => {
  it('is operational only when no service has trouble and no incident is ongoing', () => {
    expect(statusBanner('operational', [])).toEqual({ level: 'operational', incident: false });
    expect(statusBanner('degraded', [])).toEqual({ level: 'degraded', incident: false });
  });
  it('takes an ongoing incident by its services impact, else its severity', () => {
    expect(statusBanner('operational', [incident({ severity: 'SEV1' })]).level).toBe('major_outage');
    expect(statusBanner('operational', [incident({ severity: 'SEV2' })]).level).toBe('partial_outage');
    expect(statusBanner('operational', [incident({ severity: 'SEV4' })]).level).toBe('degraded');
    expect(statusBanner('operational', [incident({ severity: 'SEV4', services: [{ ja: '決済', en: 'Payments', impact: 'major_outage' }] })]).level).toBe('major_outage');
    expect(statusBanner('major_outage', [incident({ severity: 'SEV4' })]).level).toBe('major_outage');
  });
  it('renders an ongoing SEV2 with no services: incident banner, no empty services box, no "no incidents" line', () => {
    for (const [lang, says, never] of [
      ['ja', '障害が発生しています', ['すべてのサービスは正常に稼働しています', '過去90日間に障害はありませんでした。']],
      ['en', 'An incident is in progress', ['All services are operating normally', 'No incidents in the last 90 days.']],
    ] as const) {
      const html = renderStatusPage(lang, { services: [], active: [incident()], history: [], overall: 'operational' });
      expect(html).toContain(`<div class="banner bad" role="status" data-level="partial_outage">${says}</div>`);
      for (const n of never) expect(html).not.toContain(n);
      expect(html).not.toMatch(/<div class="card"><\/div>/);
      expect(html).not.toContain(lang === 'ja' ? '<h2>サービス</h2>' : '<h2>Services</h2>');
    }
  });
  it('says all is well and lists services when nothing is wrong', () => {
    const html = renderStatusPage('ja', { services: [{ id: 's', name: { ja: '決済', en: 'Payments' }, status: 'operational' }], active: [], history: [], overall: 'operational' });
    expect(html).toContain('<div class="banner ok" role="status" data-level="operational">すべてのサービスは正常に稼働しています</div>');
    expect(html).toContain('<h2>サービス</h2>');
    expect(html).toContain('過去90日間に障害はありませんでした。');
  });
});
