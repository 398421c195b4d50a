import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import type { Ticket } from '../../api/types.js';
import { Link, matchPath, usePath } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { claimedByOf, HandProgress, HandSummary, HandThread } from './HandCard.js';
import { RaiseHandDialog } from './RaiseHandDialog.js';
import { chime, SUPERVISING, useActiveHands, useHandLivePatch, useHandsConfig, useMyCall, useTicking, useToggle, type Call, type Hand } from './hands-api.js';
import './hands.css';

const OPEN_EVENT = 'escalon:raise-hand';

/** Opens the raise-hand form from anywhere (the topbar button, the H key). */
export const openRaiseHand = () => window.dispatchEvent(new Event(OPEN_EVENT));

const typingInField = (e: KeyboardEvent) => {
  const el = e.target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
};

/** The topbar's raise-hand button: one key away (H) on every screen. */
export function RaiseHandButton() {
  const { t } = useTranslation();
  return (
    <button type="button" className="btn btn-raise-hand" onClick={openRaiseHand} title={t('hands.raiseShortcut')} aria-keyshortcuts="h">
      {t('hands.raise')} <kbd>H</kbd>
    </button>
  );
}

/**
 * Raise a hand on every screen: the form (from a ticket, the queue or with no ticket yet), the
 * operator's waiting view and live thread, and for supervisors the raised-hands panel with
 * sound and desktop notification on a new hand.
 */
export function HandsLayer() {
  const { client, user } = useSession();
  const path = usePath();
  const ticketMatch = matchPath('/tickets/:id', path);
  const ticketId = ticketMatch?.id ?? null;
  const supervising = SUPERVISING.includes(user.role);
  const config = useHandsConfig(client);
  const call = useMyCall(client);
  // Operators refetch on their own hands' events only; supervisors on every hand's.
  // hand.updated patches the changed hand into the cached lists (operators: only their own hands).
  useHandLivePatch(client, supervising);
  const hands = useActiveHands(client, true);
  const [raising, setRaising] = useState<{ id: string; number: number | null } | null | false>(false);
  const [focus, setFocus] = useState<string | null>(null);

  useEffect(() => {
    const open = () => {
      if (!ticketId) return setRaising(null);
      setRaising({ id: ticketId, number: null });
      client
        .get<Ticket>(`/api/v1/tickets/${ticketId}`)
        .then((tk) => setRaising((r) => (r && r.id === tk.id ? { id: tk.id, number: tk.number } : r)))
        .catch(() => undefined);
    };
    const key = (e: KeyboardEvent) => {
      if ((e.key === 'h' || e.key === 'H') && !e.ctrlKey && !e.metaKey && !e.altKey && !typingInField(e) && !document.querySelector('dialog[open]')) {
        e.preventDefault();
        open();
      }
    };
    window.addEventListener(OPEN_EVENT, open);
    window.addEventListener('keydown', key);
    return () => {
      window.removeEventListener(OPEN_EVENT, open);
      window.removeEventListener('keydown', key);
    };
  }, [ticketId, client]);

  const all = [...(hands.data?.open ?? []), ...(hands.data?.claimed ?? [])];
  const mine = all.filter((h) => h.operator.id === user.id || h.claimedBy?.id === user.id);
  const shown = focus ?? mine[mine.length - 1]?.id ?? null;

  return (
    <>
      {raising !== false && (
        <RaiseHandDialog
          config={config}
          ticket={raising}
          callerNumber={call.data?.onCall ? call.data.callerNumber : null}
          onClose={() => setRaising(false)}
          onRaised={(h) => {
            setRaising(false);
            setFocus(h.id);
            hands.reload();
          }}
        />
      )}
      {supervising && path !== '/wallboard' && <SupervisorPanel hands={hands.data} onClaimed={(h) => (setFocus(h.id), hands.reload())} />}
      {shown && <HandDock handId={shown} mineCount={mine.length} onSelect={setFocus} mine={mine} onDismiss={() => setFocus(null)} />}
    </>
  );
}

function HandDock({ handId, mine, mineCount, onSelect, onDismiss }: { handId: string; mine: Hand[]; mineCount: number; onSelect(id: string): void; onDismiss(): void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [min, setMin] = useState(false);
  const current = mine.find((h) => h.id === handId);
  // A hand that just closed leaves the active list: the dock keeps the side it was shown for.
  const side = useRef<{ id: string; supervising: boolean } | null>(null);
  if (current) side.current = { id: handId, supervising: current.operator.id !== user.id };
  const supervisingSide = side.current?.id === handId ? side.current.supervising : false;
  const title = supervisingSide ? t('hands.dock.supervising') : t('hands.dock.mine');
  return (
    <aside className={min ? 'hand-dock minimised' : 'hand-dock'} aria-label={title}>
      <header className="hand-dock-head">
        <strong>{title}</strong>
        {mineCount > 1 && (
          <select aria-label={title} value={handId} onChange={(e) => onSelect(e.target.value)}>
            {mine.map((h) => (
              <option key={h.id} value={h.id}>
                {(h.ask || h.concern).slice(0, 40)}
              </option>
            ))}
          </select>
        )}
        <button type="button" className="btn btn-quiet btn-small" onClick={() => setMin(!min)}>
          {min ? t('hands.dock.expand') : t('hands.dock.minimise')}
        </button>
        {!current && (
          <button type="button" className="btn btn-quiet btn-small" onClick={onDismiss} aria-label={t('hands.actions.dismiss')}>
            ✕
          </button>
        )}
      </header>
      {!min && <HandThread handId={handId} key={handId} />}
    </aside>
  );
}

/**
 * Keeps `--hands-top` on the body at the top bar's bottom edge (8 px below it, or 8 px from the
 * viewport's top once the bar has scrolled away), so the fixed panel never covers the bar's
 * controls, however many lines the bar wraps to in either language.
 */
function useBelowTopbar(active: boolean) {
  useEffect(() => {
    const bar = document.querySelector('header.topbar');
    if (!active || !bar) return;
    const place = () => document.body.style.setProperty('--hands-top', `${Math.max(0, bar.getBoundingClientRect().bottom) + 8}px`);
    place();
    const ro = new ResizeObserver(place);
    ro.observe(bar);
    window.addEventListener('scroll', place, { passive: true });
    window.addEventListener('resize', place);
    return () => {
      ro.disconnect();
      window.removeEventListener('scroll', place);
      window.removeEventListener('resize', place);
      document.body.style.removeProperty('--hands-top');
    };
  }, [active]);
}

/** The top bar's right-hand group, once it is in the document (the collapsed panel's button lives there). */
function useTopbarSlot(): Element | null {
  const [slot, setSlot] = useState<Element | null>(null);
  useEffect(() => setSlot(document.querySelector('header.topbar .topbar-right')), []);
  return slot;
}

function SupervisorPanel({ hands, onClaimed }: { hands: { open: Hand[]; claimed: Hand[] } | null; onClaimed(h: Hand): void }) {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const now = useTicking();
  const [collapsed, setCollapsed] = useToggle('escalon.hands.panelCollapsed', false);
  const [sound, setSound] = useToggle('escalon.hands.sound', true);
  const [desktop, setDesktop] = useToggle('escalon.hands.desktop', false);
  const qc = useQueryClient();
  const myCall = useMyCall(client);
  const available = myCall.data ? myCall.data.availableForHands : null;
  const setAvailable = (v: boolean) => qc.setQueryData<Call>(qk.hands.call(), (c) => (c ? { ...c, availableForHands: v } : c));
  const [lost, setLost] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const seen = useRef<Set<string> | null>(null);
  const open = hands?.open ?? [];
  const claimedOthers = (hands?.claimed ?? []).filter((h) => h.claimedBy?.id !== user.id && h.operator.id !== user.id);

  // A new hand that alerts me: a chime and a desktop notification (each toggleable).
  useEffect(() => {
    if (!hands) return;
    const ids = new Set(open.map((h) => h.id));
    if (seen.current) {
      const fresh = open.filter((h) => !seen.current!.has(h.id) && h.operator.id !== user.id && (h.alerted.some((p) => p.id === user.id) || h.exhausted));
      if (fresh.length && sound) chime();
      if (fresh.length && desktop && typeof Notification !== 'undefined' && Notification.permission === 'granted')
        for (const h of fresh) new Notification(t('hands.panel.newHand', { ask: h.ask || h.concern }), { body: `${h.operator.name}${h.team ? ` · ${h.team.name}` : ''}`, tag: h.id });
    }
    seen.current = ids;
  }, [hands]);

  useEffect(() => {
    document.body.classList.toggle('hands-panel-open', !collapsed);
    return () => document.body.classList.remove('hands-panel-open');
  }, [collapsed]);
  useBelowTopbar(!collapsed);
  const slot = useTopbarSlot();

  const claim = async (h: Hand) => {
    try {
      const r = await client.post<Hand>(`/api/v1/hands/${h.id}/claim`);
      onClaimed(r);
    } catch (e) {
      const who = claimedByOf(e);
      if (who) setLost((l) => ({ ...l, [h.id]: who }));
      else setErrors((x) => ({ ...x, [h.id]: e instanceof Error ? e.message : String(e) }));
    }
  };

  // Collapsed, the panel is a button in the top bar (a floating pill covered the bar's and the page's right-hand controls).
  if (collapsed)
    return slot
      ? createPortal(
          <button type="button" className={open.length ? 'hands-pill has-hands' : 'hands-pill'} onClick={() => setCollapsed(false)}>
            {t('hands.panel.expand')} {open.length > 0 && <strong>{open.length}</strong>}
          </button>,
          slot,
        )
      : null;

  return (
    <aside className="hands-panel" aria-label={t('hands.panel.title')}>
      <header className="hands-panel-head">
        <h2>
          {t('hands.panel.title')} <span className="muted small">{t('hands.panel.count', { count: open.length })}</span>
        </h2>
        <Link to="/wallboard" className="btn btn-quiet btn-small">
          {t('hands.wallboard.nav')}
        </Link>
        {user.role === 'admin' && (
          <Link to="/admin/hands" className="btn btn-quiet btn-small">
            {t('hands.config.open')}
          </Link>
        )}
        <button type="button" className="btn btn-quiet btn-small" onClick={() => setCollapsed(true)}>
          {t('hands.panel.collapse')}
        </button>
      </header>
      <div className="hands-toggles small">
        <label>
          <input type="checkbox" checked={available ?? true} disabled={available === null} onChange={(e) => void client.put<{ availableForHands: boolean }>('/api/v1/me/hand-availability', { availableForHands: e.target.checked }).then((c) => setAvailable(c.availableForHands))} /> {t('hands.panel.available')}
        </label>
        <label>
          <input type="checkbox" checked={sound} onChange={(e) => setSound(e.target.checked)} /> {t('hands.panel.sound')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={desktop}
            onChange={(e) => {
              const on = e.target.checked;
              setDesktop(on);
              if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
            }}
          />{' '}
          {t('hands.panel.desktop')}
        </label>
      </div>
      {open.length === 0 && <p className="muted small">{t('hands.panel.empty')}</p>}
      <ol className="hands-list">
        {open.map((h) => (
          <li key={h.id} className={h.exhausted ? 'hand-item exhausted' : 'hand-item'}>
            {h.alerted.some((p) => p.id === user.id) && <span className="badge hand-for-you">{t('hands.panel.forYou')}</span>}
            <HandSummary hand={h} now={now} />
            <HandProgress hand={h} now={now} />
            {lost[h.id] ? (
              <p className="hand-lost" role="alert">
                {t('hands.actions.alreadyClaimed', { name: lost[h.id] })}
              </p>
            ) : (
              h.operator.id !== user.id && (
                <button type="button" className="btn btn-primary btn-small" onClick={() => void claim(h)}>
                  {t('hands.actions.claim')}
                </button>
              )
            )}
            {errors[h.id] && <p className="error small">{errors[h.id]}</p>}
          </li>
        ))}
      </ol>
      {claimedOthers.length > 0 && (
        <>
          <h3 className="small">{t('hands.panel.claimedOthers')}</h3>
          <ol className="hands-list claimed">
            {claimedOthers.map((h) => (
              <li key={h.id} className="hand-item">
                <HandSummary hand={h} now={now} />
                <HandProgress hand={h} now={now} />
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}
