import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { useDirectory, useSession } from '../../session.js';
import type { HandsConfig } from './hands-api.js';
import { defaultTierKey, tierLabel } from './tier-name.js';

type Tier = HandsConfig['tiers'][number];
type Target = Tier['targets'][number];
const GENERIC = ['operator_team_supervisors', 'all_supervisors', 'managers'] as const;

const linesOf = (xs: { category: string; ask: string }[]) => xs.map((x) => `${x.category} | ${x.ask}`).join('\n');
const examplesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const i = l.indexOf('|');
      return i < 0 ? { category: '', ask: l } : { category: l.slice(0, i).trim(), ask: l.slice(i + 1).trim() };
    });

/** Administration of raise a hand: tiers (targets and seconds), categories, playbook examples, the temperature rule. Saved changes are audited. */
export function HandsConfigPage() {
  const { t } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const qc = useQueryClient();
  const [config, setConfig] = useState<HandsConfig | null>(null);
  const [categories, setCategories] = useState('');
  const [examplesJa, setExamplesJa] = useState('');
  const [examplesEn, setExamplesEn] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const load = (c: HandsConfig) => {
    setConfig(c);
    setCategories(c.categories.join('\n'));
    setExamplesJa(linesOf(c.examples.ja));
    setExamplesEn(linesOf(c.examples.en));
  };
  const stored = useQuery({ queryKey: qk.hands.config(), queryFn: ({ signal }) => client.get<HandsConfig>('/api/v1/hands/config', undefined, signal) });
  // The form starts from the stored configuration once it arrives (later refetches do not overwrite edits).
  if (!config && stored.data) load(stored.data);
  if (!config) return stored.error !== null ? <ErrorMessage error={stored.error} /> : error !== null ? <ErrorMessage error={error} /> : <Loading />;
  const setTier = (i: number, patch: Partial<Tier>) => setConfig({ ...config, tiers: config.tiers.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  const has = (tier: Tier, type: string) => tier.targets.some((x) => x.type === type);
  const toggle = (i: number, target: Target, on: boolean) => {
    const tier = config.tiers[i]!;
    const rest = tier.targets.filter((x) => JSON.stringify(x) !== JSON.stringify(target));
    setTier(i, { targets: on ? [...rest, target] : rest });
  };
  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      const next = await client.put<HandsConfig>('/api/v1/hands/config', {
        ...config,
        categories: categories.split('\n').map((c) => c.trim()).filter(Boolean),
        examples: { ja: examplesOf(examplesJa), en: examplesOf(examplesEn) },
      });
      load(next);
      qc.setQueryData(qk.hands.config(), next);
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  };
  const teams = directory.teams;

  return (
    <div className="page hands-config">
      <h1>{t('hands.config.title')}</h1>
      <p className="muted">{t('hands.config.note')}</p>
      <h2>{t('hands.config.tiers')}</h2>
      <ol className="hands-tiers">
        {config.tiers.map((tier, i) => (
          <li key={i} className="hand-item">
            <div className="hand-line">
              <label className="hand-field">
                <span>{t('hands.config.tierName')}</span>
                <input value={tier.name} maxLength={100} onChange={(e) => setTier(i, { name: e.target.value })} />
                {defaultTierKey(tier.name) && <small className="muted">{t('hands.config.defaultTierHint', { name: tierLabel(tier.name, t) })}</small>}
              </label>
              <label className="hand-field">
                <span>{t('hands.config.timeout')}</span>
                <input type="number" min={1} max={300} value={tier.timeoutSeconds} onChange={(e) => setTier(i, { timeoutSeconds: Number(e.target.value) })} />
              </label>
              <button type="button" className="btn btn-quiet btn-small" onClick={() => setConfig({ ...config, tiers: config.tiers.filter((_, j) => j !== i) })}>
                {t('hands.config.removeTier')}
              </button>
            </div>
            <div className="hands-toggles">
              {GENERIC.map((type) => (
                <label key={type}>
                  <input type="checkbox" checked={has(tier, type)} onChange={(e) => toggle(i, { type } as Target, e.target.checked)} /> {t(`hands.config.target.${type}`)}
                </label>
              ))}
              {teams.map((tm) => (
                <label key={tm.id}>
                  <input type="checkbox" checked={tier.targets.some((x) => x.type === 'team_supervisors' && x.teamId === tm.id)} onChange={(e) => toggle(i, { type: 'team_supervisors', teamId: tm.id }, e.target.checked)} /> {t('hands.config.target.team_supervisors', { name: tm.name })}
                </label>
              ))}
            </div>
          </li>
        ))}
      </ol>
      <button type="button" className="btn btn-small" onClick={() => setConfig({ ...config, tiers: [...config.tiers, { name: '', targets: [], timeoutSeconds: 12 }] })}>
        {t('hands.config.addTier')}
      </button>
      <div className="hand-line">
        <label className="hand-field">
          <span>{t('hands.config.categories')}</span>
          <textarea rows={6} value={categories} onChange={(e) => setCategories(e.target.value)} />
        </label>
        <label className="hand-field">
          <span>{t('hands.config.examplesJa')}</span>
          <textarea rows={6} value={examplesJa} onChange={(e) => setExamplesJa(e.target.value)} />
        </label>
        <label className="hand-field">
          <span>{t('hands.config.examplesEn')}</span>
          <textarea rows={6} value={examplesEn} onChange={(e) => setExamplesEn(e.target.value)} />
        </label>
      </div>
      <div className="hand-line">
        <label className="hand-field">
          <span>{t('hands.config.temperaturePosition')}</span>
          <select value={config.temperaturePosition} onChange={(e) => setConfig({ ...config, temperaturePosition: e.target.value as HandsConfig['temperaturePosition'] })}>
            <option value="first">{t('hands.config.first')}</option>
            <option value="last">{t('hands.config.last')}</option>
          </select>
        </label>
        <label className="hand-field">
          <span>{t('hands.config.maxPerSupervisor')}</span>
          <input type="number" min={1} max={20} value={config.maxPerSupervisor} onChange={(e) => setConfig({ ...config, maxPerSupervisor: Number(e.target.value) })} />
        </label>
        <label className="hand-field">
          <span>{t('hands.config.claimTarget')}</span>
          <input type="number" min={1} max={600} value={config.claimTargetSeconds} onChange={(e) => setConfig({ ...config, claimTargetSeconds: Number(e.target.value) })} />
        </label>
      </div>
      {error !== null && <ErrorMessage error={error} />}
      {saved && <p role="status">{t('hands.config.saved')}</p>}
      <button type="button" className="btn btn-primary" onClick={() => void save()}>
        {t('hands.config.save')}
      </button>
    </div>
  );
}
