// A keynote's program beside the video: what the talk is, who speaks, and the agenda in the
// viewer's own clock time with the session that is on now marked (minutes count from the
// program's starts_at_ms, which the server fills with the opening time when none is set).
import { el } from './dom.js';
import { t, lang, onLangChange } from './i18n.js';

const TICK_MS = 30000;

function clockTime(ms) {
  return new Date(ms).toLocaleTimeString(lang() === 'zh' ? 'zh-CN' : 'en-US', { hour: 'numeric', minute: '2-digit' });
}

function initial(name) {
  return [...(name || '?')][0].toUpperCase();
}

export class ProgramCard {
  constructor(root) {
    this.root = root;
    this.program = null;
    this.timer = 0;
    onLangChange(() => this.render());
  }

  // program: null (nothing to show) or { description, starts_at_ms, speakers, agenda }.
  set(program) {
    this.program = program && typeof program === 'object' ? program : null;
    const items = this.program ? [this.program.description, ...(this.program.speakers ?? []), ...(this.program.agenda ?? [])] : [];
    this.root.hidden = !items.some(Boolean);
    clearInterval(this.timer);
    if (!this.root.hidden && this.program.agenda?.length) this.timer = setInterval(() => this.markNow(), TICK_MS);
    this.render();
  }

  render() {
    const p = this.program;
    if (!p) return this.root.replaceChildren();
    const start = Number(p.starts_at_ms) || 0;
    this.rows = (p.agenda ?? []).map((item) => ({ at: start + (Number(item.minute) || 0) * 60000, item }));
    this.root.replaceChildren(
      el('h2', { id: 'program-heading', text: t('program.heading') }),
      p.description ? el('p', { class: 'program-desc', text: p.description }) : null,
      p.speakers?.length ? el('ul', { class: 'speakers', 'aria-label': t('program.speakers') },
        ...p.speakers.map((s) => el('li', { class: 'speaker' },
          s.photo ? el('img', { src: s.photo, alt: '', width: 40, height: 40, loading: 'lazy' })
            : el('span', { class: 'avatar', 'aria-hidden': 'true', text: initial(s.name) }),
          el('span', { class: 'speaker-text' },
            el('strong', { text: s.name }),
            s.role ? el('span', { class: 'speaker-role', text: s.role }) : null)))) : null,
      this.rows.length ? el('h3', { class: 'agenda-heading', text: t('program.agenda') }) : null,
      this.rows.length ? el('ol', { class: 'agenda', 'data-testid': 'agenda' },
        ...this.rows.map((row) => {
          row.li = el('li', { class: 'agenda-item' },
            el('time', { datetime: new Date(row.at).toISOString(), text: clockTime(row.at) }),
            el('span', { class: 'agenda-text' },
              el('span', { class: 'agenda-title', text: row.item.title }),
              row.item.speaker ? el('span', { class: 'agenda-speaker', text: row.item.speaker }) : null),
            el('span', { class: 'now-tag', text: t('program.now') }));
          return row.li;
        })) : null);
    this.markNow();
  }

  // The session on now: the last one that has started. Earlier ones are done.
  markNow() {
    const now = Date.now();
    let current = -1;
    this.rows?.forEach((row, i) => { if (row.at <= now) current = i; });
    this.rows?.forEach((row, i) => {
      row.li.classList.toggle('done', i < current);
      row.li.classList.toggle('now', i === current);
      if (i === current) row.li.setAttribute('aria-current', 'time');
      else row.li.removeAttribute('aria-current');
    });
  }
}
